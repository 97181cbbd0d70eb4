//! A region's year, day by day, through the code the server runs: the clock
//! is set back to each day in turn (`db::set_clock_behind`) and that day's
//! assists, consultations, enrolments, questionnaires and expert requests go
//! through the same functions the handlers call, the scheduler's round runs
//! once a day (reminders, missed questionnaires, ends), and clinicians
//! acknowledge yesterday's alerts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use regard_server::assist::{self, store::NewCase};
use regard_server::consultation::{self, store::Milestone};
use regard_server::expertise;
use regard_server::monitoring::{self, patient::submit_for, scheduler, store as followups};
use regard_server::paging::PageQuery;
use regard_server::{audit, db, AppState};
use regard_shared::assist::{EventKind, Outcome};
use regard_shared::consultation::NewConsultation;
use regard_shared::expertise::{Patient, Side, Status, Step, Urgency};
use regard_shared::monitoring::wire::{NewFollowUp, NewSubmission, Reminders, CONSENT_VERSION};
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::region::{name, Region};

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
/// Tasks of one day in flight at once: SQLite takes one writer at a time,
/// and more waiting ones only starve each other past its busy timeout.
fn concurrency(backend: db::Backend) -> usize {
    match backend {
        db::Backend::Sqlite => 3,
        db::Backend::Postgres => 16,
    }
}

/// The generator does not wait for the disk at each commit: on SQLite its
/// connections skip the fsync (the test cluster of PostgreSQL runs without).
/// Set each day: the pool renews its connections now and then.
async fn skip_fsync(state: &AppState, backend: db::Backend) -> anyhow::Result<()> {
    if backend == db::Backend::Sqlite {
        let mut connections = Vec::new();
        for _ in 0..8 {
            let mut connection = state.db.acquire().await?;
            sqlx::query("PRAGMA synchronous = OFF").execute(&mut *connection).await?;
            connections.push(connection);
        }
    }
    Ok(())
}

/// A region's year at scale ×1 (the figures), per kind.
const ASSISTS: f64 = 200_000.0;
const CONSULTATIONS: f64 = 50_000.0;
const FOLLOW_UPS: f64 = 20_000.0;
const EXPERT_REQUESTS: f64 = 20_000.0;

/// What was generated.
#[derive(Default)]
pub struct Tally {
    pub assists: u64,
    pub consultations: u64,
    pub followups: u64,
    pub questionnaires: u64,
    pub expert_requests: u64,
}

/// A small deterministic generator (SplitMix64): the same scale makes the same year.
#[derive(Clone)]
pub struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True `percent` times out of 100.
    fn odds(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// How many of a yearly `rate` fall on `day`: the year's total is exact.
fn share(rate: f64, scale: f64, day: i64) -> u64 {
    let per_day = rate * scale / 365.0;
    ((per_day * (day + 1) as f64).floor() - (per_day * day as f64).floor()) as u64
}

/// A follow-up under way: its questionnaires not yet handled.
struct Active {
    id: String,
    dues: Vec<(u32, i64, i64)>,
}

/// Milliseconds since the epoch on the wall clock, whatever the server's clock says.
fn wall() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// `job`, once one of the day's places is free.
async fn gated<F: std::future::Future>(gate: Arc<Semaphore>, job: F) -> F::Output {
    let _permit = gate.acquire_owned().await.expect("the gate stays open");
    job.await
}

type Job = anyhow::Result<Option<Active>>;

pub async fn year(state: &AppState, backend: db::Backend, region: Arc<Region>, scale: f64) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    let mut dice = Dice(42);
    let first = wall().div_euclid(DAY) * DAY - 365 * DAY;
    let mut active: Vec<Active> = Vec::new();
    // Where the time goes: the day's work, the scheduler's rounds, the alerts' acknowledgements.
    let mut spent = [Duration::ZERO; 3];
    for day in 0..365 {
        let started = Instant::now();
        // Early afternoon, Paris: the morning's questionnaires are open.
        db::set_clock_behind(wall() - (first + day * DAY + 12 * HOUR));
        skip_fsync(state, backend).await?;
        let gate = Arc::new(Semaphore::new(concurrency(backend)));
        let mut jobs: JoinSet<Job> = JoinSet::new();
        let (s, r) = (state, &region);
        for _ in 0..share(ASSISTS, scale, day) {
            jobs.spawn(gated(gate.clone(), one_assist(s.clone(), r.clone(), Dice(dice.next()))));
            tally.assists += 1;
        }
        for _ in 0..share(CONSULTATIONS, scale, day) {
            jobs.spawn(gated(gate.clone(), one_consultation(s.clone(), r.clone(), Dice(dice.next()))));
            tally.consultations += 1;
        }
        for _ in 0..share(EXPERT_REQUESTS, scale, day) {
            let settled = day < 365 - RECENT_DAYS;
            jobs.spawn(gated(gate.clone(), one_request(s.clone(), r.clone(), Dice(dice.next()), settled)));
            tally.expert_requests += 1;
        }
        for _ in 0..share(FOLLOW_UPS, scale, day) {
            jobs.spawn(gated(gate.clone(), one_enrolment(s.clone(), r.clone(), Dice(dice.next()), tally.followups)));
            tally.followups += 1;
        }
        let now = db::now_ms();
        for followup in &mut active {
            let (open, later) = followup.dues.iter().partition(|(_, opens_at, _)| *opens_at <= now);
            followup.dues = later;
            // One questionnaire in ten is missed: the scheduler raises its alert.
            for (index, _, closes_at) in open {
                if closes_at > now && dice.odds(90) {
                    let (id, answers) = (followup.id.clone(), Dice(dice.next()));
                    jobs.spawn(gated(gate.clone(), one_questionnaire(s.clone(), id, index, answers)));
                    tally.questionnaires += 1;
                }
            }
        }
        while let Some(done) = jobs.join_next().await {
            active.extend(done??);
        }
        spent[0] += started.elapsed();
        let started = Instant::now();
        scheduler::round(state, db::now_ms()).await?;
        spent[1] += started.elapsed();
        let started = Instant::now();
        acknowledge_alerts(state, &region, db::now_ms() - DAY).await?;
        spent[2] += started.elapsed();
        active.retain(|followup| !followup.dues.is_empty());
        if day % 30 == 29 {
            let [work, rounds, acknowledging] = spent.map(|d| d.as_secs());
            eprintln!(
                "day {} of 365: {work} s of work, {rounds} s of rounds, {acknowledging} s acknowledging",
                day + 1
            );
        }
    }
    db::set_clock_behind(0);
    Ok(tally)
}

/// A regulator's case: link texted, video three times in four, a decision nine in ten, the case opened.
async fn one_assist(state: AppState, region: Arc<Region>, mut dice: Dice) -> Job {
    let n = dice.below(region.centres.len());
    let centre = &region.centres[n];
    let regulator = &centre.members[dice.below(centre.members.len())];
    // One case in thirty is a nursing home's call from its tablet.
    let id = if dice.odds(3) {
        let homes: Vec<_> = region.homes.iter().filter(|home| home.centre == n).collect();
        let home = homes[dice.below(homes.len())];
        let resident = &home.residents[dice.below(home.residents.len())];
        let case = NewCase {
            organisation_id: &centre.organisation.id,
            created_by: &home.site.members[0].id,
            phone: "",
            case_reference: None,
            note: None,
            resident: Some((resident, "Chute dans la chambre, douleur à la hanche")),
            language: None,
        };
        let opened = assist::store::open(&state.db, case, (EventKind::Requested, "Chute"), 30 * 60_000)
            .await
            .context("a home's call")?;
        assist::store::take(&state.db, &opened.id, &regulator.id).await.context("taking the call")?;
        opened.id
    } else {
        let phone = format!("+3367{:07}", dice.below(10_000_000));
        let reference = format!("DR-{:06}", dice.below(1_000_000));
        let case = NewCase {
            organisation_id: &centre.organisation.id,
            created_by: &regulator.id,
            phone: &phone,
            case_reference: Some(&reference),
            note: None,
            resident: None,
            language: None,
        };
        assist::open(&state, regulator, case).await.context("opening an assist")?
    };
    if dice.odds(75) {
        assist::store::record(&state.db, &id, EventKind::CallStarted, "", None).await.context("video")?;
    }
    if dice.odds(90) {
        let outcome = Outcome::ALL[dice.below(Outcome::ALL.len())];
        assist::store::decide(&state.db, &id, outcome, "").await.context("deciding")?;
    }
    audit::record(&state.db, regulator, "assist", &id, "view").await.context("looking at the case")?;
    Ok(None)
}

/// A GP's teleconsultation later today, invited by text message, held and ended.
async fn one_consultation(state: AppState, region: Arc<Region>, mut dice: Dice) -> Job {
    let practice = &region.practices[dice.below(region.practices.len())];
    let gp = &practice.members[dice.below(practice.members.len())];
    let n = dice.below(100_000);
    let (last, first) = name(n);
    let request = NewConsultation {
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        birth_date: format!("19{}-0{}-1{}", 40 + n % 60, 1 + n % 9, n % 10),
        phone: Some(format!("06{:08}", n)),
        email: None,
        scheduled_at: db::now_ms() + (dice.below(6) as i64) * HOUR,
        reason: "Renouvellement d'ordonnance".to_owned(),
        payment_mode: Default::default(),
        fee_cents: None,
        language: None,
    };
    let id = consultation::schedule(&state, gp, &request).await?;
    for milestone in [Milestone::Waiting, Milestone::Admitted, Milestone::Ended] {
        consultation::store::mark(&state.db, &id, milestone).await?;
    }
    audit::record(&state.db, gp, "consultation", &id, "view").await?;
    Ok(None)
}

/// Requests of the last days are still moving; older ones are all closed
/// (an expert site's queue holds weeks of work, not a year's leftovers).
const RECENT_DAYS: i64 = 14;

/// A GP's request to an expert site, taken and answered the same day nine
/// times in ten; the GP closes four answered requests in five. A `settled`
/// one (older than `RECENT_DAYS`) went all the way to closed.
async fn one_request(state: AppState, region: Arc<Region>, mut dice: Dice, settled: bool) -> Job {
    let practice = &region.practices[dice.below(region.practices.len())];
    let gp = &practice.members[dice.below(practice.members.len())];
    let site = &region.experts[dice.below(region.experts.len())];
    let specialist = &site.members[dice.below(site.members.len())];
    let forms = expertise::forms();
    let form = &forms[dice.below(forms.len())];
    let (last, first) = name(dice.below(100_000));
    let patient =
        Patient { last_name: last.to_owned(), first_name: first.to_owned(), birth_date: "1958-04-12".to_owned() };
    let new = expertise::store::NewRequest {
        requesting_org_id: &practice.organisation.id,
        requester_id: &gp.id,
        expert_org_id: &site.organisation.id,
        specialty: form.specialty,
        urgency: if dice.odds(10) { Urgency::Urgent } else { Urgency::Routine },
        patient: &patient,
        form_json: &serde_json::to_string(form)?,
        answers: &Default::default(),
        file_ids: &[],
        note: "Avis sur la conduite à tenir, merci.",
    };
    let id = expertise::store::create(&state.db, new).await?;
    let steps = [
        (Status::Submitted, Status::Taken, Step::Take, Side::Expert, ""),
        (Status::Taken, Status::Answered, Step::Answer, Side::Expert, "Pas d'urgence : contrôle dans trois mois."),
        (Status::Answered, Status::Closed, Step::Close, Side::Requester, "Merci."),
    ];
    let taken = if settled {
        3
    } else if dice.odds(90) {
        if dice.odds(80) {
            3
        } else {
            2
        }
    } else {
        0
    };
    for (from, to, step, side, body) in steps.into_iter().take(taken) {
        let author_id = if side == Side::Expert { &specialist.id } else { &gp.id };
        let new = expertise::store::NewStep { request_id: &id, from, to, step, side, author_id, body, file_ids: &[] };
        expertise::store::step(&state.db, new).await?;
    }
    Ok(None)
}

/// A GP enrols a patient on the Covid-19 protocol starting today; the patient joins.
async fn one_enrolment(state: AppState, region: Arc<Region>, mut dice: Dice, n: u64) -> Job {
    let practice = &region.practices[dice.below(region.practices.len())];
    let gp = &practice.members[dice.below(practice.members.len())];
    let (last, first) = name(n as usize);
    let request = NewFollowUp {
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        birth_date: "1961-09-23".to_owned(),
        phone: Some(format!("07{:08}", n)),
        email: None,
        protocol_id: "covid-19".to_owned(),
        start_date: db::in_paris(db::now_ms()).format("%Y-%m-%d").to_string(),
        language: None,
    };
    let followup = monitoring::enrol_patient(&state, gp, &request).await?;
    followups::record_consent(&state.db, &followup.id, CONSENT_VERSION, Reminders { sms: true, email: false }).await?;
    let dues = followups::schedule(&state.db, &followup.id).await?;
    Ok(Some(Active { id: followup.id, dues: dues.iter().map(|d| (d.index, d.opens_at, d.closes_at)).collect() }))
}

/// The patient's phone sends a questionnaire: mostly well, now and then an alert.
async fn one_questionnaire(state: AppState, followup_id: String, index: u32, mut dice: Dice) -> Job {
    let spo2 = if dice.odds(2) { 92 } else { 95 + dice.below(5) };
    let temperature = if dice.odds(1) { 39.2 } else { 36.5 + dice.below(15) as f64 / 10.0 };
    let answers = serde_json::from_value(json!({
        "temperature": {"type": "decimal", "value": temperature},
        "spo2": {"type": "integer", "value": spo2},
        "breathless": {"type": "choice", "value": "effort"},
        "cough": {"type": "boolean", "value": dice.odds(30)},
        "general": {"type": "integer", "value": 5 + dice.below(5)},
        "comment": {"type": "text", "value": "Un peu fatiguée ce matin, sinon ça va."},
    }))?;
    let request = NewSubmission { id: uuid::Uuid::new_v4().to_string(), index, answers };
    submit_for(&state, &followup_id, request).await?;
    Ok(None)
}

/// Each practice's doctors acknowledge the alerts raised before `before`.
async fn acknowledge_alerts(state: &AppState, region: &Region, before: i64) -> anyhow::Result<()> {
    let (start, limit) = PageQuery { after: None, limit: Some(200) }.read().expect("a page the server accepts");
    for practice in &region.practices {
        let open = followups::open_alerts(&state.db, &practice.organisation.id, &start, limit).await?;
        for alert in open.items.iter().filter(|alert| alert.raised_at < before) {
            followups::acknowledge(&state.db, &alert.id, &practice.members[0].id, "Patient rappelé.").await?;
        }
    }
    Ok(())
}
