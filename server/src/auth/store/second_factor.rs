//! The SQL of second factors: sign-ins halfway (the password was right, the
//! code is awaited), TOTP secrets and the last step each accepted, recovery
//! codes (hashed). Each single use is one conditional statement, so two
//! requests sent together cannot both use it.

use sqlx::FromRow;

use crate::db::Db;
use crate::error::AppResult;

pub struct NewChallenge<'a> {
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub expires_at: i64,
    pub device: &'a str,
    pub address: &'a str,
}

/// Opens a sign-in halfway, sweeping the lapsed ones.
pub async fn insert_challenge(db: &Db, challenge: &NewChallenge<'_>, now: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, user_id, expires_at, device, address)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(challenge.token_hash)
    .bind(challenge.user_id)
    .bind(challenge.expires_at)
    .bind(challenge.device)
    .bind(challenge.address)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A sign-in halfway, with its member's e-mail (for the throttle).
#[derive(FromRow)]
pub struct Challenge {
    pub user_id: String,
    pub email: String,
    pub device: String,
    pub address: String,
}

pub async fn challenge(db: &Db, token_hash: &str, now: i64) -> AppResult<Option<Challenge>> {
    Ok(sqlx::query_as(
        "SELECT c.user_id, u.email, c.device, c.address FROM sign_in_challenges c JOIN users u ON u.id = c.user_id
         WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Counts a wrong code; past `max` the sign-in halfway ends (the password is
/// asked again). Whether it is still open.
pub async fn count_challenge_failure(db: &Db, token_hash: &str, max: i64) -> AppResult<bool> {
    let counted: Option<(i64,)> = sqlx::query_as(
        "UPDATE sign_in_challenges SET failures = failures + 1
         WHERE token_hash = $1 AND failures < $2 RETURNING failures",
    )
    .bind(token_hash)
    .bind(max)
    .fetch_optional(db)
    .await?;
    if counted.is_none_or(|(n,)| n >= max) {
        sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1").bind(token_hash).execute(db).await?;
        return Ok(false);
    }
    Ok(true)
}

/// Ends the sign-in halfway; whether it was still there (it ends once).
pub async fn take_challenge(db: &Db, token_hash: &str) -> AppResult<bool> {
    let done = sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1").bind(token_hash).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

/// A member's TOTP secrets: the one in force and the one being enrolled.
#[derive(FromRow)]
pub struct Secrets {
    pub email: String,
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
}

pub async fn secrets(db: &Db, user_id: &str) -> AppResult<Option<Secrets>> {
    Ok(sqlx::query_as("SELECT email, totp_secret, totp_pending FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?)
}

/// Starts an enrolment (another one started before is forgotten).
pub async fn set_pending(db: &Db, user_id: &str, secret: &str) -> AppResult<()> {
    sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2").bind(secret).bind(user_id).execute(db).await?;
    Ok(())
}

/// Takes `step` of the secret in force if no later or equal step was taken:
/// a code opens one sign-in.
pub async fn use_step(db: &Db, user_id: &str, secret: &str, step: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1
         WHERE id = $2 AND totp_secret = $3 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .bind(secret)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The enrolment of `pending` confirmed at `step`: it becomes the secret in
/// force, with new recovery codes (the old ones work no more). False when
/// another enrolment replaced it meanwhile.
pub async fn confirm(db: &Db, user_id: &str, pending: &str, step: i64, recovery_hashes: &[String]) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1
         WHERE id = $2 AND totp_pending = $3",
    )
    .bind(step)
    .bind(user_id)
    .bind(pending)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    for hash in recovery_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Uses a recovery code once.
pub async fn use_recovery_code(db: &Db, user_id: &str, code_hash: &str, now: i64) -> AppResult<bool> {
    let done =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .bind(code_hash)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a member's second factor and recovery codes; false when the
/// organisation has no such member.
pub async fn reset(db: &Db, organisation_id: &str, user_id: &str) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
         WHERE id = $1 AND organisation_id = $2",
    )
    .bind(user_id)
    .bind(organisation_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}
