//! A scheduled teleconsultation of the demo GP, and its patient entering.

use axum::http::StatusCode;
use regard_shared::consultation::CONSENT_VERSION;
use serde_json::{json, Value};

use super::{json, TestApp, GP, PUBLIC_URL};

pub const BIRTH_DATE: &str = "1958-03-14";

pub fn in_an_hour() -> i64 {
    regard_server::db::now_ms() + 3_600_000
}

pub fn appointment() -> Value {
    json!({
        "last_name": "Dupont", "first_name": "Marie", "birth_date": BIRTH_DATE,
        "phone": "06 98 76 54 32", "email": "Marie.Dupont@example.org",
        "scheduled_at": in_an_hour(), "reason": "Renouvellement de traitement",
    })
}

pub fn token_after(text: &str, prefix: &str) -> String {
    let (_, rest) = text.split_once(prefix).expect("a link in the message");
    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Schedules the demo appointment as the demo GP; returns the GP's cookie,
/// the consultation and the token of the text message.
pub async fn schedule(app: &TestApp) -> (String, Value, String) {
    let gp = app.login(GP).await;
    let response = app.post_json("/api/v1/consultations", Some(&gp), appointment()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let consultation = json(response).await;
    let outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    let token = token_after(outbox[0]["body"].as_str().unwrap(), &format!("{PUBLIC_URL}/c/"));
    (gp, consultation, token)
}

pub async fn enter(
    app: &TestApp,
    token: &str,
    birth_date: &str,
    device: Option<&str>,
) -> axum::http::Response<axum::body::Body> {
    let body = json!({"birth_date": birth_date, "consent_version": CONSENT_VERSION, "language": "fr"});
    app.post_json(&format!("/api/v1/patient/invitations/{token}/enter"), device, body).await
}

/// A consultation whose patient entered on a device: the GP's cookie, the
/// consultation id and the device cookie.
pub async fn entered(app: &TestApp) -> (String, String, String) {
    let (gp, consultation, token) = schedule(app).await;
    let device = super::cookie_named(&enter(app, &token, BIRTH_DATE, None).await, "regard_patient").unwrap();
    (gp, consultation["summary"]["id"].as_str().unwrap().to_owned(), device)
}
