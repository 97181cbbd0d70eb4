//! The SQL of sessions. Tokens arrive here hashed: a leaked database opens no session.

use sqlx::FromRow;

use crate::db::Db;
use crate::error::AppResult;

/// Opens a session, sweeping expired ones: they have no use, and sweeping here
/// keeps the table bounded without a background job.
pub async fn insert_session(db: &Db, token_hash: &str, user_id: &str, now: i64, expires_at: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db).await?;
    Ok(())
}

/// The member behind a live session.
#[derive(FromRow)]
pub struct SessionRow {
    pub id: String,
    pub organisation_id: String,
    pub role: String,
    pub email: String,
    pub display_name: String,
    pub locked_at: Option<i64>,
}

pub async fn live_session(db: &Db, token_hash: &str, now: i64) -> AppResult<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.organisation_id, u.role, u.email, u.display_name, s.locked_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Locks (at `locked_at`) or unlocks the session, forgetting earlier wrong
/// PINs; false when the session no longer exists.
pub async fn set_locked(db: &Db, token_hash: &str, locked_at: Option<i64>) -> AppResult<bool> {
    let done = sqlx::query("UPDATE sessions SET locked_at = $1, pin_failures = 0 WHERE token_hash = $2")
        .bind(locked_at)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a PIN try in one conditional statement (tries sent together get no
/// more than `max`): the session's count, or `None` when none is left.
pub async fn count_pin_try(db: &Db, token_hash: &str, max: i64) -> AppResult<Option<i64>> {
    let tries: Option<(i64,)> = sqlx::query_as(
        "UPDATE sessions SET pin_failures = pin_failures + 1
         WHERE token_hash = $1 AND pin_failures < $2 RETURNING pin_failures",
    )
    .bind(token_hash)
    .bind(max)
    .fetch_optional(db)
    .await?;
    Ok(tries.map(|(n,)| n))
}

pub async fn is_open(db: &Db, token_hash: &str, now: i64) -> AppResult<bool> {
    let open: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND locked_at IS NULL")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(db)
            .await?;
    Ok(open.is_some())
}
