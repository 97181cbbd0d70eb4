//! Clinician sign-in, sign-out and "who am I".

mod account_links;
mod password;
mod pin;
mod psc;
mod second_factor;
mod session;
mod sessions;
mod store;
mod throttle;
mod totp;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use regard_shared::account::{AccountEvent, SecondFactorNeeded};
use regard_shared::api::{LoginRequest, Me};
use regard_shared::{validate, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use account_links::invite;
pub use password::hash as hash_password;
pub use psc::{Psc, PscConfig};
pub use second_factor::reset as reset_second_factor;
pub use session::{
    end_all as end_all_sessions, is_open as session_is_open, keep_alive, CurrentUser, Revoked, Session, Sessions,
};
pub use throttle::recent_failures as recent_sign_in_failures;

use crate::audit;
use crate::error::{AppError, AppResult, Json};
use crate::organisations::store as organisations;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .merge(pin::routes())
        .merge(second_factor::routes())
        .merge(psc::routes())
        .merge(sessions::routes())
        .merge(account_links::routes())
}

/// The address a sign-in attempt comes from, for per-address throttling.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.settings.trust_forwarded_for {
            // The proxy appends the peer it saw: the last entry is the one it vouches for.
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| !v.is_empty());
            if let Some(addr) = forwarded {
                return Ok(ClientAddr(addr.to_owned()));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}

/// What signing in with a password answers.
enum SignIn {
    Done(CookieJar, Me),
    /// A code is awaited (or its enrolment): the cookie holds the sign-in halfway.
    Halfway(CookieJar, SecondFactorNeeded),
}

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        match self {
            SignIn::Done(jar, me) => (jar, Json(me)).into_response(),
            SignIn::Halfway(jar, needed) => (StatusCode::ACCEPTED, jar, Json(needed)).into_response(),
        }
    }
}

/// Sign in with e-mail and password; sets the session cookie, or, where the
/// account has a second factor (or its organisation requires one), answers
/// 202 and awaits the code at `/second-factor`.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 202, description = "Right password: the second factor is awaited, or its enrolment", body = SecondFactorNeeded),
        (status = 401, description = "Wrong e-mail or password", body = ApiError),
        (status = 403, description = "The account is disabled", body = ApiError),
        (status = 429, description = "Too many failed attempts", body = ApiError),
        (status = 503, description = "Too many sign-ins at once: try again in a few seconds", body = ApiError),
    ))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    jar: CookieJar,
    Json(request): Json<LoginRequest>,
) -> AppResult<SignIn> {
    let email = validate::normalise_email(&request.email);
    if email.len() > validate::EMAIL_MAX_BYTES || request.password.len() > validate::PASSWORD_MAX_BYTES {
        return Err(AppError::InvalidCredentials);
    }
    // A place in the hashing line first (refused at once when the server is
    // saturated, counting nothing), then the attempt is counted atomically
    // before the slow check: parallel guesses cannot outrun the limit.
    let admitted = state.hashing.admit()?;
    throttle::reserve(&state.db, &email, &address).await?;
    let account = organisations::credentials_by_email(&state.db, &email).await?;
    let stored_hash = account.as_ref().and_then(|a| a.password_hash());
    let valid = password::verify(admitted, request.password, stored_hash).await?;
    let Some(account) = account else {
        tracing::info!(%address, "sign-in failed");
        return Err(AppError::InvalidCredentials);
    };
    if !valid {
        tracing::info!(%address, user = %account.id, "sign-in failed");
        audit::account(&state.db, &account.id, &account.id, AccountEvent::SignInFailed).await?;
        return Err(AppError::InvalidCredentials);
    }
    // The right password is no guess, whether or not the account may sign in.
    throttle::succeeded(&state.db, &email, &address).await?;
    // Said only to whoever knows the password: a guesser learns nothing.
    if account.disabled() {
        return Err(AppError::AccountDisabled);
    }
    let origin = session::Origin { device: device_of(&headers), address };
    if let Some(needed) = account.second_factor() {
        let cookie = second_factor::halfway(&state, &account.id, &origin).await?;
        return Ok(SignIn::Halfway(jar.add(cookie), needed));
    }
    let (cookie, me) = signed_in(&state, &account, &origin, AccountEvent::SignedIn).await?;
    Ok(SignIn::Done(jar.add(cookie), me))
}

/// The end of every way of signing in: a session (a shift's for a nursing
/// home, else one with an idle timeout), the account log, and who it is.
async fn signed_in(
    state: &AppState,
    account: &organisations::Credentials,
    origin: &session::Origin,
    event: AccountEvent,
) -> AppResult<(Cookie<'static>, Me)> {
    let idle = (!account.shift_sessions()).then_some(state.settings.session_idle_ms);
    let cookie = session::open(state, &account.id, origin, idle).await?;
    audit::account(&state.db, &account.id, &account.id, event).await?;
    let me = me_of(state, &account.id, false).await?;
    tracing::info!(user = %account.id, ?event, "signed in");
    Ok((cookie, me))
}

/// The browser's description of itself, bounded: shown back to its member only.
fn device_of(headers: &HeaderMap) -> String {
    let agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    agent.chars().take(DEVICE_MAX_CHARS).collect()
}

const DEVICE_MAX_CHARS: usize = 256;

/// Sign out: ends the server-side session and clears the cookie.
#[utoipa::path(post, path = "/logout", tag = "auth",
    responses((status = 204, description = "Signed out")))]
async fn logout(State(state): State<AppState>, jar: CookieJar) -> AppResult<(StatusCode, CookieJar)> {
    if let Some(cookie) = jar.get(session::COOKIE_NAME) {
        if let Some(user_id) = session::close(&state, cookie.value()).await? {
            audit::account(&state.db, &user_id, &user_id, AccountEvent::SignedOut).await?;
        }
    }
    Ok((StatusCode::NO_CONTENT, jar.add(session::expired_cookie(&state.settings))))
}

/// The signed-in clinician and their organisation.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 401, description = "Not signed in", body = ApiError),
    ))]
async fn me(State(state): State<AppState>, session: Session) -> AppResult<Json<Me>> {
    // Answers while locked too: the lock screen names who is signed in.
    Ok(Json(me_of(&state, &session.user.id, session.locked).await?))
}

/// "Who am I", with the failed sign-ins on the account the user should know of.
async fn me_of(state: &AppState, user_id: &str, locked: bool) -> AppResult<Me> {
    let mut me = organisations::me(&state.db, user_id, locked).await?;
    me.failed_sign_ins = throttle::recent_failures(&state.db, &me.user.email).await? as u32;
    Ok(me)
}
