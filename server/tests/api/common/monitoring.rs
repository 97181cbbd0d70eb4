//! A follow-up of the demo GP's patient, the patient joining on a phone, and
//! time passing (the schedule rows moved into the past, as the clock would).

use axum::http::StatusCode;
use regard_shared::monitoring::wire::CONSENT_VERSION;
use serde_json::{json, Value};

use super::consultation::token_after;
use super::{json, TestApp, GP, PUBLIC_URL};

pub const BIRTH_DATE: &str = "1961-07-02";
pub const PHONE: &str = "06 11 22 33 44";
pub const E164: &str = "+33611223344";

pub fn today() -> String {
    regard_server::db::in_paris(regard_server::db::now_ms()).format("%Y-%m-%d").to_string()
}

pub fn enrolment(protocol: &str) -> Value {
    json!({
        "last_name": "Moreau", "first_name": "Jeanne", "birth_date": BIRTH_DATE,
        "phone": PHONE, "email": "jeanne.moreau@example.org",
        "protocol_id": protocol, "start_date": today(),
    })
}

/// Enrols the demo patient as the demo GP; returns the GP's cookie, the
/// follow-up and the token of the text message.
pub async fn enrol(app: &TestApp, protocol: &str) -> (String, Value, String) {
    let gp = app.login(GP).await;
    let response = app.post_json("/api/v1/followups", Some(&gp), enrolment(protocol)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let followup = json(response).await;
    let outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    let token = token_after(outbox[0]["body"].as_str().unwrap(), &format!("{PUBLIC_URL}/m/"));
    (gp, followup, token)
}

pub async fn join(app: &TestApp, token: &str, birth_date: &str) -> axum::http::Response<axum::body::Body> {
    let body = json!({
        "birth_date": birth_date, "consent_version": CONSENT_VERSION, "language": "fr",
        "reminders": {"sms": true, "email": false},
    });
    app.post_json(&format!("/api/v1/patient/followup-invitations/{token}/join"), None, body).await
}

/// An enrolled patient who joined on a phone: the GP's cookie, the follow-up id
/// and the phone's cookie.
pub async fn joined(app: &TestApp, protocol: &str) -> (String, String, String) {
    let (gp, followup, token) = enrol(app, protocol).await;
    let response = join(app, &token, BIRTH_DATE).await;
    assert_eq!(response.status(), StatusCode::OK);
    let phone = super::cookie_named(&response, "regard_followup").unwrap();
    (gp, followup["summary"]["id"].as_str().unwrap().to_owned(), phone)
}

/// The Covid questionnaire filled, with this SpO2.
pub fn covid_answers(spo2: i64) -> Value {
    json!({
        "temperature": {"type": "decimal", "value": 37.8},
        "spo2": {"type": "integer", "value": spo2},
        "breathless": {"type": "choice", "value": "effort"},
        "cough": {"type": "boolean", "value": false},
        "general": {"type": "integer", "value": 6},
    })
}

pub fn submission(id: &str, index: u32, answers: Value) -> Value {
    json!({"id": id, "index": index, "answers": answers})
}

/// Time passes: the whole schedule moves into the past until questionnaire
/// `index` fell due a minute ago (the earlier ones have closed).
pub async fn fall_due(app: &TestApp, followup_id: &str, index: i64) {
    let due_at = regard_server::db::now_ms() - 60_000;
    assert!(regard_server::monitoring::store::shift_schedule(&app.state.db, followup_id, index, due_at).await.unwrap());
}

/// The text messages to the demo patient's phone whose body contains `words`.
pub async fn texts_with(app: &TestApp, words: &str) -> usize {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sms_messages WHERE to_number = $1 AND body LIKE $2")
        .bind(E164)
        .bind(format!("%{words}%"))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    n as usize
}
