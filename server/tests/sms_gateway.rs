//! The HTTP SMS gateway provider, against a local HTTP server standing in for
//! the gateway. Limitation: a real operator's gateway cannot be reached from
//! here, so what is proven is the request Regard sends (URL, header, JSON body)
//! and how it handles the answer, not delivery to a phone.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::*;
use regard_server::sms::{HttpGateway, SmsProvider, DEFAULT_TEMPLATE};
use serde_json::Value;

/// Each request the gateway got: its authentication header and JSON body.
type Requests = Arc<Mutex<Vec<(Option<String>, Value)>>>;

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
                let auth = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
                log.0.lock().unwrap().push((auth, serde_json::from_str(&body).unwrap()));
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
    let (cookie, case, token) = app.start_assist().await;
    let sent = received.0.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let (auth, body) = &sent[0];
    assert_eq!(auth.as_deref(), Some("Bearer test-key"));
    assert_eq!(body["to"], "+33612345678");
    let text = body["text"].as_str().unwrap();
    assert!(text.contains(&format!("/v/{token}")), "{text}");
    assert_eq!(case["sms"][0]["status"], "sent");
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent"]);
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
