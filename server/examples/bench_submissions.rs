//! Benchmark (not a test): durable questionnaire submissions per second through
//! the full HTTP path (loopback TCP, axum, the patient's device cookie, checks,
//! alert rules, the group commit), against the raw rate of single-row committed
//! inserts into the same database in the same run, and the floor of the HTTP
//! path (the same requests refused before the database). Then the latency at a
//! fixed 1 000 submissions/s. On a temporary SQLite file, or on the empty PostgreSQL
//! database named by `BENCH_DATABASE_URL`. Run by `scripts/bench-submissions`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regard_server::{db, seed, web::WebApp, AppState, IceConfig, Settings};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const FOLLOW_UPS: usize = 1000;
/// Questionnaires of the Covid protocol: each follow-up takes 11 submissions.
const PER_FOLLOW_UP: usize = 11;
const CONCURRENCY: usize = 32;
const RATE: u64 = 1000;
const RATE_SECONDS: u64 = 5;

struct Phone {
    cookie: String,
}

async fn post(client: &reqwest::Client, url: &str, cookie: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = client.post(url).header("content-type", "application/json").body(body.to_string());
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("the server answers")
}

fn cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a cookie")
}

fn answers(n: usize) -> Value {
    json!({
        "temperature": {"type": "decimal", "value": 36.5 + (n % 30) as f64 / 10.0},
        "spo2": {"type": "integer", "value": 90 + (n % 10)},
        "breathless": {"type": "choice", "value": "effort"},
        "cough": {"type": "boolean", "value": n.is_multiple_of(2)},
        "general": {"type": "integer", "value": 5},
        "comment": {"type": "text", "value": "Un peu fatiguée ce matin, sinon ça va."},
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist)?;
    let url = std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("regard.db").display()));
    let backend = db::Backend::of(&url).expect("a sqlite:// or postgres:// URL");
    let db = db::connect(&url).await?;
    seed::demo(&db, None).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let settings = Settings {
        secure_cookies: false,
        session_ttl_ms: 3_600_000,
        session_idle_ms: 30 * 60_000,
        trust_forwarded_for: false,
        public_url: base.clone(),
        link_ttl_ms: 30 * 60_000,
        consultation_access_ms: 86_400_000,
        monitoring_retention_ms: 0,
        ice: IceConfig::default(),
    };
    let state = AppState::new(db.clone(), settings, WebApp::load(&dist)?, dir.path())?;
    let app = regard_server::app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENCY).build()?;

    eprintln!("enrolling {FOLLOW_UPS} patients…");
    let login = post(
        &client,
        &format!("{base}/api/v1/auth/login"),
        None,
        &json!({"email": "medecin@demo.regard.fr", "password": seed::DEMO_PASSWORD}),
    )
    .await;
    let gp = cookie(&login, "regard_session");
    let today = db::in_paris(db::now_ms()).format("%Y-%m-%d").to_string();
    let mut phones = Vec::new();
    for n in 0..FOLLOW_UPS {
        let enrolment = json!({
            "last_name": "Banc", "first_name": format!("Patient {n}"), "birth_date": "1970-01-01",
            "phone": format!("+336{:08}", n), "protocol_id": "covid-19", "start_date": today,
        });
        let created = post(&client, &format!("{base}/api/v1/followups"), Some(&gp), &enrolment).await;
        assert_eq!(created.status(), 201);
        let id = serde_json::from_str::<Value>(&created.text().await?)?["summary"]["id"].as_str().unwrap().to_owned();
        let (body,): (String,) =
            sqlx::query_as("SELECT body FROM sms_messages WHERE followup_id = $1").bind(&id).fetch_one(&db).await?;
        let token = body.rsplit("/m/").next().unwrap().trim().to_owned();
        let join = json!({"birth_date": "1970-01-01", "consent_version": regard_shared::monitoring::wire::CONSENT_VERSION,
                          "language": "fr", "reminders": {"sms": false, "email": false}});
        let joined =
            post(&client, &format!("{base}/api/v1/patient/followup-invitations/{token}/join"), None, &join).await;
        assert_eq!(joined.status(), 200);
        phones.push(Phone { cookie: cookie(&joined, regard_server::links::FOLLOWUP_COOKIE) });
    }
    // Every questionnaire open now, so each follow-up takes all of its submissions.
    sqlx::query("UPDATE followup_dues SET opens_at = opens_at - $1").bind(30 * 86_400_000_i64).execute(&db).await?;

    let jobs: Vec<(usize, usize)> = (0..PER_FOLLOW_UP).flat_map(|i| (0..FOLLOW_UPS).map(move |p| (p, i))).collect();
    let (saturated, rest) = jobs.split_at(jobs.len() - (RATE * RATE_SECONDS) as usize);
    let phones = Arc::new(phones);

    // 0. The floor of the HTTP path on this machine: the same requests without
    // the device cookie, refused before any database work.
    let gate = Arc::new(Semaphore::new(CONCURRENCY));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for &(p, i) in saturated {
        let permit = gate.clone().acquire_owned().await?;
        let (client, base) = (client.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"id": uuid::Uuid::new_v4().to_string(), "index": i, "answers": answers(p + i)});
            let response = post(&client, &format!("{base}/api/v1/patient/followup/submissions"), None, &body).await;
            drop(permit);
            response.status().as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await?, 401);
    }
    let floor_rate = saturated.len() as f64 / started.elapsed().as_secs_f64();

    // 1. As fast as it goes, CONCURRENCY at a time.
    eprintln!("{} submissions, {CONCURRENCY} at a time…", saturated.len());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for &(p, i) in saturated {
        let permit = gate.clone().acquire_owned().await?;
        let (client, phones, base) = (client.clone(), phones.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"id": uuid::Uuid::new_v4().to_string(), "index": i, "answers": answers(p + i)});
            let response =
                post(&client, &format!("{base}/api/v1/patient/followup/submissions"), Some(&phones[p].cookie), &body)
                    .await;
            drop(permit);
            response.status().as_u16()
        }));
    }
    let mut failed = 0;
    for task in tasks {
        if task.await? != 201 {
            failed += 1;
        }
    }
    let http_rate = saturated.len() as f64 / started.elapsed().as_secs_f64();

    // 2. The same database, raw: one committed single-row insert each, same concurrency.
    sqlx::query("CREATE TABLE bench_raw (id TEXT PRIMARY KEY, followup_id TEXT, idx BIGINT, at BIGINT, answers TEXT)")
        .execute(&db)
        .await?;
    let raw_rows = saturated.len();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..raw_rows {
        let permit = gate.clone().acquire_owned().await?;
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            sqlx::query("INSERT INTO bench_raw (id, followup_id, idx, at, answers) VALUES ($1, $2, $3, $4, $5)")
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(n as i64)
                .bind(db::now_ms())
                .bind(answers(n).to_string())
                .execute(&db)
                .await
                .expect("insert");
            drop(permit);
        }));
    }
    for task in tasks {
        task.await?;
    }
    let raw_rate = raw_rows as f64 / started.elapsed().as_secs_f64();

    // 3. A fixed 1 000 submissions/s, open loop: latency of each.
    eprintln!("{} submissions at {RATE}/s…", rest.len());
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    let mut tasks = Vec::new();
    for &(p, i) in rest {
        ticker.tick().await;
        let (client, phones, base) = (client.clone(), phones.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"id": uuid::Uuid::new_v4().to_string(), "index": i, "answers": answers(p + i)});
            let sent = Instant::now();
            let response =
                post(&client, &format!("{base}/api/v1/patient/followup/submissions"), Some(&phones[p].cookie), &body)
                    .await;
            (response.status().as_u16(), sent.elapsed())
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        let (status, took) = task.await?;
        if status != 201 {
            failed += 1;
        }
        latencies.push(took);
    }
    latencies.sort();
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_submissions").fetch_one(&db).await?;
    assert_eq!(stored as usize, jobs.len() - failed, "every answered submission is stored");
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!("http_rate={http_rate:.0}");
    println!("raw_rate={raw_rate:.0}");
    println!("floor_rate={floor_rate:.0}");
    println!("ratio={:.0}", http_rate / raw_rate * 100.0);
    println!("p50={}", ms(percentile(&latencies, 0.50)));
    println!("p99={}", ms(percentile(&latencies, 0.99)));
    println!("max={}", ms(*latencies.last().unwrap()));
    println!("submissions={}", jobs.len());
    println!("failed={failed}");
    // What "committed" means on this backend, for the report.
    let durability = match backend {
        db::Backend::Sqlite => {
            let (synchronous,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&db).await?;
            format!("WAL, `PRAGMA synchronous` = {synchronous} (2 being FULL)")
        }
        db::Backend::Postgres => {
            let (commit,): (String,) = sqlx::query_as("SHOW synchronous_commit").fetch_one(&db).await?;
            let (fsync,): (String,) = sqlx::query_as("SHOW fsync").fetch_one(&db).await?;
            format!("`synchronous_commit` = {commit}, `fsync` = {fsync}")
        }
    };
    println!("durability={durability}");
    Ok(())
}
