//! Benchmark (not a test) of a region's year of data, run by `scripts/bench-scale`:
//!
//! - `generate`: fills the empty database named by `BENCH_DATABASE_URL` with
//!   a region's year at scale `BENCH_SCALE` (1: 200 000 assists, 50 000
//!   teleconsultations, 20 000 follow-ups and their questionnaires, 20 000
//!   expert requests, their messages, links and access-log rows), through the
//!   server's own functions; prints what it made and how long it took.
//! - `load`: 50 console sessions at once against the server at `BENCH_BASE`;
//!   prints p50/p99/max per endpoint as `endpoint|count|p50|p99|max` lines,
//!   and the requests a second answered without pause as `capacity=`.

mod generate;
mod load;
mod region;

use std::sync::Arc;
use std::time::{Duration, Instant};

use regard_server::{db, web::WebApp, AppState, IceConfig, Settings};

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow::anyhow!("{name} is not set"))
}

async fn generate() -> anyhow::Result<()> {
    let scale: f64 = env("BENCH_SCALE")?.parse()?;
    let url = env("BENCH_DATABASE_URL")?;
    let backend = db::Backend::of(&url).ok_or_else(|| anyhow::anyhow!("a sqlite: or postgres:// URL"))?;
    let db = db::connect(&url).await?;
    let dir = tempfile::tempdir()?;
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist)?;
    let settings = Settings {
        secure_cookies: false,
        session_ttl_ms: 3_600_000,
        session_idle_ms: 30 * 60_000,
        trust_forwarded_for: false,
        public_url: "https://regard.example.fr".to_owned(),
        link_ttl_ms: 30 * 60_000,
        consultation_access_ms: 86_400_000,
        // Kept a year after the end: every follow-up of the year is still there.
        monitoring_retention_ms: 365 * 86_400_000,
        ice: IceConfig::default(),
    };
    let state = AppState::new(db.clone(), settings, WebApp::load(&dist)?, dir.path())?;
    let started = Instant::now();
    let region = Arc::new(region::create(&db).await?);
    eprintln!("region ready in {:.0} s; generating the year at scale ×{scale}…", started.elapsed().as_secs_f64());
    let tally = generate::year(&state, backend, region, scale).await?;
    println!("seconds={:.0}", started.elapsed().as_secs_f64());
    println!("assists={}", tally.assists);
    println!("consultations={}", tally.consultations);
    println!("followups={}", tally.followups);
    println!("questionnaires={}", tally.questionnaires);
    println!("expert_requests={}", tally.expert_requests);
    let (access,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM access_log").fetch_one(&db).await?;
    let (alerts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM followup_alerts WHERE acknowledged_at IS NULL").fetch_one(&db).await?;
    println!("access_log_rows={access}");
    println!("open_alerts={alerts}");
    Ok(())
}

async fn load() -> anyhow::Result<()> {
    let load = load::run(&env("BENCH_BASE")?).await?;
    let ms = |d: &Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!("capacity={:.0}", load.capacity);
    for (endpoint, latencies) in &load.figures {
        let at = |p: f64| &latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
        println!("{endpoint}|{}|{}|{}|{}", latencies.len(), ms(at(0.5)), ms(at(0.99)), ms(latencies.last().unwrap()));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("generate") => generate().await,
        Some("load") => load().await,
        _ => anyhow::bail!("usage: bench_scale generate|load"),
    }
}
