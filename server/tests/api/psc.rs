//! Sign-in with Pro Santé Connect against a real OpenID Connect provider
//! (e2e/oidc-provider.mjs) with PSC's claims: the account with the RPPS
//! number signs in; an unknown RPPS, a level below eidas1, a replayed or
//! altered state, another browser, and an ID token for another nonce are
//! refused.

use crate::common::oidc::{back, pick, start, start_from, TestProvider};
use crate::common::*;
use axum::http::{header, Method, StatusCode};
use serde_json::json;

async fn app_with(provider: &TestProvider) -> TestApp {
    let psc = provider.client();
    TestApp::customised(move |state| state.psc = Some(psc)).await
}

fn location(answer: &axum::http::Response<axum::body::Body>) -> String {
    answer.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// Signs in at the provider as `identity`: Regard's answer to the return.
async fn sign_in_as(app: &TestApp, identity: &str) -> axum::http::Response<axum::body::Body> {
    let started = start(app).await;
    let returned = pick(&started.authorization_url, identity).await;
    back(app, &returned, Some(&started.cookie)).await
}

#[tokio::test]
async fn a_clinician_signs_in_as_the_account_with_their_rpps_number() {
    let provider = TestProvider::start();
    let app = app_with(&provider).await;
    assert_eq!(json(app.get("/api/v1/auth/options", None).await).await, json!({"pro_sante_connect": true}));

    let started = start(&app).await;
    let asked = reqwest::Url::parse(&started.authorization_url).unwrap();
    let query: std::collections::HashMap<_, _> = asked.query_pairs().into_owned().collect();
    assert!(started.authorization_url.starts_with(&format!("{}/auth?", provider.issuer)));
    assert_eq!(query["scope"], "openid scope_all");
    assert_eq!(query["acr_values"], "eidas1");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(query["state"].len() >= 22 && query["nonce"].len() >= 22, "128 random bits each");

    let returned = pick(&started.authorization_url, "durand").await;
    let answer = back(&app, &returned, Some(&started.cookie)).await;
    assert_eq!((answer.status(), location(&answer)), (StatusCode::SEE_OTHER, "/console".to_owned()));
    let session = cookie_named(&answer, "regard_session").expect("signed in");
    let me = json(app.get("/api/v1/auth/me", Some(&session)).await).await;
    assert_eq!(me["user"]["email"], GP);
    let admin = member(
        &app,
        "Cabinet médical du Parc",
        regard_shared::OrganisationKind::GpPractice,
        "admin@parc.fr",
        regard_shared::Role::Admin,
    )
    .await;
    assert_eq!(events_of(&app, &admin, "Dr Paul Durand").await[0], "signed_in_with_psc");

    // The same answer again (a replayed state) opens nothing.
    let replayed = back(&app, &returned, Some(&started.cookie)).await;
    assert_eq!(location(&replayed), "/login?psc=expired");
    assert!(cookie_named(&replayed, "regard_session").is_none());
}

#[tokio::test]
async fn an_unknown_rpps_number_and_a_level_below_eidas1_are_refused_in_words() {
    let provider = TestProvider::start();
    let app = app_with(&provider).await;
    let unknown = sign_in_as(&app, "unknown").await;
    assert_eq!(location(&unknown), "/login?psc=unknown", "never an account made up");
    assert!(cookie_named(&unknown, "regard_session").is_none());

    // The SAMU requires eidas1 (the default): a weaker sign-in is refused…
    let low = sign_in_as(&app, "martin-low").await;
    assert_eq!(location(&low), "/login?psc=level");
    let admin = app.login(ADMIN).await;
    assert_eq!(events_of(&app, &admin, "Dr Claire Martin").await[0], "sign_in_failed");
    // …until its administrator accepts it.
    let organisation = app.organisation_of(&admin).await;
    let settings = json!({"second_factor_required": false, "psc_eidas1_required": false});
    let path = format!("/api/v1/organisations/{organisation}/security");
    assert_eq!(app.send(request(Method::PUT, &path, Some(&admin), Some(settings))).await.status(), StatusCode::OK);
    let accepted = sign_in_as(&app, "martin-low").await;
    assert_eq!(location(&accepted), "/console");
}

#[tokio::test]
async fn an_altered_state_another_browser_and_another_nonce_are_refused() {
    let provider = TestProvider::start();
    let app = app_with(&provider).await;

    // An altered state matches no sign-in under way.
    let started = start(&app).await;
    let returned = pick(&started.authorization_url, "durand").await;
    let url = reqwest::Url::parse(&format!("{PUBLIC_URL}{returned}")).unwrap();
    let state: String = url.query_pairs().find(|(k, _)| k == "state").unwrap().1.into_owned();
    let last = if state.ends_with('A') { 'B' } else { 'A' };
    let altered = returned.replace(&state, &format!("{}{last}", &state[..state.len() - 1]));
    assert_ne!(altered, returned);
    assert_eq!(location(&back(&app, &altered, Some(&started.cookie)).await), "/login?psc=expired");
    // Another browser (without this one's cookie) cannot use it.
    let elsewhere = start(&app).await;
    let foreign = back(&app, &returned, Some(&elsewhere.cookie)).await;
    assert_eq!(location(&foreign), "/login?psc=expired");
    assert!(cookie_named(&foreign, "regard_session").is_none());

    // The provider signs an ID token for the nonce it was sent; one that is
    // not this sign-in's is refused though state and PKCE are right.
    let started = start(&app).await;
    let mut asked = reqwest::Url::parse(&started.authorization_url).unwrap();
    let pairs: Vec<(String, String)> = asked
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "nonce" { "someone-elses-nonce".to_owned() } else { v.into_owned() };
            (k.into_owned(), value)
        })
        .collect();
    asked.query_pairs_mut().clear().extend_pairs(pairs);
    let returned = pick(asked.as_str(), "durand").await;
    let answer = back(&app, &returned, Some(&started.cookie)).await;
    assert_eq!(location(&answer), "/login?psc=expired");
    assert!(cookie_named(&answer, "regard_session").is_none());
}

#[tokio::test]
async fn the_sign_in_goes_back_to_the_page_it_started_from_and_never_elsewhere() {
    let provider = TestProvider::start();
    let app = app_with(&provider).await;
    // A pharmacist scanned a prescription's QR code before signing in.
    let started = start_from(&app, "/api/v1/auth/psc/start?next=%2Frx%2FRX-7K3M-9Q2P-XW4T-H8ZD").await;
    let returned = pick(&started.authorization_url, "durand").await;
    let answer = back(&app, &returned, Some(&started.cookie)).await;
    assert_eq!(location(&answer), "/rx/RX-7K3M-9Q2P-XW4T-H8ZD");
    assert!(cookie_named(&answer, "regard_session").is_some());
    for elsewhere in ["%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example"] {
        let started = start_from(&app, &format!("/api/v1/auth/psc/start?next={elsewhere}")).await;
        let returned = pick(&started.authorization_url, "durand").await;
        assert_eq!(location(&back(&app, &returned, Some(&started.cookie)).await), "/console", "{elsewhere}");
    }
}

#[tokio::test]
async fn without_configuration_no_button_and_no_route() {
    let app = TestApp::new().await;
    assert_eq!(json(app.get("/api/v1/auth/options", None).await).await, json!({"pro_sante_connect": false}));
    assert_eq!(app.get("/api/v1/auth/psc/start", None).await.status(), StatusCode::NOT_FOUND);
    let answer = app.get("/api/v1/auth/psc/callback?code=x&state=y", None).await;
    assert_eq!(location(&answer), "/login?psc=expired");
}
