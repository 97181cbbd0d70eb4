//! Locking a shift-long session with a short PIN: the nursing home's tablet
//! stays signed in for the shift, locked between uses. The PIN is hashed like
//! a password; five wrong PINs end the session, so the PIN cannot be guessed
//! by trying the 10 000 four-digit codes.

use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;
use regard_shared::api::{Me, PinRequest, PIN_MAX_FAILURES};
use regard_shared::validate::{self, Invalid};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::password;
use super::session::{self, CurrentUser, Session};
use crate::error::{AppError, AppResult, Json};
use crate::organisations::store;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_pin)).routes(routes!(lock)).routes(routes!(unlock))
}

/// Chooses (or changes) the PIN that unlocks this user's sessions.
#[utoipa::path(put, path = "/pin", tag = "auth", request_body = PinRequest,
    responses((status = 204, description = "PIN set"), (status = 422, description = "Not 4 to 8 digits", body = ApiError)))]
async fn set_pin(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<PinRequest>,
) -> AppResult<StatusCode> {
    validate::pin(&request.pin)?;
    let hash = password::hash(request.pin).await?;
    store::set_pin_hash(&state.db, &user.id, &hash).await?;
    tracing::info!(user = %user.id, "PIN set");
    Ok(StatusCode::NO_CONTENT)
}

/// Locks this session: every request but unlocking and signing out is refused
/// until the PIN is given.
#[utoipa::path(post, path = "/lock", tag = "auth",
    responses((status = 200, body = Me), (status = 409, description = "No PIN chosen yet", body = ApiError)))]
async fn lock(State(state): State<AppState>, session: Session) -> AppResult<Json<Me>> {
    if store::pin_hash(&state.db, &session.user.id).await?.is_none() {
        return Err(AppError::Conflict("Choose a PIN before locking the session."));
    }
    session::set_locked(&state.db, &session.user.session, true).await?;
    Ok(Json(super::me_of(&state, &session.user.id, true).await?))
}

/// Unlocks this session with the PIN. The fifth wrong PIN ends the session.
#[utoipa::path(post, path = "/unlock", tag = "auth", request_body = PinRequest,
    responses(
        (status = 200, body = Me),
        (status = 401, description = "Too many wrong PINs: the session ended", body = ApiError),
        (status = 422, description = "Wrong PIN", body = ApiError),
    ))]
async fn unlock(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    Json(request): Json<PinRequest>,
) -> Result<Json<Me>, (CookieJar, AppError)> {
    let fail = |error: AppError| (CookieJar::new(), error);
    let ended = |jar: CookieJar| (jar.add(session::expired_cookie(&state.settings)), AppError::Unauthenticated);
    let admitted = state.hashing.admit().map_err(fail)?;
    // The try is counted before the PIN is checked, in one statement: parallel
    // guesses get five checks in all, never more.
    let Some(tries) = session::count_pin_try(&state.db, &session.user.session).await.map_err(fail)? else {
        // No try left (others sent at once took them): the session ends.
        session::end(&state, &session.user.session).await.map_err(fail)?;
        return Err(ended(jar));
    };
    let stored = store::pin_hash(&state.db, &session.user.id).await.map_err(fail)?;
    // Malformed input counts as a wrong PIN, and costs as much to reject.
    let entered = if validate::pin(&request.pin).is_ok() { request.pin } else { String::new() };
    let right = stored.is_some() && password::verify(admitted, entered, stored).await.map_err(fail)?;
    if right {
        // The session may have ended meanwhile (another request's fifth wrong PIN).
        if !session::set_locked(&state.db, &session.user.session, false).await.map_err(fail)? {
            return Err(ended(jar));
        }
        return Ok(Json(super::me_of(&state, &session.user.id, false).await.map_err(fail)?));
    }
    if tries >= PIN_MAX_FAILURES {
        session::end(&state, &session.user.session).await.map_err(fail)?;
        tracing::warn!(user = %session.user.id, "session ended after wrong PINs");
        return Err(ended(jar));
    }
    Err(fail(Invalid { field: "pin", message: "Wrong PIN." }.into()))
}
