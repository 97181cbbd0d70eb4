//! The SQL of patient links. Tokens and device secrets arrive here hashed.

use sqlx::{AnyConnection, FromRow};

use crate::db::Db;
use crate::error::AppResult;

/// A link as stored.
#[derive(Debug, FromRow)]
pub struct LinkRow {
    pub subject_id: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub device_hash: Option<String>,
    pub device_expires_at: Option<i64>,
}

/// Adds a link, revoking the subject's earlier ones, inside the caller's transaction.
pub async fn replace(
    tx: &mut AnyConnection,
    token_hash: &str,
    purpose: &str,
    subject_id: &str,
    now: i64,
    ttl_ms: i64,
) -> AppResult<()> {
    sqlx::query(
        "UPDATE patient_links SET revoked_at = $1 WHERE purpose = $2 AND subject_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(purpose)
    .bind(subject_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO patient_links (token_hash, purpose, subject_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(purpose)
    .bind(subject_id)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn find(db: &Db, token_hash: &str, purpose: &str) -> AppResult<Option<LinkRow>> {
    Ok(sqlx::query_as(
        "SELECT subject_id, expires_at, revoked_at, opened_at, accepted_at, device_hash, device_expires_at
         FROM patient_links WHERE token_hash = $1 AND purpose = $2",
    )
    .bind(token_hash)
    .bind(purpose)
    .fetch_optional(db)
    .await?)
}

pub async fn mark_opened(db: &Db, token_hash: &str, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE patient_links SET opened_at = $1 WHERE token_hash = $2 AND opened_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Binds the link to a device, if nobody has: whether this call did.
pub async fn bind_device(db: &Db, token_hash: &str, device_hash: &str, now: i64, until: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE patient_links SET accepted_at = $1, device_hash = $2, device_expires_at = $3
         WHERE token_hash = $4 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(device_hash)
    .bind(until)
    .bind(token_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The purpose and subject of the device whose secret hashes to `device_hash`,
/// while its access lasts.
pub async fn device(db: &Db, device_hash: &str, now: i64) -> AppResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT purpose, subject_id FROM patient_links
             WHERE device_hash = $1 AND device_expires_at > $2 AND revoked_at IS NULL",
    )
    .bind(device_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

pub async fn end_device_access(db: &Db, device_hash: &str, purpose: &str, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE patient_links SET device_expires_at = $1 WHERE device_hash = $2 AND purpose = $3")
        .bind(now)
        .bind(device_hash)
        .bind(purpose)
        .execute(db)
        .await?;
    Ok(())
}

/// Test servers only (`regard serve --testing`): the link expires at `at`.
pub async fn set_expiry(db: &Db, token_hash: &str, at: i64) -> AppResult<bool> {
    let done = sqlx::query("UPDATE patient_links SET expires_at = $1 WHERE token_hash = $2")
        .bind(at)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
