//! 50 console sessions at once against a running server: each signs in as a
//! member of a different organisation and goes round the pages its console
//! reads, following `next` to the second page; the latency of every request is
//! kept per endpoint. Then the same rounds back to back, without pause: how
//! many console requests a second the server answers at most.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regard_shared::OrganisationKind;
use serde_json::{json, Value};

use crate::region::{email, PASSWORD};

/// Rounds each session makes of its console's pages after one not measured.
const ROUNDS: usize = 20;
/// A session goes round its pages every this long: five times as often as the
/// monitoring page used to poll (10 s), far more than a console kept up to
/// date by live news asks.
const PERIOD: Duration = Duration::from_secs(2);
/// How long the sessions go round without pause, to measure capacity.
const SATURATION: Duration = Duration::from_secs(10);

struct Session {
    client: reqwest::Client,
    base: String,
    cookie: String,
    kind: OrganisationKind,
}

impl Session {
    async fn sign_in(base: &str, kind: OrganisationKind, n: usize) -> anyhow::Result<Session> {
        let client = reqwest::Client::new();
        let answer = client
            .post(format!("{base}/api/v1/auth/login"))
            .header("content-type", "application/json")
            .body(json!({"email": email(kind, n, 0), "password": PASSWORD}).to_string())
            .send()
            .await?;
        anyhow::ensure!(answer.status() == 200, "signing in {}: {}", email(kind, n, 0), answer.status());
        let cookie = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("regard_session="))
            .and_then(|v| v.split(';').next())
            .ok_or_else(|| anyhow::anyhow!("no session cookie"))?
            .to_owned();
        Ok(Session { client, base: base.to_owned(), cookie, kind })
    }

    async fn get(&self, path: &str) -> anyhow::Result<(Value, Duration)> {
        let started = Instant::now();
        let answer = self.client.get(format!("{}{path}", self.base)).header("cookie", &self.cookie).send().await?;
        let status = answer.status();
        let body = answer.bytes().await?;
        let took = started.elapsed();
        anyhow::ensure!(status == 200, "{path}: {status} {}", String::from_utf8_lossy(&body));
        Ok((serde_json::from_slice(&body)?, took))
    }

    /// One round of the console's pages: (endpoint, latency) of each request.
    async fn round(&self) -> anyhow::Result<Vec<(String, Duration)>> {
        let mut took = Vec::new();
        let now = regard_server::db::now_ms();
        let midnight = now.div_euclid(86_400_000) * 86_400_000;
        let pages: &[(&'static str, String)] = &match self.kind {
            OrganisationKind::SamuCentre => vec![
                ("assists", "/api/v1/assists".into()),
                ("assists/usage", "/api/v1/assists/usage".into()),
                ("assists/ringing", "/api/v1/assists/ringing".into()),
                ("outbox", "/api/v1/outbox".into()),
            ],
            OrganisationKind::GpPractice => vec![
                ("followups", "/api/v1/followups".into()),
                ("followups/alerts", "/api/v1/followups/alerts".into()),
                ("followups/activity", format!("/api/v1/followups/activity?since={}", now - 15 * 60_000)),
                ("followups/receipts", "/api/v1/followups/receipts".into()),
                ("consultations (day)", format!("/api/v1/consultations?from={midnight}&to={}", midnight + 86_400_000)),
                ("expertise (sent)", "/api/v1/expertise".into()),
            ],
            OrganisationKind::NursingHome => vec![
                ("residents", "/api/v1/residents".into()),
                ("residents?q= (search)", "/api/v1/residents?q=%C3%A9lo".into()),
            ],
            _ => vec![
                ("expertise/queue", "/api/v1/expertise/queue".into()),
                ("expertise/queue?specialty=", "/api/v1/expertise/queue?specialty=dermatology".into()),
                ("expertise/waiting", "/api/v1/expertise/waiting".into()),
            ],
        };
        for (label, path) in pages {
            let (body, latency) = self.get(path).await?;
            took.push((label.to_string(), latency));
            // A paged list: the next page too, and a follow-up's record.
            if let Some(next) = body.get("next").and_then(Value::as_str) {
                let separator = if path.contains('?') { '&' } else { '?' };
                let (_, latency) = self.get(&format!("{path}{separator}after={next}")).await?;
                took.push((format!("{label} (page 2)"), latency));
            }
            if *label == "followups" {
                if let Some(id) = body["items"][0]["id"].as_str() {
                    let (_, latency) = self.get(&format!("/api/v1/followups/{id}")).await?;
                    took.push(("followups/{id} (record)".to_owned(), latency));
                }
            }
        }
        Ok(took)
    }
}

/// Per endpoint, every latency measured, sorted.
pub type Figures = BTreeMap<String, Vec<Duration>>;

pub struct Load {
    pub figures: Figures,
    /// Console requests answered per second with every session asking without pause.
    pub capacity: f64,
}

/// Signs in 50 members (13 regulators, 25 GPs, 7 nurses, 5 specialists), has
/// each go round its console every `PERIOD` (the 50 spread over it) `ROUNDS`
/// times, then all without pause for `SATURATION`.
pub async fn run(base: &str) -> anyhow::Result<Load> {
    let mut sessions = Vec::new();
    let mix = [
        (OrganisationKind::SamuCentre, 13),
        (OrganisationKind::GpPractice, 25),
        (OrganisationKind::NursingHome, 7),
        (OrganisationKind::ExpertSite, 5),
    ];
    for (kind, count) in mix {
        for n in 0..count {
            sessions.push(Arc::new(Session::sign_in(base, kind, n).await?));
        }
    }
    let count = sessions.len() as u32;
    let mut tasks = Vec::new();
    for (n, session) in sessions.iter().cloned().enumerate() {
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(PERIOD * n as u32 / count).await;
            let mut ticker = tokio::time::interval(PERIOD);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker.tick().await;
            session.round().await?;
            let mut all = Vec::new();
            for _ in 0..ROUNDS {
                ticker.tick().await;
                all.extend(session.round().await?);
            }
            anyhow::Ok(all)
        }));
    }
    let mut figures = Figures::new();
    for task in tasks {
        for (label, latency) in task.await?? {
            figures.entry(label).or_default().push(latency);
        }
    }
    figures.values_mut().for_each(|latencies| latencies.sort());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for session in sessions {
        tasks.push(tokio::spawn(async move {
            let mut answered = 0;
            while started.elapsed() < SATURATION {
                answered += session.round().await?.len();
            }
            anyhow::Ok(answered)
        }));
    }
    let mut answered = 0;
    for task in tasks {
        answered += task.await??;
    }
    Ok(Load { figures, capacity: answered as f64 / started.elapsed().as_secs_f64() })
}
