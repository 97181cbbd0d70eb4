//! Regard's rooms are not open to anyone: a clinician joins with a session, the
//! caller's phone with the cookie it got by accepting the texted link. This
//! creates both, through the same API the console and the caller's page use.

use std::path::Path;

use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use regard_shared::api::LoginRequest;
use regard_shared::assist::{AcceptRequest, Accepted, AssistDetail, NewAssist, CONSENT_VERSION};
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Client, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The demo organisation's administrator (`regard serve --seed-demo`).
const DEMO_PASSWORD: &str = "regard-demo-2026";
/// As `MAX_SOCKETS_PER_CLINICIAN` in the server: one regulator per 8 pairs.
const PAIRS_PER_REGULATOR: usize = 8;
/// Requests in flight while setting up (each login hashes a password).
const CONCURRENCY: usize = 16;

#[derive(Serialize, Deserialize)]
pub struct Pair {
    pub assist_id: String,
    pub clinician_cookie: String,
    pub phone_cookie: String,
}

/// `name=value` of every cookie the response sets, as a `Cookie` header.
fn cookies(response: &Response) -> String {
    let pairs: Vec<&str> =
        response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()?.split(';').next()).collect();
    pairs.join("; ")
}

/// A JSON body (by hand: reqwest's `json` feature would change the server's build).
fn with_json(request: RequestBuilder, body: &impl Serialize) -> anyhow::Result<RequestBuilder> {
    Ok(request.header(CONTENT_TYPE, "application/json").body(serde_json::to_vec(body)?))
}

async fn read<T: DeserializeOwned>(response: Response) -> anyhow::Result<T> {
    Ok(serde_json::from_slice(&response.bytes().await?)?)
}

async fn ok(response: Response, what: &str) -> anyhow::Result<Response> {
    if !response.status().is_success() {
        bail!("{what}: {} {}", response.status(), response.text().await.unwrap_or_default());
    }
    Ok(response)
}

async fn login(client: &Client, url: &str, email: &str) -> anyhow::Result<String> {
    let body = LoginRequest { email: email.into(), password: DEMO_PASSWORD.into() };
    let response =
        ok(with_json(client.post(format!("{url}/api/v1/auth/login")), &body)?.send().await?, "login").await?;
    Ok(cookies(&response))
}

async fn new_pair(client: &Client, url: &str, clinician_cookie: String, index: usize) -> anyhow::Result<Pair> {
    let request = NewAssist {
        phone: format!(
            "06 {:02} {:02} {:02} {:02}",
            10 + index / 1_000_000 % 90,
            index / 10_000 % 100,
            index / 100 % 100,
            index % 100
        ),
        case_reference: None,
        note: None,
        language: None,
    };
    let created = with_json(client.post(format!("{url}/api/v1/assists")).header(COOKIE, &clinician_cookie), &request)?;
    let assist: AssistDetail = read(ok(created.send().await?, "new assist").await?).await?;
    let body = &assist.sms.first().context("the assist's text message")?.body;
    let after = body.rsplit_once("/v/").context("a link in the text")?.1;
    let token: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    let accept = AcceptRequest { consent_version: CONSENT_VERSION.into(), language: "fr".into() };
    let accept = with_json(client.post(format!("{url}/api/v1/patient/assist/{token}/accept")), &accept)?;
    let accepted = ok(accept.send().await?, "accept").await?;
    let phone_cookie = cookies(&accepted);
    let Accepted { assist_id } = read(accepted).await?;
    Ok(Pair { assist_id, clinician_cookie, phone_cookie })
}

/// The regulators the pairs are shared among: `bench-{i}@bench.regard.test`,
/// created beforehand with `regard create-user` (scripts/bench-signalling):
/// the API invites members by e-mail, with no password.
pub fn regulators_for(pairs: usize) -> usize {
    pairs.div_ceil(PAIRS_PER_REGULATOR)
}

pub fn regulator_email(i: usize) -> String {
    format!("bench-{i}@bench.regard.test")
}

pub async fn create_pairs(url: &str, pairs: usize, out: &Path) -> anyhow::Result<()> {
    let client = Client::new();
    let regulators = regulators_for(pairs);
    eprintln!("signing in {regulators} regulators and creating {pairs} accepted assists");
    let sessions: Vec<String> = stream::iter(0..regulators)
        .map(|i| {
            let client = &client;
            async move { login(client, url, &regulator_email(i)).await }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let made: Vec<Pair> = stream::iter(0..pairs)
        .map(|i| new_pair(&client, url, sessions[i / PAIRS_PER_REGULATOR].clone(), i))
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    std::fs::write(out, serde_json::to_vec(&made)?)?;
    eprintln!("{} pairs written to {}", made.len(), out.display());
    Ok(())
}
