//! Consultations in the database: the appointment and its milestones, the
//! invitations sent, the chat, the report.

use regard_shared::consultation::{
    Author, ChatMessage, ConsultationDetail, ConsultationSummary, DocumentView, Milestones, PatientConsultation,
    MAX_DOCUMENTS,
};
use regard_shared::lang::Lang;
use regard_shared::phone;
use regard_shared::validate::Invalid;

use sqlx::FromRow;

use crate::blobs::{owner_of, BlobStore};
use crate::db::{begin_on, enum_name, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};
use crate::patients::{self, Record};

pub struct NewAppointment<'a> {
    pub organisation_id: &'a str,
    pub clinician_id: &'a str,
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub birth_date: &'a str,
    /// E.164.
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub scheduled_at: i64,
    pub reason: &'a str,
    pub payment_mode: regard_shared::payment::Mode,
    pub fee_cents: i64,
    pub language: Option<Lang>,
}

pub async fn create(db: &Db, new: NewAppointment<'_>) -> AppResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO consultations (id, organisation_id, clinician_id, last_name, first_name, birth_date, phone,
                                    email, scheduled_at, reason, created_at, payment_mode, fee_cents, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(new.organisation_id)
    .bind(new.clinician_id)
    .bind(new.last_name)
    .bind(new.first_name)
    .bind(new.birth_date)
    .bind(new.phone)
    .bind(new.email)
    .bind(new.scheduled_at)
    .bind(new.reason)
    .bind(now_ms())
    .bind(enum_name(&new.payment_mode))
    .bind(new.fee_cents)
    .bind(new.language.map(Lang::code))
    .execute(db)
    .await?;
    Ok(id)
}

/// What authorization and invitations need to know about a consultation.
pub struct Owner {
    pub organisation_id: String,
    pub clinician_id: String,
    pub clinician_name: String,
    pub practice: String,
    pub scheduled_at: i64,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub milestones: Milestones,
    /// The patient's language, if the GP chose it or the patient consented.
    pub language: Option<Lang>,
}

#[derive(FromRow)]
struct OwnerRow {
    organisation_id: String,
    clinician_id: String,
    clinician_name: String,
    practice: String,
    scheduled_at: i64,
    phone: Option<String>,
    email: Option<String>,
    waiting_since: Option<i64>,
    admitted_at: Option<i64>,
    ended_at: Option<i64>,
    language: Option<String>,
}

pub async fn owner(db: &Db, id: &str) -> AppResult<Owner> {
    let row: Option<OwnerRow> = sqlx::query_as(
        "SELECT c.organisation_id, c.clinician_id, u.display_name AS clinician_name, o.name AS practice,
                c.scheduled_at, c.phone, c.email, c.waiting_since, c.admitted_at, c.ended_at, c.language
         FROM consultations c JOIN users u ON u.id = c.clinician_id JOIN organisations o ON o.id = c.organisation_id
         WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok(Owner {
        organisation_id: row.organisation_id,
        clinician_id: row.clinician_id,
        clinician_name: row.clinician_name,
        practice: row.practice,
        scheduled_at: row.scheduled_at,
        phone: row.phone,
        email: row.email,
        milestones: Milestones {
            scheduled_at: row.scheduled_at,
            waiting_since: row.waiting_since,
            admitted_at: row.admitted_at,
            ended_at: row.ended_at,
        },
        language: row.language.as_deref().and_then(Lang::from_tag),
    })
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    first_name: String,
    last_name: String,
    scheduled_at: i64,
    reason: String,
    clinician_name: String,
    waiting_since: Option<i64>,
    admitted_at: Option<i64>,
    ended_at: Option<i64>,
}

const SUMMARY_COLUMNS: &str = "c.id, c.first_name, c.last_name, c.scheduled_at, c.reason,
     u.display_name AS clinician_name, c.waiting_since, c.admitted_at, c.ended_at";

fn summary(row: SummaryRow, now: i64) -> ConsultationSummary {
    let milestones = Milestones {
        scheduled_at: row.scheduled_at,
        waiting_since: row.waiting_since,
        admitted_at: row.admitted_at,
        ended_at: row.ended_at,
    };
    ConsultationSummary {
        id: row.id,
        patient_name: format!("{} {}", row.first_name, row.last_name),
        scheduled_at: row.scheduled_at,
        reason: row.reason,
        status: milestones.status(now),
        clinician_name: row.clinician_name,
        waiting_since: row.waiting_since,
    }
}

/// Most appointments a period's list holds: a busy teleconsultation centre's
/// day is a few hundred.
pub const PERIOD_MAX: usize = 1000;

/// The organisation's appointments between `from` and `to` (ms), in time
/// order; a period holding more than `PERIOD_MAX` is refused, never cut.
pub async fn day(db: &Db, organisation_id: &str, from: i64, to: i64) -> AppResult<Vec<ConsultationSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM consultations c JOIN users u ON u.id = c.clinician_id
         WHERE c.organisation_id = $1 AND c.scheduled_at >= $2 AND c.scheduled_at < $3
         ORDER BY c.scheduled_at, c.created_at LIMIT $4"
    ))
    .bind(organisation_id)
    .bind(from)
    .bind(to)
    .bind(PERIOD_MAX as i64 + 1)
    .fetch_all(db)
    .await?;
    if rows.len() > PERIOD_MAX {
        return Err(Invalid {
            field: "to",
            message: "More than 1 000 appointments in this period: ask for a shorter one.",
        }
        .into());
    }
    let now = now_ms();
    Ok(rows.into_iter().map(|row| summary(row, now)).collect())
}

pub async fn messages(db: &Db, id: &str) -> AppResult<Vec<ChatMessage>> {
    let rows: Vec<(String, Stored<Author>, String, i64)> = sqlx::query_as(
        "SELECT id, author, body, at FROM consultation_messages WHERE consultation_id = $1 ORDER BY at, id LIMIT 1000",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, author, body, at)| ChatMessage { id, author: author.0, body, at }).collect())
}

/// Messages one consultation may hold, so that one device cannot fill the disk.
pub const MAX_MESSAGES: i64 = 1000;

pub async fn add_message(
    db: &Db,
    id: &str,
    author: Author,
    author_id: Option<&str>,
    body: &str,
) -> AppResult<ChatMessage> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consultation_messages WHERE consultation_id = $1")
        .bind(id)
        .fetch_one(db)
        .await?;
    if count >= MAX_MESSAGES {
        return Err(AppError::Conflict("This consultation holds as many messages as it can."));
    }
    let message = ChatMessage { id: new_id(), author, body: body.to_owned(), at: now_ms() };
    sqlx::query(
        "INSERT INTO consultation_messages (id, consultation_id, author, author_id, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&message.id)
    .bind(id)
    .bind(enum_name(&author))
    .bind(author_id)
    .bind(&message.body)
    .bind(message.at)
    .execute(db)
    .await?;
    Ok(message)
}

#[derive(FromRow)]
struct DetailRow {
    birth_date: String,
    phone: Option<String>,
    email: Option<String>,
    report: String,
    consent_version: Option<String>,
    consented_at: Option<i64>,
    followup_id: Option<String>,
    language: Option<String>,
}

pub async fn detail(db: &Db, id: &str) -> AppResult<ConsultationDetail> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM consultations c JOIN users u ON u.id = c.clinician_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    let summary = summary(row.ok_or(AppError::NotFound)?, now_ms());
    let row: DetailRow = sqlx::query_as(
        "SELECT birth_date, phone, email, report, consent_version, consented_at, followup_id, language
         FROM consultations WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(ConsultationDetail {
        summary,
        birth_date: row.birth_date,
        phone: row.phone.as_deref().map(phone::display),
        email: row.email,
        invitations: patients::invitations(db, Record::Consultation, id).await?,
        messages: messages(db, id).await?,
        documents: documents(db, id).await?,
        prescriptions: crate::prescription::for_consultation(db, id).await?,
        payment: crate::payment::view(db, id).await?,
        report: row.report,
        consent: row.consent_version.zip(row.consented_at),
        followup_id: row.followup_id,
        language: row.language.as_deref().and_then(Lang::from_tag),
    })
}

/// Records that the consultation was started from the follow-up `followup_id`.
pub async fn set_followup(db: &Db, id: &str, followup_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE consultations SET followup_id = $1 WHERE id = $2")
        .bind(followup_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The consultations started from a follow-up: (id, scheduled at), oldest first.
pub async fn of_followup(db: &Db, followup_id: &str) -> AppResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT id, scheduled_at FROM consultations WHERE followup_id = $1 ORDER BY scheduled_at, id")
        .bind(followup_id)
        .fetch_all(db)
        .await?)
}

/// Forgets the follow-up the consultations came from, when its data is deleted.
pub async fn unlink_followup(tx: &mut sqlx::AnyConnection, followup_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE consultations SET followup_id = NULL WHERE followup_id = $1")
        .bind(followup_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// The patient's view: no identity details beyond what they gave, no invitations.
pub async fn for_patient(db: &Db, id: &str) -> AppResult<PatientConsultation> {
    let owner = owner(db, id).await?;
    let (report,): (String,) =
        sqlx::query_as("SELECT report FROM consultations WHERE id = $1").bind(id).fetch_one(db).await?;
    Ok(PatientConsultation {
        id: id.to_owned(),
        practice: owner.practice,
        clinician_name: owner.clinician_name,
        scheduled_at: owner.scheduled_at,
        status: owner.milestones.status(now_ms()),
        messages: messages(db, id).await?,
        documents: documents(db, id).await?,
        prescriptions: crate::prescription::for_consultation(db, id).await?,
        payment: crate::payment::view(db, id).await?,
        report,
    })
}

/// The consent given, and the language it was read in (kept as the
/// patient's language; unknown, the GP's choice stays).
pub async fn record_consent(db: &Db, id: &str, version: &str, language: Option<Lang>) -> AppResult<()> {
    sqlx::query(
        "UPDATE consultations SET consent_version = $1, consented_at = $2, language = COALESCE($3, language)
         WHERE id = $4",
    )
    .bind(version)
    .bind(now_ms())
    .bind(language.map(Lang::code))
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Sets a milestone once; later calls keep the first time. `column` is one of
/// the fixed milestone names, never user input.
pub async fn mark(db: &Db, id: &str, column: Milestone) -> AppResult<()> {
    let column = match column {
        Milestone::Waiting => "waiting_since",
        Milestone::Admitted => "admitted_at",
        Milestone::Ended => "ended_at",
    };
    sqlx::query(&format!("UPDATE consultations SET {column} = $1 WHERE id = $2 AND {column} IS NULL"))
        .bind(now_ms())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Clone, Copy, Debug)]
pub enum Milestone {
    Waiting,
    Admitted,
    Ended,
}

pub async fn save_report(db: &Db, id: &str, report: &str) -> AppResult<()> {
    sqlx::query("UPDATE consultations SET report = $1, report_updated_at = $2 WHERE id = $3")
        .bind(report)
        .bind(now_ms())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

type DocumentRow = (String, Stored<Author>, String, String, i64, i64);

pub async fn documents(db: &Db, id: &str) -> AppResult<Vec<DocumentView>> {
    let rows: Vec<DocumentRow> = sqlx::query_as(
        "SELECT id, author, name, content_type, bytes, at FROM consultation_documents
         WHERE consultation_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, author, name, content_type, bytes, at)| DocumentView {
            id,
            author: author.0,
            name,
            content_type,
            bytes,
            at,
        })
        .collect())
}

pub struct NewDocument<'a> {
    pub author: Author,
    pub author_id: Option<&'a str>,
    pub name: &'a str,
    pub content_type: &'a str,
    pub body: &'a [u8],
}

/// Adds a document and its file, unless the consultation holds as many as it
/// can: checked first, in the transaction that stores the file.
pub async fn add_document(db: &Db, blobs: &BlobStore, id: &str, document: NewDocument<'_>) -> AppResult<DocumentView> {
    let mut tx = begin_on(db, "consultations", id).await?;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM consultation_documents WHERE consultation_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_DOCUMENTS {
        return Err(AppError::Conflict("This consultation holds as many documents as it can."));
    }
    let view = DocumentView {
        id: new_id(),
        author: document.author,
        name: document.name.to_owned(),
        content_type: document.content_type.to_owned(),
        bytes: document.body.len() as i64,
        at: now_ms(),
    };
    let blob = blobs.store_owned(&mut tx, &owner_of("consultation_documents", &view.id), document.body).await?;
    sqlx::query(
        "INSERT INTO consultation_documents (id, consultation_id, author, author_id, name, content_type, bytes, blob, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&view.id)
    .bind(id)
    .bind(enum_name(&view.author))
    .bind(document.author_id)
    .bind(&view.name)
    .bind(&view.content_type)
    .bind(view.bytes)
    .bind(blob)
    .bind(view.at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(view)
}

/// A document's stored file, name and type, if it belongs to the consultation.
pub async fn document_blob(db: &Db, id: &str, document_id: &str) -> AppResult<(String, String, String)> {
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT blob, name, content_type FROM consultation_documents WHERE id = $1 AND consultation_id = $2",
    )
    .bind(document_id)
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.ok_or(AppError::NotFound)
}
