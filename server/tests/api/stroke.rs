//! Télé-AVC's timeline: either side of a stroke request records its times, in
//! order and in the time window, a corrected time kept beside the new one; the
//! delays and the usage per month and site follow from them.

use crate::common::{json, member, request, stroke_request, TestApp, EXPERT_SITE, GP};
use axum::http::{Method, StatusCode};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

const NEUROLOGIST: &str = "specialiste@demo.regard.fr";
const MIN: i64 = 60_000;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn time(milestone: &str, minutes_ago: i64) -> Value {
    json!({"milestone": milestone, "at": now() - minutes_ago * MIN})
}

async fn record(app: &TestApp, cookie: &str, id: &str, body: Value) -> axum::http::Response<axum::body::Body> {
    app.post_json(&format!("/api/v1/expertise/{id}/stroke"), Some(cookie), body).await
}

async fn recorded(app: &TestApp, cookie: &str, id: &str, body: Value) -> Value {
    let response = record(app, cookie, id, body.clone()).await;
    assert_eq!(response.status(), StatusCode::OK, "{body}");
    json(response).await
}

#[tokio::test]
async fn both_sides_record_the_times_and_the_delays_follow() {
    let app = TestApp::new().await;
    let (gp, neuro) = (app.login(GP).await, app.login(NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "urgent").await;
    recorded(&app, &gp, &id, time("last_seen_well", 150)).await;
    recorded(&app, &gp, &id, time("arrival", 95)).await;
    recorded(&app, &gp, &id, time("arrival", 90)).await; // corrected
    recorded(&app, &gp, &id, time("imaging", 70)).await;
    let decision = json!({"milestone": "decision", "at": now() - 50 * MIN, "treatment": "thrombolysis",
        "reasons": "NIHSS 15, dernière fois vu normal il y a 1 h 40, pas d'anticoagulant"});
    recorded(&app, &neuro, &id, decision).await;
    let timeline = recorded(&app, &gp, &id, time("needle", 45)).await;
    let entries = timeline["recorded"].as_array().unwrap();
    assert_eq!(entries.len(), 6, "the corrected arrival is kept");
    assert_eq!(entries[4]["by"], "Dr Inès Leroy");
    assert_eq!(entries[4]["treatment"], "thrombolysis");

    // The request carries its timeline to both sides.
    for cookie in [&gp, &neuro] {
        let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(cookie)).await).await;
        assert_eq!(detail["stroke"], timeline);
    }
    let timeline: regard_shared::stroke::StrokeTimeline = serde_json::from_value(timeline).unwrap();
    assert_eq!((timeline.door_to_decision(), timeline.door_to_needle()), (Some(40), Some(45)));

    // Refused, and nothing stored: out of order, in the future, a decision without reasons.
    for (why, body, field) in [
        ("imaging before arrival", time("imaging", 100), "at"),
        ("onset after arrival", time("onset", 80), "at"),
        ("in the future", time("needle", -30), "at"),
        (
            "no reasons",
            json!({"milestone": "decision", "at": now() - 48 * MIN, "treatment": "other", "reasons": " "}),
            "reasons",
        ),
    ] {
        let refused = record(&app, &neuro, &id, body).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert_eq!(json(refused).await["field"], field, "{why}");
    }
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["stroke"]["recorded"].as_array().unwrap().len(), 6);

    // Usage: the hospital sees the practice, the practice sees the hospital.
    let take = app.post_json(&format!("/api/v1/expertise/{id}/steps"), Some(&neuro), json!({"step": "take"})).await;
    assert_eq!(take.status(), StatusCode::OK);
    stroke_request(&app, &gp, "urgent").await; // undecided: counted, not in the medians
    let usage = json(app.get("/api/v1/expertise/stroke-usage", Some(&neuro)).await).await;
    let month = &usage[0];
    assert_eq!(month["site"], "Cabinet médical du Parc");
    assert_eq!((&month["requests"], &month["decided"], &month["thrombolysis"]), (&json!(2), &json!(1), &json!(1)));
    assert_eq!((&month["door_to_decision"], &month["door_to_needle"]), (&json!(40), &json!(45)));
    assert_eq!(month["needle_within_60"], 1);
    assert!(month["request_to_taken"].as_i64().is_some());
    let usage = json(app.get("/api/v1/expertise/stroke-usage", Some(&gp)).await).await;
    assert_eq!(usage[0]["site"], EXPERT_SITE);
    assert_eq!(usage[0]["door_to_needle"], 45);
}

#[tokio::test]
async fn two_times_recorded_at_once_are_checked_one_after_the_other() {
    let app = TestApp::new().await;
    let (gp, neuro) = (app.login(GP).await, app.login(NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "urgent").await;
    // Each alone is valid; together the imaging would come before the arrival.
    let path = format!("/api/v1/expertise/{id}/stroke");
    let answers = app
        .at_once(vec![
            request(Method::POST, &path, Some(&gp), Some(time("arrival", 30))),
            request(Method::POST, &path, Some(&neuro), Some(time("imaging", 40))),
        ])
        .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|r| r.status()).collect();
    assert!(statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["stroke"]["recorded"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_the_two_sites_record_and_only_on_stroke_requests_still_open() {
    let app = TestApp::new().await;
    let (gp, neuro) = (app.login(GP).await, app.login(NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "routine").await;
    let other = member(&app, "Cabinet des Tilleuls", OrganisationKind::GpPractice, "gp@tilleuls.fr", Role::Gp).await;
    assert_eq!(record(&app, &other, &id, time("arrival", 10)).await.status(), StatusCode::FORBIDDEN);
    let usage = json(app.get("/api/v1/expertise/stroke-usage", Some(&other)).await).await;
    assert_eq!(usage, json!([]), "another practice counts none of it");
    assert_eq!(record(&app, &gp, "nope", time("arrival", 10)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json(app.get(&format!("/api/v1/expertise/{id}"), Some(&gp)).await).await["stroke"]["recorded"],
        json!([])
    );

    // Answered, then closed: no more times.
    for (cookie, step) in [(&neuro, "take"), (&neuro, "answer"), (&gp, "close")] {
        let body = json!({"step": step, "body": "Pas de thrombolyse : hors délai."});
        let done = app.post_json(&format!("/api/v1/expertise/{id}/steps"), Some(cookie), body).await;
        assert_eq!(done.status(), StatusCode::OK, "{step}");
    }
    assert_eq!(record(&app, &gp, &id, time("arrival", 10)).await.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_nihss_starts_from_the_request_and_either_side_changes_an_item() {
    let app = TestApp::new().await;
    let (gp, neuro) = (app.login(GP).await, app.login(NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "urgent").await;
    let nihss =
        |value: &Value| -> regard_shared::nihss::Nihss { serde_json::from_value(value["nihss"].clone()).unwrap() };
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&neuro)).await).await;
    let sent = nihss(&detail);
    assert_eq!(sent.total(), Some(15), "every item scored 1 in the request");
    assert!(sent.entries.iter().all(|e| e.by == "Dr Paul Durand"), "{:?}", sent.entries[0]);

    let path = format!("/api/v1/expertise/{id}/nihss");
    let changed = app.post_json(&path, Some(&neuro), json!({"item": "5a", "score": 3})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: regard_shared::nihss::Nihss = serde_json::from_value(json(changed).await).unwrap();
    assert_eq!(changed.total(), Some(17));
    let latest = changed.current("5a").unwrap();
    assert_eq!((latest.score, latest.by.as_str()), (3, "Dr Inès Leroy"));
    assert_eq!(changed.entries.len(), 16, "the first score is kept");
    // The other side reads the same at once.
    let detail = json(app.get(&format!("/api/v1/expertise/{id}"), Some(&gp)).await).await;
    assert_eq!(nihss(&detail), changed);

    for (body, field) in [(json!({"item": "5a", "score": 5}), "score"), (json!({"item": "12", "score": 0}), "item")] {
        let refused = app.post_json(&path, Some(&gp), body).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json(refused).await["field"], field);
    }
    let other = member(&app, "Cabinet des Tilleuls", OrganisationKind::GpPractice, "gp@tilleuls.fr", Role::Gp).await;
    let refused = app.post_json(&path, Some(&other), json!({"item": "5a", "score": 0})).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
