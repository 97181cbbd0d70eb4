//! The storage seam, on whichever backend this run uses (the test command runs
//! the suite on SQLite, then on PostgreSQL): stored names decoded strictly, both
//! backends' schemas alike, and no acknowledged write lost when the server is
//! killed.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common;
use crate::common::monitoring::{covid_answers, fall_due, joined, submission};
use crate::common::{json, TestApp};
use axum::http::Method;
use axum::http::StatusCode;
use regard_server::db;
use regard_server::monitoring::store::submissions::NewRow;
use regard_shared::monitoring::alerts::{Level, Raised};
use serde_json::Value;
use sqlx::Connection;

const U1: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e51";
const U2: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e52";
const U3: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e53";
const U4: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e54";
const U5: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e55";
const U6: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e56";
const U7: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e57";
const U8: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e58";

async fn execute(app: &TestApp, sql: &str, id: &str) {
    sqlx::query(sql).bind(id).execute(&app.state.db).await.unwrap();
}

async fn assert_server_error(app: &TestApp, path: &str, cookie: &str) {
    let response = app.get(path, Some(cookie)).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
    let body = json(response).await;
    assert_eq!(body["code"], "internal");
    assert!(!body.to_string().contains("unknown stored"), "the cause is logged, not sent: {body}");
}

/// A stored name this build does not know (a newer version's row, a hand edit)
/// is an error, never read as some default.
#[tokio::test]
async fn unknown_stored_names_are_errors_not_defaults() {
    let app = TestApp::new().await;

    // An alert level: it used to read as orange.
    let (gp, followup, _phone) = joined(&app, "covid-19").await;
    let alert = "INSERT INTO followup_alerts (id, followup_id, idx, level, message, raised_at)
                 VALUES ('a-purple', $1, 0, 'purple', 'Niveau inconnu', 0)";
    execute(&app, alert, &followup).await;
    assert_server_error(&app, &format!("/api/v1/followups/{followup}"), &gp).await;

    // A timeline event: it used to vanish from the case's audit trail.
    let (regulator, assist, _) = app.start_assist().await;
    let id = assist["summary"]["id"].as_str().unwrap();
    let event = "INSERT INTO assist_events (assist_id, at, kind, detail) VALUES ($1, 0, 'teleported', '')";
    execute(&app, event, id).await;
    assert_server_error(&app, &format!("/api/v1/assists/{id}"), &regulator).await;

    // A payment mode: it used to become the default mode.
    let (gp, consultation, _) = common::consultation::schedule(&app).await;
    let id = consultation["summary"]["id"].as_str().unwrap();
    execute(&app, "UPDATE consultations SET payment_mode = 'barter' WHERE id = $1", id).await;
    assert_server_error(&app, &format!("/api/v1/consultations/{id}"), &gp).await;
}

/// (table, column, kind, not null) of every column, `kind` being the family
/// both backends agree on: text, integer or bytes.
type Catalog = BTreeSet<(String, String, String, bool)>;

fn family(declared: &str) -> String {
    let declared = declared.to_ascii_lowercase();
    match declared.as_str() {
        d if d.contains("int") => "integer",
        "bytea" | "blob" => "bytes",
        d => d,
    }
    .to_owned()
}

async fn sqlite_catalog(dir: &std::path::Path) -> Catalog {
    let url = format!("sqlite://{}", dir.join("catalog.db").display());
    let pool = db::connect(&url).await.unwrap();
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT t.name, c.name, c.type, c.\"notnull\" FROM sqlite_master t, pragma_table_info(t.name) c
         WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%' AND t.name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // SQLite lets a primary key column be NULL unless declared otherwise; its
    // TEXT PRIMARY KEY columns are never written NULL, as PostgreSQL enforces.
    let keys: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.name, c.name FROM sqlite_master t, pragma_table_info(t.name) c WHERE t.type = 'table' AND c.pk > 0",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(table, column, declared, not_null)| {
            let key = keys.contains(&(table.clone(), column.clone()));
            (table, column, family(&declared), not_null != 0 || key)
        })
        .collect()
}

async fn postgres_catalog(url: &str) -> Catalog {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(table, column, declared, nullable)| (table, column, family(&declared), nullable == "NO"))
        .collect()
}

/// Both backends' migrations, run to the end, make the same tables with the
/// same columns, types and NOT NULL constraints. The comparison needs both:
/// it runs in the PostgreSQL pass of the test command.
#[tokio::test]
async fn both_backends_migrate_to_the_same_tables_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_catalog(dir.path()).await;
    assert!(sqlite.iter().any(|(t, c, k, _)| t == "followup_submissions" && c == "submitted_at" && k == "integer"));
    if !common::on_postgres() {
        eprintln!("SQLite catalog read ({} columns); compared with PostgreSQL's in the PostgreSQL pass", sqlite.len());
        return;
    }
    let url = common::fresh_database(dir.path()).await;
    db::connect(&url).await.unwrap().close().await;
    let postgres = postgres_catalog(&url).await;
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "SQLite only: {only_sqlite:#?}\nPostgreSQL only: {only_postgres:#?}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real `regard` binary serving the test app's database and files.
fn serve(app: &TestApp, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_regard"))
        .args(["--data-dir", app.data_dir().to_str().unwrap(), "--database-url", app.database_url()])
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--dist-dir"])
        .arg(app.data_dir().join("dist"))
        .env("REGARD_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_until_up(client: &reqwest::Client, base: &str) {
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        // Polling a process that is starting: there is no event to wait on.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// The server is killed (SIGKILL: no flush, no goodbye) in the middle of a
/// stream of questionnaire submissions; after a restart, every submission that
/// was answered 2xx is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_server_loses_no_acknowledged_submission() {
    let app = TestApp::new().await;
    let mut phones = Vec::new();
    for _ in 0..3 {
        let (_gp, id, phone) = joined(&app, "covid-19").await;
        // Every questionnaire open now, so the stream can send them all.
        execute(&app, "UPDATE followup_dues SET opens_at = 0 WHERE followup_id = $1", &id).await;
        let (dues,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_dues WHERE followup_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
        phones.push((phone, dues as u32));
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&app, port);
    let client = reqwest::Client::new();
    wait_until_up(&client, &base).await;

    let jobs: Vec<(String, u32)> =
        phones.iter().flat_map(|(phone, dues)| (0..*dues).map(move |i| (phone.clone(), i))).collect();
    let total = jobs.len();
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<Option<String>>();
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(8));
    for (phone, index) in jobs {
        let (client, url, acked, gate) =
            (client.clone(), format!("{base}/api/v1/patient/followup/submissions"), acked_tx.clone(), gate.clone());
        tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let id = uuid::Uuid::new_v4().to_string();
            let body: Value = submission(&id, index, covid_answers(97));
            let request = client.post(url).header("cookie", phone).header("content-type", "application/json");
            let sent = request.body(body.to_string()).send().await;
            let ok = sent.is_ok_and(|r| r.status().is_success());
            let _ = acked.send(ok.then_some(id));
        });
    }
    drop(acked_tx);
    let mut acknowledged = Vec::new();
    let mut answered = 0;
    while let Some(outcome) = acked_rx.recv().await {
        answered += 1;
        acknowledged.extend(outcome);
        if acknowledged.len() == total / 3 {
            server.kill().unwrap();
        }
    }
    server.wait().unwrap();
    assert_eq!(answered, total);
    assert!(
        acknowledged.len() >= total / 3 && acknowledged.len() < total,
        "{} of {total} acknowledged",
        acknowledged.len()
    );

    // Restarted on the same database, as after a crash.
    let mut server = serve(&app, port);
    wait_until_up(&client, &base).await;
    let stored: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM followup_submissions").fetch_all(&app.state.db).await.unwrap();
    let stored: BTreeSet<String> = stored.into_iter().map(|(id,)| id).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged submissions lost", lost.len(), acknowledged.len());
    server.kill().unwrap();
    server.wait().unwrap();
}

/// The group commit: submissions that arrive together share one transaction,
/// yet each learns its own fate, and one that cannot be stored does not take
/// the others down with it.
#[tokio::test]
async fn submissions_arriving_together_share_a_commit_each_with_its_own_fate() {
    let app = TestApp::new().await;
    let (_, a, phone) = joined(&app, "covid-19").await;
    let (_, b, _) = joined(&app, "covid-19").await;
    let row = |id: &str, followup: &str, index: u32, raised: Vec<Raised>| NewRow {
        id: id.to_owned(),
        followup_id: followup.to_owned(),
        index,
        submitted_at: db::now_ms(),
        answers: "{}".to_owned(),
        raised,
    };
    let red = Raised { level: Level::Red, message: "SpO2 < 94 %".to_owned() };
    let writer = &app.state.submissions;
    // On this test's single thread every store below is queued before the
    // writer runs: one batch, so one multi-row statement decides them all.
    let (first, retry, other, alerting, next) = tokio::join!(
        writer.store(row(U1, &a, 0, vec![])),
        writer.store(row(U1, &a, 0, vec![])),
        writer.store(row(U2, &a, 0, vec![])),
        writer.store(row(U3, &b, 0, vec![red.clone()])),
        writer.store(row(U4, &b, 1, vec![])),
    );
    let fates = [first, retry, other, alerting, next].map(Result::unwrap);
    assert_eq!(fates, [true, false, false, true, true], "the retry and the second form find the first stored");
    let db = app.state.db.clone();
    let count = |sql: &'static str, id: String| {
        let db = db.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(&db).await.unwrap();
            n
        }
    };
    let submissions = "SELECT COUNT(*) FROM followup_submissions WHERE followup_id = $1";
    let alerts = "SELECT COUNT(*) FROM followup_alerts WHERE followup_id = $1";
    assert_eq!((count(submissions, a.clone()).await, count(submissions, b.clone()).await), (1, 2));
    assert_eq!(
        (count(alerts, a.clone()).await, count(alerts, b.clone()).await),
        (0, 1),
        "the alert in the same commit"
    );

    // A row the database refuses (its follow-up is gone) fails alone.
    let (gone, kept) =
        tokio::join!(writer.store(row(U5, "no-such-follow-up", 0, vec![])), writer.store(row(U6, &b, 2, vec![])));
    assert!(gone.is_err());
    assert!(kept.unwrap(), "stored despite its neighbour");
    assert_eq!(count(submissions, b.clone()).await, 3);

    // Through HTTP: one questionnaire sent twice and by a second form, at once.
    fall_due(&app, &a, 1).await;
    let send = |id: &str| {
        common::request(
            Method::POST,
            "/api/v1/patient/followup/submissions",
            Some(&phone),
            Some(submission(id, 1, covid_answers(97))),
        )
    };
    let statuses: Vec<u16> =
        app.at_once(vec![send(U7), send(U7), send(U8)]).await.iter().map(|r| r.status().as_u16()).collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert!(matches!(sorted[..], [200, 201, 409] | [201, 409, 409]), "{statuses:?}");
    assert_eq!(count(submissions, a).await, 2);
}
