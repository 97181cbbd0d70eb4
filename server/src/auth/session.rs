//! Server-side sessions referenced by an HttpOnly cookie, and the `CurrentUser`
//! extractor through which every authenticated handler passes.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use rand::RngCore;
use regard_shared::api::PIN_MAX_FAILURES;
use regard_shared::{Action, Role};
use sha2::{Digest, Sha256};

use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult};
use crate::{AppState, Settings};

pub const COOKIE_NAME: &str = "regard_session";

/// 256 random bits, base64url: what the browser holds.
fn mint_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database holds instead of the token.
fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens a session for `user_id` and returns the cookie that carries it.
pub async fn open(db: &Db, settings: &Settings, user_id: &str) -> AppResult<Cookie<'static>> {
    let token = mint_token();
    let now = now_ms();
    // Expired sessions have no use; sweeping them here keeps the table bounded
    // without a background job.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(db).await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash_token(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + settings.session_ttl_ms)
        .execute(db)
        .await?;
    Ok(session_cookie(settings, token, settings.session_ttl_ms / 1000))
}

/// Ends the session `token` refers to, if any.
pub async fn close(db: &Db, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_token(token)).execute(db).await?;
    Ok(())
}

/// A cookie that makes the browser forget the session.
pub fn expired_cookie(settings: &Settings) -> Cookie<'static> {
    session_cookie(settings, String::new(), 0)
}

fn session_cookie(settings: &Settings, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((COOKIE_NAME, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.secure_cookies)
        .path("/")
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

/// The signed-in clinician making the request. Extracting it fails with 401 when
/// the session cookie is missing, unknown or expired.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub organisation_id: String,
    pub role: Role,
    pub email: String,
    pub display_name: String,
}

impl CurrentUser {
    /// The one authorization check: the user must belong to `organisation_id` and
    /// their role must allow `action`. Every handler touching an organisation's
    /// data calls it before reading anything.
    pub fn authorize(&self, action: Action, organisation_id: &str) -> AppResult<()> {
        if self.organisation_id != organisation_id || !self.role.may(action) {
            tracing::warn!(user = %self.id, ?action, organisation_id, "access denied");
            return Err(AppError::Forbidden);
        }
        Ok(())
    }
}

/// A valid session, locked or not: what the lock screen needs (who is signed
/// in, unlocking, signing out). Everything else takes `CurrentUser`.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: CurrentUser,
    /// SHA-256 of the cookie's token: the session's key.
    pub token_hash: String,
    pub locked: bool,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(COOKIE_NAME).map(|c| c.value()).filter(|v| !v.is_empty());
        let token_hash = hash_token(token.ok_or(AppError::Unauthenticated)?);
        let row: Option<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT u.id, u.organisation_id, u.role, u.email, u.display_name, s.locked_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(&token_hash)
        .bind(now_ms())
        .fetch_optional(&state.db)
        .await?;
        let (id, organisation_id, role, email, display_name, locked_at) = row.ok_or(AppError::Unauthenticated)?;
        let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("user {id} has unknown role {role:?}"))?;
        let user = CurrentUser { id, organisation_id, role, email, display_name };
        Ok(Session { user, token_hash, locked: locked_at.is_some() })
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let session = Session::from_request_parts(parts, state).await?;
        if session.locked {
            return Err(AppError::Locked);
        }
        Ok(session.user)
    }
}

/// `Option<CurrentUser>`: `None` without a valid, unlocked session, for
/// endpoints that patients' devices reach too.
impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Option<Self>> {
        match <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(AppError::Unauthenticated | AppError::Locked) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// Locks or unlocks the session; unlocking forgets earlier wrong PINs. False
/// when the session no longer exists.
pub async fn set_locked(db: &Db, token_hash: &str, locked: bool) -> AppResult<bool> {
    let done = sqlx::query("UPDATE sessions SET locked_at = $1, pin_failures = 0 WHERE token_hash = $2")
        .bind(locked.then(now_ms))
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a PIN try before it is checked; returns how many the session has
/// had, or `None` when it has ended or has no tries left.
pub async fn count_pin_try(db: &Db, token_hash: &str) -> AppResult<Option<i64>> {
    let tries: Option<(i64,)> = sqlx::query_as(
        "UPDATE sessions SET pin_failures = pin_failures + 1
         WHERE token_hash = $1 AND pin_failures < $2 RETURNING pin_failures",
    )
    .bind(token_hash)
    .bind(PIN_MAX_FAILURES)
    .fetch_optional(db)
    .await?;
    Ok(tries.map(|(n,)| n))
}

/// Whether the session still lets its member work: not ended, expired or locked.
pub async fn is_open(db: &Db, token_hash: &str) -> AppResult<bool> {
    let open: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM sessions WHERE token_hash = $1 AND expires_at > $2 AND locked_at IS NULL")
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(db)
            .await?;
    Ok(open.is_some())
}

/// Ends a session by its hash (too many wrong PINs).
pub async fn end(db: &Db, token_hash: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = mint_token();
        let b = mint_token();
        assert_ne!(a, b);
        // 32 bytes in unpadded base64url.
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }
}
