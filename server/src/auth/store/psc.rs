//! The SQL of Pro Santé Connect sign-ins under way: each is taken once.

use crate::db::Db;
use crate::error::AppResult;

pub struct NewPscLogin<'a> {
    pub state_hash: &'a str,
    pub browser_hash: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub expires_at: i64,
    /// Where to go once signed in; `None`: the console's home.
    pub next_path: Option<&'a str>,
}

/// A sign-in under way, as its answer needs it.
#[derive(sqlx::FromRow)]
pub struct PscLogin {
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub expires_at: i64,
    pub next_path: Option<String>,
}

/// Records a sign-in under way, sweeping the lapsed ones.
pub async fn insert_psc_login(db: &Db, login: &NewPscLogin<'_>, now: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM psc_logins WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO psc_logins (state_hash, browser_hash, nonce, pkce_verifier, expires_at, next_path)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(login.state_hash)
    .bind(login.browser_hash)
    .bind(login.nonce)
    .bind(login.pkce_verifier)
    .bind(login.expires_at)
    .bind(login.next_path)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A sign-in under way, taken (deleted) by its state: a state comes back once.
pub async fn take_psc_login(db: &Db, state_hash: &str) -> AppResult<Option<PscLogin>> {
    Ok(sqlx::query_as(
        "DELETE FROM psc_logins WHERE state_hash = $1
         RETURNING browser_hash, nonce, pkce_verifier, expires_at, next_path",
    )
    .bind(state_hash)
    .fetch_optional(db)
    .await?)
}
