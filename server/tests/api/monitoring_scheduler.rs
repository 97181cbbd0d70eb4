//! The follow-ups' scheduler: reminders, missed questionnaires and deletions
//! done once, by one round or several, on one node or two.

use crate::common::monitoring::{covid_answers, fall_due, joined, submission, texts_with};
use crate::common::TestApp;
use regard_server::db::now_ms;
use regard_server::monitoring::scheduler;
use regard_server::monitoring::store::jobs;
use serde_json::json;

#[tokio::test]
async fn a_reminder_due_while_the_server_was_stopped_is_sent_once_after_restart() {
    let app = TestApp::new().await;
    let (_gp, id, _phone) = joined(&app, "covid-19").await;
    fall_due(&app, &id, 2).await;
    // Day 3 fell due while the server was down; days 1 and 2 closed unfilled.
    let app = app.restart().await;
    let (first, second) = tokio::join!(scheduler::round(&app.state, now_ms()), scheduler::round(&app.state, now_ms()));
    let third = scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!(first.unwrap().reminders + second.unwrap().reminders + third.reminders, 1);
    assert_eq!(texts_with(&app, "questionnaire de suivi (jour 3)").await, 1);
    assert_eq!(
        texts_with(&app, "(jour 1)").await + texts_with(&app, "(jour 2)").await,
        0,
        "closed ones are not reminded"
    );
    // Days 1 and 2 unfilled 12 h after their time: one orange alert each, raised once.
    assert_eq!(orange_alerts(&app, &id).await, 2);
    let again = scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!((again.reminders, again.missed), (0, 0));
}

/// Enrolled in the evening, a patient joins after day 1's time has passed by
/// more than the missed-questionnaire delay: no alert as they join, one if
/// they have still not answered that long after joining.
#[tokio::test]
async fn a_patient_joining_after_the_questionnaires_time_has_the_whole_delay_to_answer() {
    let app = TestApp::new().await;
    let (_gp, id, _phone) = joined(&app, "covid-19").await;
    let (joined_at,): (i64,) = sqlx::query_as("SELECT consented_at FROM followups WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    sqlx::query("UPDATE followup_dues SET due_at = $1 WHERE followup_id = $2 AND idx = 0")
        .bind(joined_at - 13 * 3_600_000)
        .bind(&id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let hour = 3_600_000;
    assert_eq!(scheduler::round(&app.state, joined_at + 60_000).await.unwrap().missed, 0);
    assert_eq!(scheduler::round(&app.state, joined_at + 11 * hour).await.unwrap().missed, 0);
    assert_eq!(orange_alerts(&app, &id).await, 0);
    assert_eq!(scheduler::round(&app.state, joined_at + 12 * hour).await.unwrap().missed, 1);
    assert_eq!(orange_alerts(&app, &id).await, 1);
}

/// A round reads the questionnaires unfilled, then the patient sends one
/// before the round claims its alert: no alert about a questionnaire filled.
#[tokio::test]
async fn a_questionnaire_sent_while_a_round_runs_is_not_called_missed() {
    let app = TestApp::new().await;
    let (_gp, id, phone) = joined(&app, "covid-19").await;
    let now = now_ms();
    sqlx::query("UPDATE followup_dues SET due_at = $1 WHERE followup_id = $2 AND idx = 0")
        .bind(now - 60_000)
        .bind(&id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let read = jobs::unfilled(&app.state.db, now).await.unwrap();
    assert!(read.iter().any(|due| due.followup_id == id && due.idx == 0));
    let sent = submission(&uuid::Uuid::new_v4().to_string(), 0, covid_answers(97));
    assert_eq!(app.post_json("/api/v1/patient/followup/submissions", Some(&phone), sent).await.status(), 201);
    let mut tx = app.state.db.begin().await.unwrap();
    assert!(!jobs::claim_missed(&mut tx, &id, 0, now).await.unwrap());
}

async fn orange_alerts(app: &TestApp, id: &str) -> i64 {
    let (alerts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM followup_alerts WHERE followup_id = $1 AND level = 'orange'")
            .bind(id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    alerts
}

/// Leaves reminder `index` as a round that claimed it `ago_ms` ago and never
/// finished would (the server was killed while sending).
async fn claimed_and_unsent(app: &TestApp, id: &str, index: i64, ago_ms: i64) {
    sqlx::query(
        "UPDATE followup_dues SET reminded_at = NULL, reminder_claimed_at = $1 WHERE followup_id = $2 AND idx = $3",
    )
    .bind(now_ms() - ago_ms)
    .bind(id)
    .bind(index)
    .execute(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_reminder_claimed_by_a_round_that_died_is_sent_by_a_later_one_once() {
    let app = TestApp::new().await;
    let (_gp, id, _phone) = joined(&app, "covid-19").await;
    fall_due(&app, &id, 1).await;
    // Killed after claiming day 2's reminder, before sending it.
    claimed_and_unsent(&app, &id, 1, scheduler::REMINDER_LEASE_MS + 60_000).await;
    let app = app.restart().await;
    assert_eq!(scheduler::round(&app.state, now_ms()).await.unwrap().reminders, 1);
    assert_eq!(texts_with(&app, "(jour 2)").await, 1);
    assert_eq!(scheduler::round(&app.state, now_ms()).await.unwrap().reminders, 0, "sent, and marked so");

    // A round still within its lease (another node sending now) is left alone.
    claimed_and_unsent(&app, &id, 1, 60_000).await;
    assert_eq!(scheduler::round(&app.state, now_ms()).await.unwrap().reminders, 0);
    // Killed after the message left but before it was marked: sent again under
    // the same key, recorded once.
    claimed_and_unsent(&app, &id, 1, scheduler::REMINDER_LEASE_MS + 60_000).await;
    assert_eq!(scheduler::round(&app.state, now_ms()).await.unwrap().reminders, 1);
    assert_eq!(texts_with(&app, "(jour 2)").await, 1, "one message, not two");
}

/// Two schedulers (two nodes) run their rounds on one database at the same
/// time: every due reminder leaves once, every missed questionnaire raises one
/// alert, every due deletion happens once with one receipt, and no round fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_on_one_database_do_each_job_once() {
    let app = TestApp::new().await;
    let mut ongoing = Vec::new();
    for _ in 0..3 {
        let (_gp, id, _phone) = joined(&app, "covid-19").await;
        fall_due(&app, &id, 2).await;
        ongoing.push(id);
    }
    let mut stopped = Vec::new();
    for _ in 0..2 {
        let (_gp, id, phone) = joined(&app, "covid-19").await;
        app.post_json("/api/v1/patient/followup/stop", Some(&phone), json!({})).await;
        sqlx::query("UPDATE followups SET purge_at = 0 WHERE id = $1").bind(&id).execute(&app.state.db).await.unwrap();
        stopped.push(id);
    }
    let other = app.second_node().await;
    let mut done = scheduler::Round::default();
    for _ in 0..2 {
        let (a, b) = tokio::join!(scheduler::round(&app.state, now_ms()), scheduler::round(&other.state, now_ms()));
        for round in [a.expect("a round on the first node"), b.expect("a round on the second node")] {
            done.reminders += round.reminders;
            done.missed += round.missed;
            done.purged += round.purged;
        }
    }
    assert_eq!(done.reminders, 3, "one day-3 reminder per follow-up under way");
    assert_eq!(texts_with(&app, "(jour 3)").await, 3);
    assert_eq!(done.purged, 2);
    let (receipts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM followup_receipts").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(receipts, 2);
    let (missed_alerts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_alerts WHERE level = 'orange'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(missed_alerts, i64::from(done.missed), "one alert per missed questionnaire");
    assert_eq!(done.missed, 6, "days 1 and 2 of each follow-up under way were missed");
}
