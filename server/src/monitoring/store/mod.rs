//! Follow-ups in the database: the enrolment with its protocol snapshot, the
//! schedule rows the reminders work from, the answers, the alerts.

pub mod jobs;
pub mod list;
pub mod photos;
mod snapshots;
pub mod submissions;

pub use submissions::{submission, submissions};

use std::sync::Arc;

use regard_shared::lang::Lang;
use regard_shared::monitoring::alerts::{Level, Raised};
use regard_shared::monitoring::schedule::Window;
use regard_shared::monitoring::wire::{AlertView, Due, EndReason, Facts, FollowUpSummary, Reminders};
use regard_shared::monitoring::Protocol;
use regard_shared::page::Page;

use sqlx::FromRow;

use crate::db::{enum_name, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};
use crate::paging::{self, Cursor};
use crate::patients::Contact;

pub struct Enrolment<'a> {
    pub organisation_id: &'a str,
    pub clinician_id: &'a str,
    pub contact: &'a Contact,
    pub protocol: &'a Protocol,
    pub time_zone: &'a str,
    pub start_date: &'a str,
    pub windows: &'a [Window],
    pub language: Option<Lang>,
}

pub async fn create(db: &Db, new: Enrolment<'_>) -> AppResult<String> {
    let id = new_id();
    let body = serde_json::to_string(new.protocol).map_err(anyhow::Error::from)?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO followups (id, organisation_id, clinician_id, last_name, first_name, birth_date, phone, email,
                                protocol, protocol_title, time_zone, start_date, created_at, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(new.organisation_id)
    .bind(new.clinician_id)
    .bind(&new.contact.last_name)
    .bind(&new.contact.first_name)
    .bind(&new.contact.birth_date)
    .bind(&new.contact.phone)
    .bind(&new.contact.email)
    .bind(body)
    .bind(&new.protocol.title)
    .bind(new.time_zone)
    .bind(new.start_date)
    .bind(now_ms())
    .bind(new.language.map(Lang::code))
    .execute(&mut *tx)
    .await?;
    for (index, window) in new.windows.iter().enumerate() {
        sqlx::query(
            "INSERT INTO followup_dues (followup_id, idx, day, opens_at, due_at, closes_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(index as i64)
        .bind(i64::from(window.day))
        .bind(window.opens_at)
        .bind(window.due_at)
        .bind(window.closes_at)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A follow-up as authorization, invitations and the scheduler need it.
pub struct FollowUp {
    pub id: String,
    pub organisation_id: String,
    pub clinician_name: String,
    pub practice: String,
    pub patient_name: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub protocol: Arc<Protocol>,
    pub start_date: String,
    pub consented_at: Option<i64>,
    pub reminders: Reminders,
    pub ended_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    pub purge_at: Option<i64>,
    /// The patient's language, as the clinician chose it or the patient last did.
    pub language: Option<Lang>,
}

impl FollowUp {
    /// The language the patient's messages are written in.
    pub fn message_language(&self) -> Lang {
        self.language.unwrap_or(Lang::Fr)
    }
}

#[derive(FromRow)]
struct Row {
    organisation_id: String,
    clinician_name: String,
    practice: String,
    first_name: String,
    last_name: String,
    birth_date: String,
    protocol: String,
    phone: Option<String>,
    email: Option<String>,
    start_date: String,
    consented_at: Option<i64>,
    remind_sms: i64,
    remind_email: i64,
    ended_at: Option<i64>,
    end_reason: Option<Stored<EndReason>>,
    purge_at: Option<i64>,
    language: Option<String>,
}

/// `Ok(None)` once the follow-up has been deleted.
pub async fn find(db: &Db, id: &str) -> AppResult<Option<FollowUp>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT f.organisation_id, u.display_name AS clinician_name, o.name AS practice, f.first_name, f.last_name,
                f.birth_date, f.protocol, f.phone, f.email, f.start_date, f.consented_at, f.remind_sms,
                f.remind_email, f.ended_at, f.end_reason, f.purge_at, f.language
         FROM followups f JOIN users u ON u.id = f.clinician_id JOIN organisations o ON o.id = f.organisation_id
         WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let protocol = snapshots::parse(&row.protocol)?;
    Ok(Some(FollowUp {
        id: id.to_owned(),
        organisation_id: row.organisation_id,
        clinician_name: row.clinician_name,
        practice: row.practice,
        patient_name: format!("{} {}", row.first_name, row.last_name),
        last_name: row.last_name,
        first_name: row.first_name,
        birth_date: row.birth_date,
        phone: row.phone,
        email: row.email,
        protocol,
        start_date: row.start_date,
        consented_at: row.consented_at,
        reminders: Reminders { sms: row.remind_sms != 0, email: row.remind_email != 0 },
        ended_at: row.ended_at,
        end_reason: row.end_reason.map(|r| r.0),
        purge_at: row.purge_at,
        language: row.language.as_deref().and_then(Lang::from_tag),
    }))
}

/// The organisation a follow-up belongs to: all a notice to its consoles needs,
/// without reading (and parsing) the protocol.
pub async fn organisation_of(db: &Db, id: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT organisation_id FROM followups WHERE id = $1").bind(id).fetch_optional(db).await?;
    Ok(row.map(|(organisation_id,)| organisation_id))
}

pub async fn get(db: &Db, id: &str) -> AppResult<FollowUp> {
    find(db, id).await?.ok_or(AppError::NotFound)
}

#[derive(FromRow)]
struct DueRow {
    idx: i64,
    day: i64,
    opens_at: i64,
    due_at: i64,
    closes_at: i64,
    filled_at: Option<i64>,
    reminded_at: Option<i64>,
}

const DUE_QUERY: &str =
    "SELECT d.idx, d.day, d.opens_at, d.due_at, d.closes_at, s.submitted_at AS filled_at, d.reminded_at
     FROM followup_dues d LEFT JOIN followup_submissions s ON s.followup_id = d.followup_id AND s.idx = d.idx
     WHERE d.followup_id = $1";

fn due(row: DueRow) -> Due {
    Due {
        index: row.idx as u32,
        day: row.day as u32,
        opens_at: row.opens_at,
        due_at: row.due_at,
        closes_at: row.closes_at,
        filled_at: row.filled_at,
        reminded_at: row.reminded_at,
    }
}

pub async fn schedule(db: &Db, id: &str) -> AppResult<Vec<Due>> {
    let rows: Vec<DueRow> = sqlx::query_as(&format!("{DUE_QUERY} ORDER BY d.idx")).bind(id).fetch_all(db).await?;
    Ok(rows.into_iter().map(due).collect())
}

pub async fn raise(db: &mut sqlx::AnyConnection, followup_id: &str, index: u32, raised: &Raised) -> AppResult<()> {
    // The practice is copied onto the alert, where its open alerts are read.
    sqlx::query(
        "INSERT INTO followup_alerts (id, followup_id, idx, level, message, raised_at, organisation_id)
         SELECT $1, $2, $3, $4, $5, $6, organisation_id FROM followups WHERE id = $2",
    )
    .bind(new_id())
    .bind(followup_id)
    .bind(i64::from(index))
    .bind(enum_name(&raised.level))
    .bind(&raised.message)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct AlertRow {
    id: String,
    followup_id: String,
    patient_name: String,
    level: Stored<Level>,
    message: String,
    raised_at: i64,
    day: i64,
    acknowledged_at: Option<i64>,
    acknowledged_by: Option<String>,
    note: String,
}

const ALERT_QUERY: &str = "SELECT a.id, a.followup_id, f.first_name || ' ' || f.last_name AS patient_name, a.level,
        a.message, a.raised_at, d.day, a.acknowledged_at, u.display_name AS acknowledged_by, a.note
     FROM followup_alerts a CROSS JOIN followups f
     JOIN followup_dues d ON d.followup_id = a.followup_id AND d.idx = a.idx
     LEFT JOIN users u ON u.id = a.acknowledged_by";

fn alert(row: AlertRow) -> AlertView {
    AlertView {
        id: row.id,
        followup_id: row.followup_id,
        patient_name: row.patient_name,
        level: row.level.0,
        message: row.message,
        raised_at: row.raised_at,
        day: row.day as u32,
        acknowledged_at: row.acknowledged_at,
        acknowledged_by: row.acknowledged_by,
        note: row.note,
    }
}

pub async fn alerts(db: &Db, followup_id: &str) -> AppResult<Vec<AlertView>> {
    let rows: Vec<AlertRow> = sqlx::query_as(&format!(
        "{ALERT_QUERY} WHERE a.followup_id = $1 AND f.id = a.followup_id ORDER BY a.raised_at"
    ))
    .bind(followup_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(alert).collect())
}

/// A page of the organisation's alerts nobody has acknowledged, red first, oldest first.
pub async fn open_alerts(db: &Db, organisation_id: &str, start: &Cursor, limit: u32) -> AppResult<Page<AlertView>> {
    // From the practice's alerts nobody acknowledged (a partial index), never
    // through every follow-up the practice ever had: `CROSS JOIN` keeps
    // SQLite's planner to that order.
    const OPEN: &str = "a.acknowledged_at IS NULL AND a.organisation_id = $1 AND f.id = a.followup_id";
    const RED_FIRST: &str = "(CASE a.level WHEN 'red' THEN 0 ELSE 1 END)";
    // Oldest first is newest first on the negated instant, the order `paging` walks.
    let sql = format!(
        "{ALERT_QUERY} WHERE {OPEN} AND {} ORDER BY {RED_FIRST}, a.raised_at, a.id LIMIT $5",
        paging::after(RED_FIRST, "(-a.raised_at)", "a.id", 2)
    );
    let rows: Vec<AlertRow> = paging::rows(db, &sql, organisation_id, start, limit, |q| q).await?;
    let (total,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM followup_alerts WHERE acknowledged_at IS NULL AND organisation_id = $1")
            .bind(organisation_id)
            .fetch_one(db)
            .await?;
    let rank = |row: &AlertRow| if row.level.0 == Level::Red { 0 } else { 1 };
    let cursor = |row: &AlertRow| Cursor { rank: rank(row), at: -row.raised_at, id: row.id.clone() };
    Ok(paging::page(rows, limit, total as u32, cursor, alert))
}

/// The follow-up an alert belongs to.
pub async fn alert_followup(db: &Db, alert_id: &str) -> AppResult<String> {
    let row: Option<(String,)> = sqlx::query_as("SELECT followup_id FROM followup_alerts WHERE id = $1")
        .bind(alert_id)
        .fetch_optional(db)
        .await?;
    Ok(row.ok_or(AppError::NotFound)?.0)
}

pub async fn acknowledge(db: &Db, alert_id: &str, user_id: &str, note: &str) -> AppResult<()> {
    sqlx::query(
        "UPDATE followup_alerts SET acknowledged_at = $1, acknowledged_by = $2, note = $3
         WHERE id = $4 AND acknowledged_at IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .bind(note)
    .bind(alert_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn summary(db: &Db, followup: &FollowUp, now: i64) -> AppResult<FollowUpSummary> {
    let schedule = schedule(db, &followup.id).await?;
    let (open_alerts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM followup_alerts WHERE followup_id = $1 AND acknowledged_at IS NULL")
            .bind(&followup.id)
            .fetch_one(db)
            .await?;
    let facts = Facts {
        consented: followup.consented_at.is_some(),
        ended: followup.end_reason,
        open_alerts: open_alerts as u32,
        schedule: &schedule,
    };
    Ok(FollowUpSummary {
        id: followup.id.clone(),
        patient_name: followup.patient_name.clone(),
        protocol_title: followup.protocol.title.clone(),
        start_date: followup.start_date.clone(),
        status: facts.status(now),
        open_alerts: open_alerts as u32,
        last_filled_at: schedule.iter().filter_map(|d| d.filled_at).max(),
        next_due_at: schedule.iter().find(|d| d.due_at > now && followup.ended_at.is_none()).map(|d| d.due_at),
    })
}

pub async fn record_consent(db: &Db, id: &str, version: &str, reminders: Reminders) -> AppResult<()> {
    sqlx::query(
        "UPDATE followups SET consent_version = $1, consented_at = $2, remind_sms = $3, remind_email = $4 WHERE id = $5",
    )
    .bind(version)
    .bind(now_ms())
    .bind(i64::from(reminders.sms))
    .bind(i64::from(reminders.email))
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The patient chose `lang` (joining, or later on their portal).
pub async fn set_language(db: &Db, id: &str, lang: Lang) -> AppResult<()> {
    sqlx::query("UPDATE followups SET language = $1 WHERE id = $2").bind(lang.code()).bind(id).execute(db).await?;
    Ok(())
}

pub async fn set_reminders(db: &Db, id: &str, reminders: Reminders) -> AppResult<()> {
    sqlx::query("UPDATE followups SET remind_sms = $1, remind_email = $2 WHERE id = $3")
        .bind(i64::from(reminders.sms))
        .bind(i64::from(reminders.email))
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends a follow-up under way; the scheduler deletes its data at `purge_at`.
/// `false` if it had already ended.
pub async fn end(db: &Db, id: &str, reason: EndReason, retention_ms: i64) -> AppResult<bool> {
    let now = now_ms();
    let done = sqlx::query(
        "UPDATE followups SET ended_at = $1, end_reason = $2, purge_at = $3 WHERE id = $4 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(enum_name(&reason))
    .bind(now + retention_ms)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Test servers only: time passes for one follow-up. Its whole schedule, and
/// the moment its patient joined, move into the past until questionnaire
/// `index` fell due at `due_at` (the earlier ones have closed). Whether that
/// questionnaire exists.
pub async fn shift_schedule(db: &Db, followup_id: &str, index: i64, due_at: i64) -> AppResult<bool> {
    const SHIFT: &str = "SELECT due_at - $1 AS shift FROM followup_dues WHERE followup_id = $2 AND idx = $3";
    let mut tx = db.begin().await?;
    // The follow-up first: its shift is read from the schedule not yet moved.
    sqlx::query(&format!("UPDATE followups SET consented_at = consented_at - ({SHIFT}) WHERE id = $2"))
        .bind(due_at)
        .bind(followup_id)
        .bind(index)
        .execute(&mut *tx)
        .await?;
    let shifted = sqlx::query(&format!(
        "UPDATE followup_dues SET opens_at = opens_at - s.shift, due_at = due_at - s.shift, closes_at = closes_at - s.shift
         FROM ({SHIFT}) AS s WHERE followup_id = $2"
    ))
    .bind(due_at)
    .bind(followup_id)
    .bind(index)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(shifted.rows_affected() > 0)
}
