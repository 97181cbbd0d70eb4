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

use super::store;
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
    store::insert_session(db, &hash_token(&token), user_id, now, now + settings.session_ttl_ms).await?;
    Ok(session_cookie(settings, token, settings.session_ttl_ms / 1000))
}

/// Ends the session `token` refers to, if any.
pub async fn close(db: &Db, token: &str) -> AppResult<()> {
    store::delete_session(db, &hash_token(token)).await
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
        let row = store::live_session(&state.db, &token_hash, now_ms()).await?.ok_or(AppError::Unauthenticated)?;
        let role =
            Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("user {} has unknown role {:?}", row.id, row.role))?;
        let user = CurrentUser {
            id: row.id,
            organisation_id: row.organisation_id,
            role,
            email: row.email,
            display_name: row.display_name,
        };
        Ok(Session { user, token_hash, locked: row.locked_at.is_some() })
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
    store::set_locked(db, token_hash, locked.then(now_ms)).await
}

/// Counts a PIN try before it is checked; returns how many the session has
/// had, or `None` when it has ended or has no tries left.
pub async fn count_pin_try(db: &Db, token_hash: &str) -> AppResult<Option<i64>> {
    store::count_pin_try(db, token_hash, PIN_MAX_FAILURES).await
}

/// Whether the session still lets its member work: not ended, expired or locked.
pub async fn is_open(db: &Db, token_hash: &str) -> AppResult<bool> {
    store::is_open(db, token_hash, now_ms()).await
}

/// Ends a session by its hash (too many wrong PINs).
pub async fn end(db: &Db, token_hash: &str) -> AppResult<()> {
    store::delete_session(db, token_hash).await
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
