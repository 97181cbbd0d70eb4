//! The SQL of prescriptions: the signed content as issued, and its dispensing.

use sqlx::FromRow;

use crate::db::Db;
use crate::error::AppResult;

/// A prescription as stored, with the pharmacy that dispensed it.
#[derive(FromRow)]
pub struct Stored {
    pub content: String,
    pub key_id: String,
    pub signature: String,
    pub dispensed_at: Option<i64>,
    pub dispensed_by: Option<String>,
    pub consultation_id: String,
}

pub async fn find(db: &Db, id: &str) -> AppResult<Option<Stored>> {
    Ok(sqlx::query_as(
        "SELECT p.content, p.key_id, p.signature, p.dispensed_at, o.name AS dispensed_by, p.consultation_id
         FROM prescriptions p LEFT JOIN organisations o ON o.id = p.dispensed_by_org WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

#[derive(FromRow)]
pub struct Listed {
    pub id: String,
    pub issued_at: i64,
    pub content: String,
    pub dispensed_at: Option<i64>,
}

/// The prescriptions of a consultation, oldest first.
pub async fn of_consultation(db: &Db, consultation_id: &str) -> AppResult<Vec<Listed>> {
    Ok(sqlx::query_as(
        "SELECT id, issued_at, content, dispensed_at FROM prescriptions WHERE consultation_id = $1 ORDER BY issued_at, id",
    )
    .bind(consultation_id)
    .fetch_all(db)
    .await?)
}

/// The patient a prescription of this consultation is made out to.
#[derive(FromRow)]
pub struct PatientIdentity {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
}

pub async fn patient(db: &Db, consultation_id: &str) -> AppResult<PatientIdentity> {
    Ok(sqlx::query_as("SELECT last_name, first_name, birth_date FROM consultations WHERE id = $1")
        .bind(consultation_id)
        .fetch_one(db)
        .await?)
}

pub struct NewPrescription<'a> {
    pub id: &'a str,
    pub consultation_id: &'a str,
    pub organisation_id: &'a str,
    pub prescriber_id: &'a str,
    pub issued_at: i64,
    pub content: &'a str,
    pub key_id: &'a str,
    pub signature: &'a str,
}

pub async fn insert(db: &Db, new: NewPrescription<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO prescriptions (id, consultation_id, organisation_id, prescriber_id, issued_at, content, key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new.id)
    .bind(new.consultation_id)
    .bind(new.organisation_id)
    .bind(new.prescriber_id)
    .bind(new.issued_at)
    .bind(new.content)
    .bind(new.key_id)
    .bind(new.signature)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks it dispensed, unless it already is: whether this call did. The WHERE
/// clause makes it once only, even for two pharmacies at the same second.
pub async fn dispense(db: &Db, id: &str, organisation_id: &str, user_id: &str, now: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE prescriptions SET dispensed_at = $1, dispensed_by_org = $2, dispensed_by_user = $3
         WHERE id = $4 AND dispensed_at IS NULL",
    )
    .bind(now)
    .bind(organisation_id)
    .bind(user_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
