//! A real OpenID Connect provider shaped like Pro Santé Connect
//! (e2e/oidc-provider.mjs: npm's `oidc-provider`, installed by scripts/test),
//! and a clinician going through it as a browser would: to its sign-in page,
//! picking a test identity, and back with a code.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use axum::http::{header, Method, StatusCode};
use regard_server::auth::{Psc, PscConfig};

use super::{request, TestApp, PUBLIC_URL};

pub const CLIENT_SECRET: &str = "regard-test-secret";

pub struct TestProvider {
    pub issuer: String,
    child: Child,
}

impl TestProvider {
    pub fn start() -> TestProvider {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../e2e/oidc-provider.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            .arg(format!("--port={port}"))
            .arg(format!("--redirect={PUBLIC_URL}/api/v1/auth/psc/callback"))
            .arg(format!("--secret={CLIENT_SECRET}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node runs e2e/oidc-provider.mjs (its packages: npm ci --prefix e2e)");
        // Its errors are shown, not its warnings about running as a test.
        let errors = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            errors.lines().map_while(Result::ok).filter(|l| !l.contains("WARNING")).for_each(|l| eprintln!("{l}"))
        });
        // It says so once it listens; a failure to start closes its output. Its
        // output is read on (its next line would otherwise break the pipe and
        // end it), and a provider that never starts fails the test, not hangs it.
        let mut output = BufReader::new(child.stdout.take().unwrap());
        let (started, listening) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = output.read_line(&mut line);
            let _ = started.send(line);
            std::io::copy(&mut output, &mut std::io::sink())
        });
        let line = listening.recv_timeout(std::time::Duration::from_secs(30)).unwrap_or_default();
        if !line.starts_with("listening on") {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the test provider did not start: {line:?}");
        }
        TestProvider { issuer: format!("http://127.0.0.1:{port}"), child }
    }

    /// Regard's client of this provider, registered as `regard`.
    pub fn client(&self) -> std::sync::Arc<Psc> {
        let config = PscConfig::new(&self.issuer, "regard", CLIENT_SECRET, PUBLIC_URL).unwrap();
        std::sync::Arc::new(Psc::new(config).unwrap())
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A sign-in started at Regard: the browser's `regard_psc` cookie and where
/// Regard sent it.
pub struct Started {
    pub cookie: String,
    pub authorization_url: String,
}

pub async fn start(app: &TestApp) -> Started {
    start_from(app, "/api/v1/auth/psc/start").await
}

/// A sign-in started at `path` (the start with its query).
pub async fn start_from(app: &TestApp, path: &str) -> Started {
    let answer = app.send(request(Method::GET, path, None, None)).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let cookie = super::cookie_named(&answer, "regard_psc").expect("the browser's cookie");
    let location = answer.headers()[header::LOCATION].to_str().unwrap().to_owned();
    Started { cookie, authorization_url: location }
}

/// At the provider, as a browser: the authorization URL, its sign-in page,
/// `identity` picked; the path and query Regard is sent back to.
pub async fn pick(authorization_url: &str, identity: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut cookies: Vec<String> = Vec::new();
    let mut url = authorization_url.to_owned();
    let mut form = None;
    loop {
        let sent = match form.take() {
            Some(body) => http.post(&url).form(&body),
            None => http.get(&url),
        };
        let answer = sent.header(header::COOKIE, cookies.join("; ")).send().await.unwrap();
        for set in answer.headers().get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            cookies.push(pair);
        }
        if answer.status() == StatusCode::OK {
            // The sign-in page: pick the identity.
            assert!(url.contains("/interaction/"), "{url}");
            url = format!("{url}/login");
            form = Some(vec![("identity", identity.to_owned())]);
            continue;
        }
        assert!(answer.status().is_redirection(), "{url}: {}", answer.status());
        let next = answer.headers()[header::LOCATION].to_str().unwrap().to_owned();
        if let Some(back) = next.strip_prefix(PUBLIC_URL) {
            return back.to_owned();
        }
        url = reqwest::Url::parse(&url).unwrap().join(&next).unwrap().to_string();
    }
}

/// Regard's answer to the provider's redirect, from the browser with `cookie`.
pub async fn back(app: &TestApp, path: &str, cookie: Option<&str>) -> axum::http::Response<axum::body::Body> {
    app.send(request(Method::GET, path, cookie, None)).await
}
