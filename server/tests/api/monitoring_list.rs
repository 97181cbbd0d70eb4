//! The monitoring list at a practice's scale: complete, paged, and ordered by
//! the database, so the patient who needs attention is on the first page
//! however many follow-ups there are.

use crate::common;
use crate::common::monitoring::{covid_answers, enrolment, fall_due, joined, submission};
use crate::common::{json, TestApp};
use axum::http::StatusCode;
use regard_server::db::now_ms;
use regard_server::monitoring::{scheduler, store};
use regard_shared::monitoring::wire::EndReason;
use serde_json::Value;

/// Enrols `count` more patients of the demo GP through the API.
async fn enrol_many(app: &TestApp, gp: &str, from: usize, count: usize) {
    for n in from..from + count {
        let mut body = enrolment("covid-19");
        body["last_name"] = Value::from(format!("Patient {n:04}"));
        let response = app.post_json("/api/v1/followups", Some(gp), body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
}

/// The first column of every row `sql` selects.
async fn ids(app: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&app.state.db).await.unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

async fn page(app: &TestApp, gp: &str, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/followups{query}"), Some(gp)).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    json(response).await
}

#[tokio::test]
async fn an_alert_on_the_oldest_of_six_hundred_follow_ups_is_first_and_paging_loses_no_one() {
    let app = TestApp::new().await;
    // The oldest follow-up, which sorts last by date, raises a red alert.
    let (gp, alerting, phone) = joined(&app, "covid-19").await;
    let stored = app
        .post_json(
            "/api/v1/patient/followup/submissions",
            Some(&phone),
            submission(&uuid::Uuid::new_v4().to_string(), 0, covid_answers(91)),
        )
        .await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    enrol_many(&app, &gp, 0, 600).await;

    let first = page(&app, &gp, "").await;
    assert_eq!(first["total"], 601);
    assert_eq!(first["items"].as_array().unwrap().len(), 50, "50 a page unless asked");
    assert_eq!(
        (first["items"][0]["id"].as_str(), first["items"][0]["status"].as_str()),
        (Some(&*alerting), Some("alert"))
    );

    // Through every page while patients keep being enrolled: nobody twice, nobody missing.
    let before = ids(&app, "SELECT id FROM followups").await;
    let mut enrolled = 1000;
    let seen = common::walk_pages(&app, &gp, "/api/v1/followups", 200, || {
        enrolled += 2;
        enrol_many(&app, &gp, enrolled, 2)
    })
    .await;
    common::assert_each_once(&seen, &before);
    assert!(seen.len() >= 601, "601 follow-ups and those enrolled meanwhile");

    for bad in ["?limit=0", "?limit=201", "?after=x", "?after=1.x.id", "?after=-1.1.id"] {
        let response = app.get(&format!("/api/v1/followups{bad}"), Some(&gp)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

/// The list orders and labels follow-ups in SQL; the detail page computes the
/// status from the schedule. They must agree on every status.
#[tokio::test]
async fn the_list_and_the_detail_agree_on_every_status() {
    let app = TestApp::new().await;
    let (gp, alert, phone) = joined(&app, "covid-19").await;
    let sent = submission(&uuid::Uuid::new_v4().to_string(), 0, covid_answers(91));
    assert_eq!(app.post_json("/api/v1/patient/followup/submissions", Some(&phone), sent).await.status(), 201);
    let (_, missed, _) = joined(&app, "covid-19").await;
    fall_due(&app, &missed, 1).await;
    let (_, on_track, _) = joined(&app, "covid-19").await;
    let (_, stopped, _) = joined(&app, "covid-19").await;
    assert_eq!(app.post_json(&format!("/api/v1/followups/{stopped}/stop"), Some(&gp), Value::Null).await.status(), 200);
    let (_, finished, _) = joined(&app, "covid-19").await;
    assert!(store::end(&app.state.db, &finished, EndReason::Finished, 0).await.unwrap());
    enrol_many(&app, &gp, 0, 1).await;

    let listed = page(&app, &gp, "").await;
    let statuses: Vec<(String, String)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f["status"].as_str().unwrap().to_owned()))
        .collect();
    let order: Vec<&str> = statuses.iter().map(|(_, status)| status.as_str()).collect();
    assert_eq!(order, ["alert", "missed", "invited", "on_track", "finished", "stopped"]);
    for (id, status) in &statuses {
        let detail = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
        assert_eq!(detail["summary"]["status"].as_str(), Some(status.as_str()), "{id}");
        assert_eq!(listed["items"].as_array().unwrap().iter().find(|f| f["id"] == *id).unwrap(), &detail["summary"]);
    }
    assert_eq!([&alert, &missed, &on_track].map(|id| statuses.iter().any(|(i, _)| i == id)), [true; 3]);
}

/// The alerts to handle, walked a page at a time while new ones are raised:
/// every red one before every orange one, none lost or repeated.
#[tokio::test]
async fn open_alerts_are_paged_red_first() {
    let app = TestApp::new().await;
    let raise = |red: bool| {
        let app = &app;
        async move {
            let (_, _, phone) = joined(app, "covid-19").await;
            let mut answers = covid_answers(if red { 91 } else { 97 });
            if !red {
                answers["temperature"]["value"] = serde_json::json!(39.4);
            }
            let sent = submission(&uuid::Uuid::new_v4().to_string(), 0, answers);
            let stored = app.post_json("/api/v1/patient/followup/submissions", Some(&phone), sent).await;
            assert_eq!(stored.status(), StatusCode::CREATED);
        }
    };
    for red in [false, true, false, true, false] {
        raise(red).await;
    }
    let gp = app.login(common::GP).await;
    let before = ids(&app, "SELECT id FROM followup_alerts").await;
    assert_eq!(before.len(), 5);
    let seen = common::walk_pages(&app, &gp, "/api/v1/followups/alerts", 2, || raise(false)).await;
    common::assert_each_once(&seen, &before);
    let whole = page(&app, &gp, "/alerts?limit=200").await;
    let levels: Vec<&str> = whole["items"].as_array().unwrap().iter().map(|a| a["level"].as_str().unwrap()).collect();
    assert_eq!(levels[..3], ["red", "red", "orange"]);
    assert!(levels[2..].iter().all(|level| *level == "orange"));
    assert_eq!(whole["total"].as_u64(), Some(levels.len() as u64));
}

/// A year of deletion receipts, walked a page at a time while more follow-ups
/// end and are deleted: each receipt once, the latest first.
#[tokio::test]
async fn deletion_receipts_are_paged_latest_first() {
    let app = TestApp::new().await;
    let gp = app.login(common::GP).await;
    let ended = |n: usize| {
        let (app, gp) = (&app, &gp);
        async move {
            enrol_many(app, gp, n, 1).await;
            let (id,): (String,) = sqlx::query_as("SELECT id FROM followups WHERE ended_at IS NULL")
                .fetch_one(&app.state.db)
                .await
                .unwrap();
            let stopped = app.post_json(&format!("/api/v1/followups/{id}/stop"), Some(gp), Value::Null).await;
            assert_eq!(stopped.status(), StatusCode::OK);
            let round = scheduler::round(&app.state, now_ms()).await.unwrap();
            assert_eq!(round.purged, 1);
        }
    };
    for n in 0..5 {
        ended(n).await;
    }
    let before = ids(&app, "SELECT followup_id FROM followup_receipts").await;
    let mut n = 100;
    let seen = common::walk_pages_by(&app, &gp, "/api/v1/followups/receipts", "followup_id", 2, || {
        n += 1;
        ended(n)
    })
    .await;
    common::assert_each_once(&seen, &before);
    let whole = page(&app, &gp, "/receipts?limit=200").await;
    let deleted: Vec<i64> =
        whole["items"].as_array().unwrap().iter().map(|r| r["deleted_at"].as_i64().unwrap()).collect();
    assert!(deleted.is_sorted_by(|a, b| a >= b), "latest first: {deleted:?}");
    assert_eq!(whole["total"].as_u64(), Some(deleted.len() as u64));
}
