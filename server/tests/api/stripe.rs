//! Card payment through Stripe Checkout, against a local HTTP server that
//! answers as Stripe's API does. Limitation: Stripe itself cannot be reached
//! from here, so what is proven is what Regard sends (form fields, bearer key,
//! idempotency keys), how it reads the answers, and how it checks the signed
//! webhooks Stripe would send; not a real card charge.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::common::consultation::{appointment, enter, schedule, BIRTH_DATE};
use crate::common::*;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use regard_server::payment::stripe::{sign_webhook, Stripe};
use serde_json::{json, Value};

const WEBHOOK_SECRET: &str = "whsec_regard_test";

/// (path, bearer, idempotency key, form fields) of each call Stripe got.
type Calls = Arc<Mutex<Vec<(String, String, String, HashMap<String, String>)>>>;

async fn stand_in_stripe() -> (String, Calls) {
    let calls: Calls = Arc::default();
    let log = calls.clone();
    let router = axum::Router::new().route(
        "/v1/{*path}",
        post(move |Path(path): Path<String>, headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                log.lock().unwrap().push((path.clone(), header("authorization"), header("idempotency-key"), form));
                match path.as_str() {
                    "checkout/sessions" => axum::Json(json!({
                        "id": "cs_test_a1", "object": "checkout.session",
                        "url": "https://checkout.stripe.com/c/pay/cs_test_a1", "payment_intent": null,
                    })),
                    _ => axum::Json(json!({"id": "re_test_1", "object": "refund", "status": "succeeded"})),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, calls)
}

fn webhook(body: &Value, signature: &str) -> Request<Body> {
    Request::post("/api/v1/payments/stripe/webhook")
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn checkout_webhook_and_refund() {
    let (api, calls) = stand_in_stripe().await;
    let stripe = Stripe::new(&api, "sk_test_regard", WEBHOOK_SECRET).unwrap();
    let app = TestApp::customised(|state| state.stripe = Some(stripe)).await;
    let gp = app.login(GP).await;
    let mut body = appointment();
    body["payment_mode"] = json!("card");
    body["fee_cents"] = json!(2500);
    let created = json(app.post_json("/api/v1/consultations", Some(&gp), body).await).await;
    let id = created["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["payment"]["mode"], "card");

    // Ending opens one Checkout session, even if ended four times at once.
    let path = format!("/api/v1/consultations/{id}/end");
    let ends = (0..4).map(|_| app.post_json(&path, Some(&gp), json!({})));
    let statuses: Vec<u16> = futures_util::future::join_all(ends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200; 4]);
    let sent = calls.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (path, bearer, idempotency, form) = &sent[0];
    assert_eq!(path, "checkout/sessions");
    assert_eq!(bearer, "Bearer sk_test_regard");
    assert_eq!(idempotency, &format!("checkout-{id}"));
    assert_eq!(form["line_items[0][price_data][unit_amount]"], "2500");
    assert_eq!(form["line_items[0][price_data][currency]"], "eur");
    assert_eq!(form["client_reference_id"], id);
    let detail = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["payment"]["status"], "pending");
    assert_eq!(detail["payment"]["checkout_url"], "https://checkout.stripe.com/c/pay/cs_test_a1");

    // A forged or stale webhook changes nothing.
    let event = json!({"type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_a1", "client_reference_id": id, "payment_intent": "pi_test_9"}}});
    let now = regard_server::db::now_ms() / 1000;
    let forged = sign_webhook("whsec_wrong", now, event.to_string().as_bytes());
    assert_eq!(app.send(webhook(&event, &forged)).await.status(), StatusCode::BAD_REQUEST);
    let stale = sign_webhook(WEBHOOK_SECRET, now - 3600, event.to_string().as_bytes());
    assert_eq!(app.send(webhook(&event, &stale)).await.status(), StatusCode::BAD_REQUEST);
    let unsigned = app.send(webhook(&event, "")).await;
    assert_eq!(unsigned.status(), StatusCode::BAD_REQUEST);
    let detail = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["payment"]["status"], "pending");

    // Stripe's signed word: paid.
    let signed = sign_webhook(WEBHOOK_SECRET, now, event.to_string().as_bytes());
    assert_eq!(app.send(webhook(&event, &signed)).await.status(), StatusCode::NO_CONTENT);
    let detail = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["payment"]["status"], "paid");
    assert!(detail["payment"]["checkout_url"].is_null());

    // The GP refunds: one refund call for that payment, with its own idempotency key.
    let refunded = json(app.post_json(&format!("/api/v1/consultations/{id}/refund"), Some(&gp), json!({})).await).await;
    assert_eq!(refunded["payment"]["status"], "refunded");
    let sent = calls.lock().unwrap().clone();
    let (path, _, idempotency, form) = &sent[1];
    assert_eq!((path.as_str(), form["payment_intent"].as_str()), ("refunds", "pi_test_9"));
    assert_eq!(idempotency, &format!("refund-{id}"));
    let again = app.post_json(&format!("/api/v1/consultations/{id}/refund"), Some(&gp), json!({})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn without_a_provider_card_payment_is_refused_and_the_webhook_is_absent() {
    let app = TestApp::new().await;
    let (gp, consultation, token) = schedule(&app).await;
    enter(&app, &token, BIRTH_DATE, None).await;
    let id = consultation["summary"]["id"].as_str().unwrap();
    let refund = app.post_json(&format!("/api/v1/consultations/{id}/refund"), Some(&gp), json!({})).await;
    assert_eq!(refund.status(), StatusCode::CONFLICT);
    let event = json!({"type": "checkout.session.completed", "data": {"object": {"id": "cs_x"}}});
    assert_eq!(app.send(webhook(&event, "t=1,v1=00")).await.status(), StatusCode::NOT_FOUND);
}
