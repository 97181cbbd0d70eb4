//! The SQL of sessions and of the links e-mailed to members. Tokens arrive here
//! hashed: a leaked database opens no session and sets no password.

use regard_shared::account::{describe_device, SessionView};
use sqlx::FromRow;

use crate::db::Db;
use crate::error::AppResult;

mod psc;
mod second_factor;
pub use psc::*;
pub use second_factor::*;

/// A session still in force at `$2` (by its absolute lifetime and its idle
/// timeout), aliased `s`.
const IN_FORCE: &str = "s.expires_at > $2 AND (s.idle_ms IS NULL OR s.last_used_at + s.idle_ms > $2)";

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub id: &'a str,
    pub user_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub idle_ms: Option<i64>,
    pub device: &'a str,
    pub address: &'a str,
}

/// Opens a session, sweeping ended ones: they have no use, and sweeping here
/// keeps the table bounded without a background job.
pub async fn insert_session(db: &Db, session: &NewSession<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_used_at + idle_ms <= $1")
        .bind(session.now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_used_at, expires_at, idle_ms, device, address)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8)",
    )
    .bind(session.token_hash)
    .bind(session.id)
    .bind(session.user_id)
    .bind(session.now)
    .bind(session.expires_at)
    .bind(session.idle_ms)
    .bind(session.device)
    .bind(session.address)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a session; its member's id when there was one.
pub async fn delete_session(db: &Db, token_hash: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token_hash)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(user,)| user))
}

/// Deletes the member's session listed as `id`; its key when there was one.
pub async fn delete_listed(db: &Db, user_id: &str, id: &str) -> AppResult<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("DELETE FROM sessions WHERE user_id = $1 AND id = $2 RETURNING token_hash")
            .bind(user_id)
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(key,)| key))
}

pub async fn delete_sessions_of(db: &Db, user_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(db).await?;
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
    pub last_used_at: i64,
}

pub async fn live_session(db: &Db, token_hash: &str, now: i64) -> AppResult<Option<SessionRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT u.id, u.organisation_id, u.role, u.email, u.display_name, s.locked_at, s.last_used_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND {IN_FORCE} AND u.disabled_at IS NULL"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Marks a session in force as used at `now`; false when it is not in force.
pub async fn touch(db: &Db, token_hash: &str, now: i64) -> AppResult<bool> {
    let done =
        sqlx::query(&format!("UPDATE sessions AS s SET last_used_at = $2 WHERE s.token_hash = $1 AND {IN_FORCE}"))
            .bind(token_hash)
            .bind(now)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The member's sessions in force, most recently used first, each with its key.
pub async fn sessions_of(db: &Db, user_id: &str, now: i64) -> AppResult<Vec<(String, SessionView)>> {
    let rows: Vec<(String, String, String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT s.token_hash, s.id, s.device, s.address, s.created_at, s.last_used_at FROM sessions s
         WHERE s.user_id = $1 AND {IN_FORCE} ORDER BY s.last_used_at DESC, s.id"
    ))
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, id, device, address, created_at, last_used_at)| {
            let device = describe_device(&device);
            (key, SessionView { id, device, address, created_at, last_used_at, current: false })
        })
        .collect())
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

/// In force, unlocked, and its member not disabled.
pub async fn is_open(db: &Db, token_hash: &str, now: i64) -> AppResult<bool> {
    let open: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND {IN_FORCE} AND s.locked_at IS NULL AND u.disabled_at IS NULL"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(open.is_some())
}

/// Opens a link e-mailed to a member; their unused links of the same purpose
/// work no more (marked used).
pub async fn replace_account_link(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    purpose: &str,
    now: i64,
    expires_at: i64,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE account_links SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(purpose)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO account_links (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An unused, unexpired link and who it is for.
#[derive(FromRow)]
pub struct AccountLinkRow {
    pub purpose: String,
    pub email: String,
    pub display_name: String,
    pub organisation: String,
}

pub async fn account_link(db: &Db, token_hash: &str, now: i64) -> AppResult<Option<AccountLinkRow>> {
    Ok(sqlx::query_as(
        "SELECT l.purpose, u.email, u.display_name, o.name AS organisation
         FROM account_links l JOIN users u ON u.id = l.user_id JOIN organisations o ON o.id = u.organisation_id
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Uses a link to set its member's password, in one transaction: the link is
/// taken by one conditional statement (two uses at once: one wins), and the
/// member's other unused links go with it. The member's id and the link's
/// purpose; `None` when the link is used, replaced or expired.
pub async fn use_account_link(
    db: &Db,
    token_hash: &str,
    password_hash: &str,
    now: i64,
) -> AppResult<Option<(String, String)>> {
    let mut tx = db.begin().await?;
    let taken: Option<(String, String)> = sqlx::query_as(
        "UPDATE account_links SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id, purpose",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, purpose)) = taken else { return Ok(None) };
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE account_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some((user_id, purpose)))
}

/// How many links of `purpose` the member was sent since `since`.
pub async fn links_since(db: &Db, user_id: &str, purpose: &str, since: i64) -> AppResult<i64> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM account_links WHERE user_id = $1 AND purpose = $2 AND created_at > $3")
            .bind(user_id)
            .bind(purpose)
            .bind(since)
            .fetch_one(db)
            .await?;
    Ok(count)
}
