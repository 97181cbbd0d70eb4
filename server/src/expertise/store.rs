//! Tele-expertise requests, their thread and their files in the database.

use regard_shared::expertise::{ExpertSite, Message, Patient, RequestSummary, Side, Specialty, Status, Step, Urgency};
use regard_shared::monitoring::questionnaire::Answers;
use regard_shared::page::Page;
use regard_shared::search::fold;

use crate::db::{enum_name, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};
use crate::paging::{self, Cursor};

/// Requests a list or a queue shows at most.

#[derive(sqlx::FromRow)]
pub struct RequestRow {
    pub id: String,
    pub requesting_org_id: String,
    pub requester_id: String,
    pub expert_org_id: String,
    pub specialty: Stored<Specialty>,
    pub urgency: Stored<Urgency>,
    pub status: Stored<Status>,
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub patient_birth_date: String,
    pub form: String,
    pub answers: String,
    pub expert_id: Option<String>,
    pub consultation_id: Option<String>,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub requester_read_at: i64,
    pub on_call_id: Option<String>,
    pub fallback_id: Option<String>,
    pub escalate_at: Option<i64>,
    pub video_started_at: Option<i64>,
}

impl RequestRow {
    pub fn status(&self) -> Status {
        self.status.0
    }

    pub fn patient(&self) -> Patient {
        Patient {
            last_name: self.patient_last_name.clone(),
            first_name: self.patient_first_name.clone(),
            birth_date: self.patient_birth_date.clone(),
        }
    }
}

pub struct NewRequest<'a> {
    pub requesting_org_id: &'a str,
    pub requester_id: &'a str,
    pub expert_org_id: &'a str,
    pub specialty: Specialty,
    pub urgency: Urgency,
    pub patient: &'a Patient,
    pub form_json: &'a str,
    pub answers: &'a Answers,
    pub file_ids: &'a [String],
    pub note: &'a str,
}

/// Files uploaded by `user_id` and not attached yet, among `ids`.
async fn claimable(tx: &mut sqlx::AnyConnection, user_id: &str, ids: &[String]) -> AppResult<usize> {
    let mut found = 0;
    for id in ids {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT id FROM expertise_files WHERE id = $1 AND uploaded_by = $2 AND request_id IS NULL")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        found += usize::from(row.is_some());
    }
    Ok(found)
}

async fn attach(
    tx: &mut sqlx::AnyConnection,
    user_id: &str,
    request_id: &str,
    message_id: &str,
    ids: &[String],
) -> AppResult<()> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if claimable(tx, user_id, &ids).await? != ids.len() {
        return Err(AppError::BadRequest("A file was not uploaded by you or is already sent.".to_owned()));
    }
    for id in &ids {
        sqlx::query("UPDATE expertise_files SET request_id = $1, message_id = $2 WHERE id = $3")
            .bind(request_id)
            .bind(message_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn insert_message(
    tx: &mut sqlx::AnyConnection,
    request_id: &str,
    step: Step,
    side: Side,
    author_id: &str,
    body: &str,
    at: i64,
) -> AppResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO expertise_messages (id, request_id, step, side, author_id, body, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(request_id)
    .bind(enum_name(&step))
    .bind(enum_name(&side))
    .bind(author_id)
    .bind(body)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// Stores the request, its first message and its files, all or nothing.
pub async fn create(db: &Db, new: NewRequest<'_>) -> AppResult<String> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO expertise_requests (id, requesting_org_id, requester_id, expert_org_id, specialty, urgency,
            status, patient_last_name, patient_first_name, patient_birth_date, form, answers, submitted_at,
            updated_at, requester_read_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $13)",
    )
    .bind(&id)
    .bind(new.requesting_org_id)
    .bind(new.requester_id)
    .bind(new.expert_org_id)
    .bind(new.specialty.as_str())
    .bind(enum_name(&new.urgency))
    .bind(Status::Submitted.as_str())
    .bind(&new.patient.last_name)
    .bind(&new.patient.first_name)
    .bind(&new.patient.birth_date)
    .bind(new.form_json)
    .bind(serde_json::to_string(new.answers).map_err(anyhow::Error::from)?)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if new.urgency == Urgency::Urgent {
        ring_on_call(&mut tx, &id, new.expert_org_id, new.specialty, now).await?;
    }
    let message = insert_message(&mut tx, &id, Step::Submit, Side::Requester, new.requester_id, new.note, now).await?;
    attach(&mut tx, new.requester_id, &id, &message, new.file_ids).await?;
    tx.commit().await?;
    Ok(id)
}

/// Whom the urgent request rings, from the site's rota as it is now (nobody
/// if the site keeps none for the specialty: the queue shows it first).
async fn ring_on_call(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    site: &str,
    specialty: Specialty,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE expertise_requests SET
            on_call_id = (SELECT on_call_id FROM expert_on_call WHERE organisation_id = $2 AND specialty = $3),
            fallback_id = (SELECT fallback_id FROM expert_on_call WHERE organisation_id = $2 AND specialty = $3),
            escalate_at = $4 + (SELECT escalate_after_ms FROM expert_on_call WHERE organisation_id = $2 AND specialty = $3)
         WHERE id = $1",
    )
    .bind(id)
    .bind(site)
    .bind(specialty.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn find(db: &Db, id: &str) -> AppResult<RequestRow> {
    sqlx::query_as("SELECT * FROM expertise_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Keeps when live video first connected; the request when this was the first time.
pub async fn video_started(db: &Db, id: &str, at: i64) -> AppResult<Option<RequestRow>> {
    let first =
        sqlx::query("UPDATE expertise_requests SET video_started_at = $1 WHERE id = $2 AND video_started_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(db)
            .await?
            .rows_affected()
            == 1;
    Ok(if first { Some(find(db, id).await?) } else { None })
}

/// A step of the thread: the message, its files, the new status, atomically.
/// `from` guards against two people acting at once: the step applies only if
/// the status is still the one the rules were checked against.
pub struct NewStep<'a> {
    pub request_id: &'a str,
    pub from: Status,
    pub to: Status,
    pub step: Step,
    pub side: Side,
    pub author_id: &'a str,
    pub body: &'a str,
    pub file_ids: &'a [String],
}

pub async fn step(db: &Db, new: NewStep<'_>) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let taker = (new.step == Step::Take).then_some(new.author_id);
    let changed = sqlx::query(
        "UPDATE expertise_requests SET status = $1, updated_at = $2, expert_id = COALESCE($3, expert_id)
         WHERE id = $4 AND status = $5",
    )
    .bind(new.to.as_str())
    .bind(now)
    .bind(taker)
    .bind(new.request_id)
    .bind(new.from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::Conflict("This request changed meanwhile: reload it."));
    }
    let message = insert_message(&mut tx, new.request_id, new.step, new.side, new.author_id, new.body, now).await?;
    attach(&mut tx, new.author_id, new.request_id, &message, new.file_ids).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_consultation(db: &Db, request_id: &str, consultation_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE expertise_requests SET consultation_id = $1 WHERE id = $2")
        .bind(consultation_id)
        .bind(request_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn mark_read(db: &Db, request_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE expertise_requests SET requester_read_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(request_id)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    id: String,
    specialty: Stored<Specialty>,
    urgency: Stored<Urgency>,
    status: Stored<Status>,
    patient_name: String,
    requesting_site: String,
    expert_site: String,
    submitted_at: i64,
    updated_at: i64,
    requester_read_at: i64,
}

pub(super) const SUMMARY_SELECT: &str = "SELECT r.id, r.specialty, r.urgency, r.status,
        r.patient_last_name || ' ' || r.patient_first_name AS patient_name, req.name AS requesting_site,
        exp.name AS expert_site, r.submitted_at, r.updated_at, r.requester_read_at
    FROM expertise_requests r
    JOIN organisations req ON req.id = r.requesting_org_id
    JOIN organisations exp ON exp.id = r.expert_org_id";

pub(super) fn summary(row: SummaryRow) -> RequestSummary {
    let status = row.status.0;
    RequestSummary {
        id: row.id,
        specialty: row.specialty.0,
        urgency: row.urgency.0,
        status,
        patient_name: row.patient_name,
        requesting_site: row.requesting_site,
        expert_site: row.expert_site,
        submitted_at: row.submitted_at,
        updated_at: row.updated_at,
        unread: status.awaits_requester() && row.updated_at > row.requester_read_at,
    }
}

/// A page of the requests an organisation sent, latest activity first.
pub async fn sent(db: &Db, organisation_id: &str, start: &Cursor, limit: u32) -> AppResult<Page<RequestSummary>> {
    let sql = format!(
        "{SUMMARY_SELECT} WHERE r.requesting_org_id = $1 AND {} ORDER BY r.updated_at DESC, r.id LIMIT $5",
        paging::after("0", "r.updated_at", "r.id", 2)
    );
    let rows: Vec<SummaryRow> = paging::rows(db, &sql, organisation_id, start, limit, |q| q).await?;
    let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM expertise_requests WHERE requesting_org_id = $1")
        .bind(organisation_id)
        .fetch_one(db)
        .await?;
    let cursor = |r: &SummaryRow| Cursor { rank: 0, at: r.updated_at, id: r.id.clone() };
    Ok(paging::page(rows, limit, total as u32, cursor, summary))
}

/// Where a request stands in the expert site's queue: untaken before taken,
/// urgent before not, as `QUEUE_RANK` computes it in SQL.
fn queue_rank(row: &SummaryRow) -> i64 {
    let untaken = if row.status.0 == Status::Submitted { 0 } else { 2 };
    untaken + if row.urgency.0 == Urgency::Urgent { 0 } else { 1 }
}

/// The queue's ranks in order, each the rows of one index range: untaken
/// urgent, untaken routine, then those under way (urgent, routine).
const QUEUE_PARTS: [&str; 4] = [
    "r.status = 'submitted' AND r.urgency = 'urgent'",
    "r.status = 'submitted' AND r.urgency = 'routine'",
    "r.status IN ('taken', 'needs_information', 'answered') AND r.urgency = 'urgent'",
    "r.status IN ('taken', 'needs_information', 'answered') AND r.urgency = 'routine'",
];

/// A page of the expert site's open requests (of one specialty, or all):
/// untaken urgent ones first, then by waiting time, the longest first.
pub async fn queue(
    db: &Db,
    organisation_id: &str,
    specialty: Option<Specialty>,
    start: &Cursor,
    limit: u32,
) -> AppResult<Page<RequestSummary>> {
    // The site's open requests, of the specialty bound as `p` (empty: all),
    // counted from the index ranges of the open statuses: `!= 'closed'` would
    // read every request the site ever had (73 ms at ten times a region's year
    // on PostgreSQL, 2.6 ms this way).
    let open = |p: &str| {
        format!(
            "r.expert_org_id = $1 AND r.status IN ('submitted', 'taken', 'needs_information', 'answered')
             AND ({p} = '' OR r.specialty = {p})"
        )
    };
    // Each rank read in waiting order from its own index range, at most a page
    // of it, so the cost stays that of a page however many requests wait.
    // Oldest first is newest first on the negated instant, the order `paging` walks.
    let parts = QUEUE_PARTS.iter().enumerate().map(|(rank, part)| {
        format!(
            "SELECT q{rank}.*, CAST({rank} AS BIGINT) AS queue_rank FROM ({SUMMARY_SELECT}
                WHERE r.expert_org_id = $1 AND {part} AND ($6 = '' OR r.specialty = $6) AND {}
                ORDER BY r.submitted_at, r.id LIMIT $5) q{rank}",
            paging::after(&rank.to_string(), "(-r.submitted_at)", "r.id", 2)
        )
    });
    let sql = format!(
        "SELECT * FROM ({}) p ORDER BY p.queue_rank, p.submitted_at, p.id LIMIT $5",
        parts.collect::<Vec<_>>().join(" UNION ALL ")
    );
    let specialty = specialty.map(Specialty::as_str).unwrap_or_default();
    let rows: Vec<SummaryRow> = paging::rows(db, &sql, organisation_id, start, limit, |q| q.bind(specialty)).await?;
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM expertise_requests r WHERE {}", open("$2")))
        .bind(organisation_id)
        .bind(specialty)
        .fetch_one(db)
        .await?;
    let cursor = |r: &SummaryRow| Cursor { rank: queue_rank(r), at: -r.submitted_at, id: r.id.clone() };
    Ok(paging::page(rows, limit, total as u32, cursor, summary))
}

pub async fn summary_of(db: &Db, id: &str) -> AppResult<RequestSummary> {
    let row: SummaryRow = sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE r.id = $1")).bind(id).fetch_one(db).await?;
    Ok(summary(row))
}

/// (questions and answers unread by the requesting organisation, untaken requests
/// addressed to it).
pub async fn waiting(db: &Db, organisation_id: &str) -> AppResult<(i64, i64)> {
    let counts: (i64, i64) = sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM expertise_requests WHERE requesting_org_id = $1
               AND status IN ('needs_information', 'answered') AND updated_at > requester_read_at),
            (SELECT COUNT(*) FROM expertise_requests WHERE expert_org_id = $1 AND status = 'submitted')",
    )
    .bind(organisation_id)
    .fetch_one(db)
    .await?;
    Ok(counts)
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: String,
    step: Stored<Step>,
    side: Stored<Side>,
    author: String,
    at: i64,
    body: String,
}

pub async fn thread(db: &Db, request_id: &str) -> AppResult<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, m.step, m.side, u.display_name AS author, m.at, m.body
         FROM expertise_messages m JOIN users u ON u.id = m.author_id
         WHERE m.request_id = $1 ORDER BY m.at",
    )
    .bind(request_id)
    .fetch_all(db)
    .await?;
    let files: Vec<(String, String)> =
        sqlx::query_as("SELECT message_id, id FROM expertise_files WHERE request_id = $1 ORDER BY uploaded_at")
            .bind(request_id)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|row| Message {
            step: row.step.0,
            side: row.side.0,
            author: row.author,
            body: row.body,
            at: row.at,
            file_ids: files.iter().filter(|(m, _)| *m == row.id).map(|(_, f)| f.clone()).collect(),
        })
        .collect())
}

pub async fn user_name(db: &Db, user_id: &str) -> AppResult<String> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT display_name FROM users WHERE id = $1").bind(user_id).fetch_optional(db).await?;
    Ok(row.map(|(n,)| n).unwrap_or_default())
}

pub async fn user_email(db: &Db, user_id: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT email FROM users WHERE id = $1").bind(user_id).fetch_optional(db).await?;
    Ok(row.map(|(e,)| e))
}

/// Expert sites answering at least one specialty, but `except` (one's own), by
/// name. Sorted here, as `organisations::store::members` explains.
pub async fn expert_sites(db: &Db, except: &str) -> AppResult<Vec<ExpertSite>> {
    let rows: Vec<(String, String, Stored<Specialty>)> = sqlx::query_as(
        "SELECT o.id, o.name, s.specialty FROM expert_specialties s JOIN organisations o ON o.id = s.organisation_id
         WHERE o.id != $1 ORDER BY o.id",
    )
    .bind(except)
    .fetch_all(db)
    .await?;
    let mut sites: Vec<ExpertSite> = Vec::new();
    for (id, name, Stored(specialty)) in rows {
        match sites.last_mut() {
            Some(site) if site.id == id => site.specialties.push(specialty),
            _ => sites.push(ExpertSite { id, name, specialties: vec![specialty] }),
        }
    }
    for site in &mut sites {
        site.specialties.sort_by_key(|s| s.as_str());
    }
    sites.sort_by_cached_key(|site| (fold(&site.name), site.id.clone()));
    Ok(sites)
}

pub async fn offer(db: &Db, organisation_id: &str, specialty: Specialty) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO expert_specialties (organisation_id, specialty) VALUES ($1, $2)
         ON CONFLICT (organisation_id, specialty) DO NOTHING",
    )
    .bind(organisation_id)
    .bind(specialty.as_str())
    .execute(db)
    .await?;
    Ok(())
}
