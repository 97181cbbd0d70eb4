//! Server-side sessions referenced by an HttpOnly cookie, and the `CurrentUser`
//! extractor through which every authenticated handler passes.
//!
//! A session ends at the first of: its absolute lifetime (a shift), its idle
//! timeout (none for a nursing home's tablet, which its PIN locks instead), its
//! member signing out or ending it from their list, or their administrator
//! disabling them. Its clinician sockets end with it (`Sessions::revoked`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use futures_util::StreamExt;
use rand::RngCore;
use regard_shared::account::SessionView;
use regard_shared::api::PIN_MAX_FAILURES;
use regard_shared::{Action, Role};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;

use super::store;
use crate::cluster::{Link, SESSIONS};
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, AppResult};
use crate::{AppState, Settings};

pub const COOKIE_NAME: &str = "regard_session";

/// A session used again within this time is not written again: a busy console
/// would otherwise write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// 256 random bits, base64url: what the browser holds.
pub(super) fn mint_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database holds instead of the token.
pub(super) fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sessions ended while sockets hold them open, and the time sessions are
/// judged by.
pub struct Sessions {
    revoked: broadcast::Sender<Revoked>,
    /// Sessions ended here close their sockets on the other nodes too.
    link: Link,
    /// How far ahead of the wall clock sessions are judged: moved by tests
    /// only (an idle timeout is 30 minutes no test can wait for).
    ahead_ms: AtomicI64,
}

/// Sessions that just ended, for the sockets they hold to close.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Revoked {
    /// Every session of this member (disabled).
    Member(String),
    /// One session, by its key.
    Session(String),
}

impl Revoked {
    pub fn ends(&self, user: &CurrentUser) -> bool {
        match self {
            Revoked::Member(id) => *id == user.id,
            Revoked::Session(key) => *key == user.session,
        }
    }
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions::new(Link::alone())
    }
}

impl Sessions {
    pub fn new(link: Link) -> Sessions {
        Sessions { revoked: broadcast::channel(64).0, link, ahead_ms: AtomicI64::new(0) }
    }

    pub fn now(&self) -> i64 {
        now_ms() + self.ahead_ms.load(Ordering::Relaxed)
    }

    /// Tests only: sessions are judged `ms` later than before.
    pub fn advance(&self, ms: i64) {
        self.ahead_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Sessions ended from now on. A socket that lags behind this channel
    /// learns of its end at its next check of the database instead.
    pub fn revoked(&self) -> broadcast::Receiver<Revoked> {
        self.revoked.subscribe()
    }

    fn revoke(&self, revoked: Revoked) {
        self.link.send(SESSIONS, &revoked);
        self.revoked_here(revoked);
    }

    fn revoked_here(&self, revoked: Revoked) {
        // No receiver is no socket open: nothing to close.
        let _ = self.revoked.send(revoked);
    }

    /// Closes this node's sockets of the sessions ended on the other nodes.
    pub async fn listen(self: &Arc<Self>) -> anyhow::Result<()> {
        let mut ended = self.link.listen::<Revoked>(SESSIONS).await?;
        let sessions = self.clone();
        tokio::spawn(async move {
            while let Some((_, revoked)) = ended.next().await {
                sessions.revoked_here(revoked);
            }
        });
        Ok(())
    }
}

/// Where a sign-in comes from, shown in the member's list of sessions.
pub struct Origin {
    pub device: String,
    pub address: String,
}

/// Opens a session for `user_id` and returns the cookie that carries it.
/// `idle_ms`: unused this long it ends; `None` for a shift session.
pub async fn open(
    state: &AppState,
    user_id: &str,
    origin: &Origin,
    idle_ms: Option<i64>,
) -> AppResult<Cookie<'static>> {
    let token = mint_token();
    let now = state.sessions.now();
    let ttl = state.settings.session_ttl_ms;
    let row = store::NewSession {
        token_hash: &hash_token(&token),
        id: &new_id(),
        user_id,
        now,
        expires_at: now + ttl,
        idle_ms,
        device: &origin.device,
        address: &origin.address,
    };
    store::insert_session(&state.db, &row).await?;
    Ok(session_cookie(&state.settings, token, ttl / 1000))
}

/// Ends the session `token` refers to, if any; its member's id when it was live.
pub async fn close(state: &AppState, token: &str) -> AppResult<Option<String>> {
    let key = hash_token(token);
    let ended = store::delete_session(&state.db, &key).await?;
    state.sessions.revoke(Revoked::Session(key));
    Ok(ended)
}

/// Ends one of `user`'s sessions by its listed id; false when they have none such.
pub async fn end_listed(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<bool> {
    let Some(key) = store::delete_listed(&state.db, &user.id, id).await? else { return Ok(false) };
    state.sessions.revoke(Revoked::Session(key));
    Ok(true)
}

/// Ends every session of a member, and the sockets they hold open.
pub async fn end_all(state: &AppState, user_id: &str) -> AppResult<()> {
    store::delete_sessions_of(&state.db, user_id).await?;
    state.sessions.revoke(Revoked::Member(user_id.to_owned()));
    Ok(())
}

/// The member's live sessions, the one `user` came with marked.
pub async fn list(state: &AppState, user: &CurrentUser) -> AppResult<Vec<SessionView>> {
    let rows = store::sessions_of(&state.db, &user.id, state.sessions.now()).await?;
    Ok(rows.into_iter().map(|(key, view)| SessionView { current: key == user.session, ..view }).collect())
}

/// A cookie that makes the browser forget the session.
pub fn expired_cookie(settings: &Settings) -> Cookie<'static> {
    session_cookie(settings, String::new(), 0)
}

fn session_cookie(settings: &Settings, value: String, max_age_secs: i64) -> Cookie<'static> {
    cookie(settings, COOKIE_NAME, value, "/", max_age_secs)
}

/// An HttpOnly, same-site cookie of the sign-in's (secure behind HTTPS).
pub(super) fn cookie(
    settings: &Settings,
    name: &'static str,
    value: String,
    path: &'static str,
    max_age_secs: i64,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.secure_cookies)
        .path(path)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

/// The signed-in clinician making the request. Extracting it fails with 401 when
/// the session cookie is missing, unknown or ended.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub organisation_id: String,
    pub role: Role,
    pub email: String,
    pub display_name: String,
    /// The key (token hash) of the session the request came with.
    pub session: String,
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
    pub locked: bool,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(COOKIE_NAME).map(|c| c.value()).filter(|v| !v.is_empty());
        let key = hash_token(token.ok_or(AppError::Unauthenticated)?);
        let now = state.sessions.now();
        let row = store::live_session(&state.db, &key, now).await?.ok_or(AppError::Unauthenticated)?;
        if now - row.last_used_at >= TOUCH_EVERY_MS {
            store::touch(&state.db, &key, now).await?;
        }
        let role =
            Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("user {} has unknown role {:?}", row.id, row.role))?;
        let user = CurrentUser {
            id: row.id,
            organisation_id: row.organisation_id,
            role,
            email: row.email,
            display_name: row.display_name,
            session: key,
        };
        Ok(Session { user, locked: row.locked_at.is_some() })
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
pub async fn set_locked(db: &Db, key: &str, locked: bool) -> AppResult<bool> {
    store::set_locked(db, key, locked.then(now_ms)).await
}

/// Counts a PIN try before it is checked; returns how many the session has
/// had, or `None` when it has ended or has no tries left.
pub async fn count_pin_try(db: &Db, key: &str) -> AppResult<Option<i64>> {
    store::count_pin_try(db, key, PIN_MAX_FAILURES).await
}

/// Whether the session still lets its member work: not ended, expired, idle
/// too long or locked, and its member not disabled.
pub async fn is_open(state: &AppState, key: &str) -> AppResult<bool> {
    store::is_open(&state.db, key, state.sessions.now()).await
}

/// A call in progress is use: its socket keeps the session from going idle
/// (locked or not: a tablet locked mid-call stays in the call). False when
/// the session has ended meanwhile, on this node or another.
pub async fn keep_alive(state: &AppState, key: &str) -> AppResult<bool> {
    store::touch(&state.db, key, state.sessions.now()).await
}

/// Ends a session by its key (too many wrong PINs).
pub async fn end(state: &AppState, key: &str) -> AppResult<()> {
    store::delete_session(&state.db, key).await?;
    state.sessions.revoke(Revoked::Session(key.to_owned()));
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
