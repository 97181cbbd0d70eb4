//! The HTTP SMS gateway provider, against a local HTTP server standing in for
//! the gateway. Limitation: a real operator's gateway cannot be reached from
//! here, so what is proven is the request Regard sends (URL, header, JSON body)
//! and how it handles the answer, not delivery to a phone.

use std::sync::{Arc, Mutex};

use crate::common::*;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use regard_server::sms::{HttpGateway, SmsProvider, DEFAULT_TEMPLATE};
use serde_json::Value;

/// Each request the gateway got: its authentication header, its idempotency
/// key and its JSON body.
type Requests = Arc<Mutex<Vec<(Option<String>, Option<String>, Value)>>>;

#[derive(Clone, Default)]
struct Received(Requests);

/// A gateway on port 0 that records each request and answers `status`.
async fn stand_in_gateway(status: StatusCode) -> (String, Received) {
    let received = Received::default();
    let log = received.clone();
    let router = axum::Router::new().route(
        "/send",
        post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
                let (auth, key) = (header("authorization"), header("idempotency-key"));
                log.0.lock().unwrap().push((auth, key, serde_json::from_str(&body).unwrap()));
                (status, "quota exceeded")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, received)
}

async fn app_with_gateway(url: &str) -> TestApp {
    let gateway = HttpGateway::new(url, Some("Authorization: Bearer test-key"), DEFAULT_TEMPLATE).unwrap();
    TestApp::customised(|state| state.sms = SmsProvider::Http(gateway)).await
}

#[tokio::test]
async fn messages_are_posted_to_the_gateway() {
    let (url, received) = stand_in_gateway(StatusCode::OK).await;
    let app = app_with_gateway(&url).await;
    let (cookie, case, _) = app.start_assist().await;
    let sent = received.0.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let (auth, key, body) = &sent[0];
    assert_eq!(auth.as_deref(), Some("Bearer test-key"));
    assert_eq!(key.as_deref(), None, "a link is not retried: a new one is sent instead");
    assert_eq!(body["to"], "+33612345678");
    let token = token_in(body["text"].as_str().unwrap());
    assert_eq!(token.len(), 22, "the patient's phone gets the whole link");
    assert_eq!(case["sms"][0]["status"], "sent");
    // What Regard keeps of the message holds no usable link; the texted one works.
    let kept = case["sms"][0]["body"].as_str().unwrap();
    assert!(!kept.contains(&token) && kept.contains("/v/…"), "{kept}");
    let regulator = app.login(REGULATOR).await;
    let outbox = text(app.get("/api/v1/outbox", Some(&regulator)).await).await;
    assert!(!outbox.contains(&token), "{outbox}");
    assert_eq!(app.accept(&token, None).await.status(), StatusCode::OK);
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent", "consent_given"]);
}

#[tokio::test]
async fn a_message_sent_again_after_a_crash_carries_the_same_key_and_is_recorded_once() {
    let (url, received) = stand_in_gateway(StatusCode::OK).await;
    let app = app_with_gateway(&url).await;
    let organisation = app.organisation_of(&app.login(GP).await).await;
    for _ in 0..2 {
        let sms = regard_server::sms::OutgoingSms {
            organisation_id: &organisation,
            about: regard_server::sms::About::Monitoring,
            assist_id: None,
            followup_id: None,
            to: "+33611223344",
            body: "Regard : votre questionnaire de suivi (jour 2) vous attend".into(),
        };
        app.state.sms.send_once(&app.state.db, sms, "reminder-f1-1").await.unwrap();
    }
    let keys: Vec<Option<String>> = received.0.lock().unwrap().iter().map(|(_, key, _)| key.clone()).collect();
    assert_eq!(keys, [Some("reminder-f1-1".to_owned()), Some("reminder-f1-1".to_owned())]);
    let (recorded,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sms_messages WHERE body LIKE '%jour 2%'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(recorded, 1);
}

#[tokio::test]
async fn a_refusing_gateway_is_reported_not_hidden() {
    let (url, received) = stand_in_gateway(StatusCode::SERVICE_UNAVAILABLE).await;
    let app = app_with_gateway(&url).await;
    let (cookie, case, _) = app.start_assist().await;
    assert_eq!(received.0.lock().unwrap().len(), 1);
    assert_eq!(case["sms"][0]["status"], "failed");
    let error = case["sms"][0]["error"].as_str().unwrap();
    assert!(error.contains("503") && error.contains("quota exceeded"), "{error}");
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_failed"]);
}

#[tokio::test]
async fn an_unreachable_gateway_is_reported() {
    // Bind then drop a listener: nothing answers on that port any more.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    let app = app_with_gateway(&format!("http://127.0.0.1:{port}/send")).await;
    let (_, case, _) = app.start_assist().await;
    assert_eq!(case["sms"][0]["status"], "failed");
    assert!(case["sms"][0]["error"].as_str().unwrap().contains("unreachable"));
}

#[test]
fn bad_configuration_is_refused_at_start() {
    assert!(HttpGateway::new("not a url", None, DEFAULT_TEMPLATE).is_err());
    assert!(HttpGateway::new("http://127.0.0.1/send", Some("no colon"), DEFAULT_TEMPLATE).is_err());
    assert!(HttpGateway::new("http://127.0.0.1/send", None, r#"{"to": {{to}}}"#).is_err());
    assert!(HttpGateway::new("http://127.0.0.1/send", None, r#"{"msisdn": "{{to}}", "message": "{{text}}"}"#).is_ok());
}
