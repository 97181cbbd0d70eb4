//! A patient's identity check (date of birth) and the device that passed it:
//! no more tries than the limit, even at once, and no shortcut for a device
//! whose access ended.

use crate::common::consultation::{self, BIRTH_DATE};
use crate::common::monitoring;
use crate::common::*;
use axum::http::{Method, StatusCode};
use regard_shared::monitoring::wire::CONSENT_VERSION;
use serde_json::json;

async fn failures(app: &TestApp, table: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT MAX(identity_failures) FROM {table}")).fetch_one(&app.state.db).await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn wrong_dates_sent_at_once_get_five_checks_in_all() {
    for burst in [20, 60] {
        let app = TestApp::new().await;
        let (_, _, token) = consultation::schedule(&app).await;
        let path = format!("/api/v1/patient/invitations/{token}/enter");
        let consent = regard_shared::consultation::CONSENT_VERSION;
        let body = json!({"birth_date": "1970-01-01", "consent_version": consent, "language": "fr"});
        let tries = (0..burst).map(|_| request(Method::POST, &path, None, Some(body.clone()))).collect();
        let statuses: Vec<u16> = app.at_once(tries).await.iter().map(|r| r.status().as_u16()).collect();
        // Five checked: four told how many tries are left, the fifth that the link is locked.
        let checked = statuses.iter().filter(|s| **s == 422).count();
        assert_eq!(checked, 4, "{burst} at once: {statuses:?}");
        assert!(statuses.iter().all(|s| *s == 422 || *s == 410), "{statuses:?}");
        assert_eq!(failures(&app, "consultations").await, 5);
        // Locked: even the right date is refused now.
        let right = consultation::enter(&app, &token, BIRTH_DATE, None).await;
        assert_eq!(right.status(), StatusCode::GONE);
    }
}

#[tokio::test]
async fn a_signed_out_phone_must_give_its_date_of_birth_again() {
    let app = TestApp::new().await;
    let (_, _, token) = monitoring::enrol(&app, "covid-19").await;
    let joined = monitoring::join(&app, &token, monitoring::BIRTH_DATE).await;
    assert_eq!(joined.status(), StatusCode::OK);
    let phone = cookie_named(&joined, "regard_followup").unwrap();
    let signed_out = app.post_json("/api/v1/patient/followup/sign-out", Some(&phone), json!({})).await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);

    let body = json!({
        "birth_date": "1900-01-01", "consent_version": CONSENT_VERSION, "language": "fr",
        "reminders": {"sms": true, "email": false},
    });
    let path = format!("/api/v1/patient/followup-invitations/{token}/join");
    let stale = app.post_json(&path, Some(&phone), body).await;
    assert_eq!(stale.status(), StatusCode::GONE, "a wrong date with the old cookie opens nothing");
    let shown = json(app.get(&format!("/api/v1/patient/followup-invitations/{token}"), Some(&phone)).await).await;
    assert_eq!(shown["state"], "expired", "{shown}");
    assert_eq!(shown["practice"], "", "nothing about the follow-up: {shown}");
}

#[tokio::test]
async fn a_device_past_its_access_period_must_enter_again() {
    let app = TestApp::new().await;
    let (_, _, token) = consultation::schedule(&app).await;
    let entered = consultation::enter(&app, &token, BIRTH_DATE, None).await;
    assert_eq!(entered.status(), StatusCode::OK);
    let device = cookie_named(&entered, "regard_patient").unwrap();
    // The access period ends (as the clock would make it end).
    sqlx::query("UPDATE patient_links SET device_expires_at = $1").bind(0_i64).execute(&app.state.db).await.unwrap();
    let late = consultation::enter(&app, &token, "1970-01-01", Some(&device)).await;
    assert_eq!(late.status(), StatusCode::GONE, "no patient view with a wrong date");
}
