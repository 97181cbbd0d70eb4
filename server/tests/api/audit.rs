//! The access log as an auditor relies on it: one row per person opening a
//! record (not per refresh), rows chained by hashes so that an altered or
//! deleted row is found, even when written by many requests at once.

use std::process::Command;

use crate::common;
use crate::common::{json, request, TestApp, REGULATOR};
use axum::http::{Method, StatusCode};
use regard_server::audit;
use regard_shared::{OrganisationKind, Role};
use serde_json::json;

/// Creates `n` assists as the demo regulator; their ids and the cookie.
async fn assists(app: &TestApp, n: usize) -> (String, Vec<String>) {
    let cookie = app.login(REGULATOR).await;
    let mut ids = Vec::new();
    for _ in 0..n {
        let created = app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "06 12 34 56 78"})).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        ids.push(json(created).await["summary"]["id"].as_str().unwrap().to_owned());
    }
    (cookie, ids)
}

/// The looks at patient data (sign-ins are logged too, as account events).
async fn rows(app: &TestApp) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT seq, subject_id FROM access_log WHERE subject <> 'account' ORDER BY seq")
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

/// What someone with the database owner's rights can do behind Regard's back.
async fn behind_the_triggers(app: &TestApp, sql: &str) {
    let (off, on) = if common::on_postgres() {
        ("ALTER TABLE access_log DISABLE TRIGGER USER", "ALTER TABLE access_log ENABLE TRIGGER USER")
    } else {
        ("DROP TRIGGER IF EXISTS access_log_no_update; DROP TRIGGER IF EXISTS access_log_no_delete", "SELECT 1")
    };
    let mut connection = app.state.db.acquire().await.unwrap();
    for statement in off.split("; ").chain([sql]).chain(on.split("; ")) {
        sqlx::query(statement).execute(&mut *connection).await.unwrap();
    }
}

fn verify_command(app: &TestApp) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_regard"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--database-url")
        .arg(app.database_url())
        .arg("verify-access-log")
        .env("REGARD_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_refresh_is_not_a_new_look_but_another_person_or_record_is() {
    let app = TestApp::new().await;
    let (cookie, ids) = assists(&app, 2).await;
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/api/v1/assists/{}", ids[0]), Some(&cookie)).await.status(), StatusCode::OK);
    }
    assert_eq!(rows(&app).await.len(), 1, "three refreshes of one case by one person: one look");
    app.get(&format!("/api/v1/assists/{}", ids[1]), Some(&cookie)).await;
    let samu = "SAMU 54 – Centre 15 de Nancy";
    let colleague = common::member(&app, samu, OrganisationKind::SamuCentre, "r2@samu54.fr", Role::Regulator).await;
    assert_eq!(app.get(&format!("/api/v1/assists/{}", ids[0]), Some(&colleague)).await.status(), StatusCode::OK);
    assert_eq!(rows(&app).await.len(), 3, "another record, another person: two more looks");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn looks_written_at_once_make_one_unbroken_chain() {
    let app = TestApp::new().await;
    let (cookie, ids) = assists(&app, 20).await;
    let looks = ids.iter().map(|id| request(Method::GET, &format!("/api/v1/assists/{id}"), Some(&cookie), None));
    for response in app.at_once(looks.collect()).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let verdict = audit::verify_by(&app.state.db, 3).await.unwrap();
    assert_eq!((verdict.checked, verdict.broken_at), (1 + 20, None), "the sign-in and 20 looks, read 3 rows at a time");
    let out = verify_command(&app);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("The chain is intact"));
}

#[tokio::test]
async fn an_altered_or_deleted_row_is_found() {
    let app = TestApp::new().await;
    let (cookie, ids) = assists(&app, 5).await;
    for id in &ids {
        app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await;
    }
    let logged = rows(&app).await;
    assert_eq!(audit::verify(&app.state.db).await.unwrap().broken_at, None);

    // Someone hides which case was read.
    let altered = logged[2].0;
    behind_the_triggers(&app, &format!("UPDATE access_log SET subject_id = 'autre' WHERE seq = {altered}")).await;
    assert_eq!(audit::verify_by(&app.state.db, 2).await.unwrap().broken_at, Some(altered));
    let out = verify_command(&app);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("breaks at row {altered}")));
    behind_the_triggers(&app, &format!("UPDATE access_log SET subject_id = '{}' WHERE seq = {altered}", logged[2].1))
        .await;
    assert_eq!(audit::verify(&app.state.db).await.unwrap().broken_at, None, "put back, it verifies again");

    // Someone removes a look: the next row no longer follows.
    behind_the_triggers(&app, &format!("DELETE FROM access_log WHERE seq = {}", logged[1].0)).await;
    assert_eq!(audit::verify(&app.state.db).await.unwrap().broken_at, Some(logged[2].0));

    // Or the last one: the head no longer matches.
    let fresh = TestApp::new().await;
    let (cookie, ids) = assists(&fresh, 2).await;
    for id in &ids {
        fresh.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await;
    }
    let last = rows(&fresh).await.last().unwrap().0;
    behind_the_triggers(&fresh, &format!("DELETE FROM access_log WHERE seq = {last}")).await;
    assert_eq!(audit::verify(&fresh.state.db).await.unwrap().broken_at, Some(0));
    assert!(String::from_utf8_lossy(&verify_command(&fresh).stderr).contains("the last rows were removed"));
}
