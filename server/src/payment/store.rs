//! The SQL of payments: insurance claims, card payments, and what a receipt shows.

use regard_shared::payment::{Mode, Status};
use sqlx::FromRow;

use crate::db::{enum_name, new_id, Db, Stored};
use crate::error::AppResult;

/// What a consultation is billed: how, which act, how much.
#[derive(FromRow)]
pub struct Terms {
    pub payment_mode: Stored<Mode>,
    pub act_code: String,
    pub fee_cents: i64,
    pub clinician: String,
}

pub async fn terms(db: &Db, consultation_id: &str) -> AppResult<Terms> {
    Ok(sqlx::query_as(
        "SELECT c.payment_mode, c.act_code, c.fee_cents, u.display_name AS clinician
         FROM consultations c JOIN users u ON u.id = c.clinician_id WHERE c.id = $1",
    )
    .bind(consultation_id)
    .fetch_one(db)
    .await?)
}

pub async fn claim_id(db: &Db, consultation_id: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM insurance_claims WHERE consultation_id = $1")
        .bind(consultation_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// Records the consultation's insurance claim, once: the unique consultation
/// column decides between two ends racing, the loser inserts nothing.
pub async fn insert_claim(db: &Db, consultation_id: &str, now: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO insurance_claims (id, consultation_id, organisation_id, act_code, amount_cents, act_at,
                                       patient_last_name, patient_first_name, patient_birth_date, prescriber_name, created_at)
         SELECT $1, c.id, c.organisation_id, c.act_code, c.fee_cents, COALESCE(c.ended_at, $2),
                c.last_name, c.first_name, c.birth_date, u.display_name, $2
         FROM consultations c JOIN users u ON u.id = c.clinician_id
         WHERE c.id = $3
         ON CONFLICT (consultation_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(now)
    .bind(consultation_id)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(FromRow)]
pub struct CardPayment {
    pub status: Stored<Status>,
    pub session_id: Option<String>,
    pub checkout_url: Option<String>,
    pub payment_intent: Option<String>,
}

pub async fn card(db: &Db, consultation_id: &str) -> AppResult<Option<CardPayment>> {
    Ok(sqlx::query_as(
        "SELECT status, session_id, checkout_url, payment_intent FROM card_payments WHERE consultation_id = $1",
    )
    .bind(consultation_id)
    .fetch_optional(db)
    .await?)
}

/// How long a claimed checkout may wait for the provider's answer before
/// another end of the consultation may claim it again (the first one died).
const CHECKOUT_LEASE_MS: i64 = 5 * 60 * 1000;

/// Claims the right to open the consultation's checkout session: `true` for
/// the one caller that inserted the (pending, session-less) row, or that took
/// over a claim left without a session past its lease.
pub async fn claim_checkout(db: &Db, consultation_id: &str, now: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "INSERT INTO card_payments (consultation_id, status, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (consultation_id) DO UPDATE SET updated_at = excluded.updated_at
         WHERE card_payments.session_id IS NULL AND card_payments.status = $2 AND card_payments.updated_at <= $4",
    )
    .bind(consultation_id)
    .bind(enum_name(&Status::Pending))
    .bind(now)
    .bind(now - CHECKOUT_LEASE_MS)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What the provider answered to the claimed checkout.
pub async fn record_checkout(
    db: &Db,
    consultation_id: &str,
    status: Status,
    session: Option<&str>,
    url: Option<&str>,
    now: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE card_payments SET status = $1, session_id = $2, checkout_url = $3, updated_at = $4
         WHERE consultation_id = $5",
    )
    .bind(enum_name(&status))
    .bind(session)
    .bind(url)
    .bind(now)
    .bind(consultation_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_card_status(
    db: &Db,
    session_id: &str,
    status: Status,
    payment_intent: Option<&str>,
    now: i64,
) -> AppResult<u64> {
    let done = sqlx::query(
        "UPDATE card_payments SET status = $1, payment_intent = COALESCE($2, payment_intent), updated_at = $3
         WHERE session_id = $4",
    )
    .bind(enum_name(&status))
    .bind(payment_intent)
    .bind(now)
    .bind(session_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[derive(FromRow)]
pub struct Claim {
    pub id: String,
    pub act_at: i64,
    pub act_code: String,
    pub amount_cents: i64,
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub patient_birth_date: String,
    pub prescriber_name: String,
    pub consultation_id: String,
}

/// The organisation's claims whose act falls in [from, to).
pub async fn claims(db: &Db, organisation_id: &str, from: i64, to: i64) -> AppResult<Vec<Claim>> {
    Ok(sqlx::query_as(
        "SELECT id, act_at, act_code, amount_cents, patient_last_name, patient_first_name, patient_birth_date,
                prescriber_name, consultation_id
         FROM insurance_claims WHERE organisation_id = $1 AND act_at >= $2 AND act_at < $3 ORDER BY act_at, id",
    )
    .bind(organisation_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?)
}

/// What a consultation's receipt names.
#[derive(FromRow)]
pub struct ReceiptFacts {
    pub practice: String,
    pub clinician: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub act_code: String,
    pub scheduled_at: i64,
    pub ended_at: Option<i64>,
}

pub async fn receipt_facts(db: &Db, consultation_id: &str) -> AppResult<ReceiptFacts> {
    Ok(sqlx::query_as(
        "SELECT o.name AS practice, u.display_name AS clinician, c.last_name, c.first_name, c.birth_date, c.act_code,
                c.scheduled_at, c.ended_at
         FROM consultations c JOIN users u ON u.id = c.clinician_id JOIN organisations o ON o.id = c.organisation_id
         WHERE c.id = $1",
    )
    .bind(consultation_id)
    .fetch_one(db)
    .await?)
}
