//! A second factor for password sign-ins: a code from an authenticator app
//! (TOTP), or one of ten recovery codes for a lost phone. After the right
//! password, a short-lived HttpOnly cookie holds the sign-in halfway; the
//! code completes it. Codes are throttled with the passwords (the same
//! counters), a code opens one sign-in, and a few wrong ones end the sign-in
//! halfway. An administrator resets a member's second factor; an
//! organisation may require one of every member (who then enrols at sign-in).

use axum::extract::State;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use regard_shared::account::{AccountEvent, Enrolment, EnrolmentDone, SecondFactorCode};
use regard_shared::api::Me;
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::{cookie, hash_token, mint_token, CurrentUser, Origin};
use super::store::{self, NewChallenge};
use super::{signed_in, throttle, totp, ClientAddr};
use crate::audit;
use crate::db::Db;
use crate::error::{AppError, AppResult, Json};
use crate::organisations::store as organisations;
use crate::AppState;

const COOKIE_NAME: &str = "regard_sign_in";
/// Only the sign-in's own endpoints receive it.
const COOKIE_PATH: &str = "/api/v1/auth";
/// Time to open the app and type a code (or to enrol).
const HALFWAY_SECS: i64 = 10 * 60;
/// Wrong codes before the password is asked again (they count against the
/// password's throttle too, whose lowest limit is 5).
const MAX_FAILURES: i64 = 3;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(complete)).routes(routes!(start_enrolment)).routes(routes!(confirm_enrolment))
}

/// A sign-in halfway for `user_id`: the cookie that holds it.
pub async fn halfway(state: &AppState, user_id: &str, origin: &Origin) -> AppResult<Cookie<'static>> {
    let token = mint_token();
    let now = state.sessions.now();
    let challenge = NewChallenge {
        token_hash: &hash_token(&token),
        user_id,
        expires_at: now + HALFWAY_SECS * 1000,
        device: &origin.device,
        address: &origin.address,
    };
    store::insert_challenge(&state.db, &challenge, now).await?;
    Ok(cookie(&state.settings, COOKIE_NAME, token, COOKIE_PATH, HALFWAY_SECS))
}

fn ended(state: &AppState) -> Cookie<'static> {
    cookie(&state.settings, COOKIE_NAME, String::new(), COOKIE_PATH, 0)
}

/// The sign-in halfway this browser holds, by its key.
async fn challenge(state: &AppState, jar: &CookieJar) -> AppResult<(String, store::Challenge)> {
    let token = jar.get(COOKIE_NAME).map(|c| c.value()).filter(|v| !v.is_empty());
    let key = hash_token(token.ok_or(AppError::Unauthenticated)?);
    let found = store::challenge(&state.db, &key, state.sessions.now()).await?;
    Ok((key, found.ok_or(AppError::Unauthenticated)?))
}

/// A wrong code: logged, counted against the sign-in halfway (past a few,
/// the password is asked again: 401 `unauthenticated`), else 401
/// `invalid_credentials`.
async fn wrong_code(db: &Db, user_id: &str, halfway: Option<&str>) -> AppError {
    let counted = async {
        audit::account(db, user_id, user_id, AccountEvent::SecondFactorFailed).await?;
        match halfway {
            Some(key) => store::count_challenge_failure(db, key, MAX_FAILURES).await,
            None => Ok(true),
        }
    };
    match counted.await {
        Ok(true) => AppError::InvalidCredentials,
        Ok(false) => AppError::Unauthenticated,
        Err(error) => error,
    }
}

/// Completes a sign-in halfway with a code from the authenticator app or a
/// recovery code (each works once); sets the session cookie.
#[utoipa::path(post, path = "/second-factor", tag = "auth", request_body = SecondFactorCode,
    responses(
        (status = 200, description = "Signed in", body = Me),
        (status = 401, description = "Wrong code (`invalid_credentials`), or no sign-in halfway: type the password again (`unauthenticated`)", body = ApiError),
        (status = 409, description = "The member has no second factor yet: enrol", body = ApiError),
        (status = 429, description = "Too many failed attempts", body = ApiError),
    ))]
async fn complete(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    Json(typed): Json<SecondFactorCode>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let (key, halfway) = challenge(&state, &jar).await?;
    throttle::reserve(&state.db, &halfway.email, &address).await?;
    let secrets = store::secrets(&state.db, &halfway.user_id).await?.ok_or(AppError::Unauthenticated)?;
    let secret = secrets.totp_secret.ok_or(AppError::Conflict("Enrol a second factor first."))?;
    let now = state.sessions.now();
    let by_app = match totp::step_of(&secret, &typed.code, now) {
        Some(step) => store::use_step(&state.db, &halfway.user_id, &secret, step).await?,
        None => false,
    };
    let by_recovery = !by_app
        && match totp::recovery_hash(&typed.code) {
            Some(hash) => store::use_recovery_code(&state.db, &halfway.user_id, &hash, now).await?,
            None => false,
        };
    if !by_app && !by_recovery {
        return Err(wrong_code(&state.db, &halfway.user_id, Some(&key)).await);
    }
    if by_recovery {
        audit::account(&state.db, &halfway.user_id, &halfway.user_id, AccountEvent::RecoveryCodeUsed).await?;
    }
    let (jar, me) = finish(&state, jar, &key, halfway, &address).await?;
    Ok((jar, Json(me)))
}

/// Ends the sign-in halfway, once (of two codes sent together, one signs
/// in), with a session.
async fn finish(
    state: &AppState,
    jar: CookieJar,
    key: &str,
    halfway: store::Challenge,
    address: &str,
) -> AppResult<(CookieJar, Me)> {
    if !store::take_challenge(&state.db, key).await? {
        return Err(AppError::Unauthenticated);
    }
    throttle::succeeded(&state.db, &halfway.email, address).await?;
    let account = organisations::credentials_by_id(&state.db, &halfway.user_id).await?.ok_or(AppError::NotFound)?;
    let origin = Origin { device: halfway.device, address: halfway.address };
    let (cookie, me) = signed_in(state, &account, &origin, AccountEvent::SignedIn).await?;
    Ok((jar.add(ended(state)).add(cookie), me))
}

/// Who is enrolling: a signed-in member from their account page, or a
/// member signing in whose organisation requires a second factor they do not
/// have yet (never one who has: the password alone does not replace it).
enum Enroller {
    SignedIn(CurrentUser),
    Halfway(String, store::Challenge),
}

impl Enroller {
    async fn of(state: &AppState, user: Option<CurrentUser>, jar: &CookieJar) -> AppResult<Enroller> {
        if let Some(user) = user {
            return Ok(Enroller::SignedIn(user));
        }
        let (key, halfway) = challenge(state, jar).await?;
        let secrets = store::secrets(&state.db, &halfway.user_id).await?.ok_or(AppError::Unauthenticated)?;
        if secrets.totp_secret.is_some() {
            return Err(AppError::Conflict("This account has a second factor: type its code."));
        }
        Ok(Enroller::Halfway(key, halfway))
    }

    fn user_id(&self) -> &str {
        match self {
            Enroller::SignedIn(user) => &user.id,
            Enroller::Halfway(_, halfway) => &halfway.user_id,
        }
    }
}

/// Starts enrolling an authenticator app: a new secret, as a QR code and as
/// text. Nothing changes until a first code confirms it.
#[utoipa::path(post, path = "/second-factor/enrolment", tag = "auth",
    responses(
        (status = 200, body = Enrolment),
        (status = 401, description = "Neither signed in nor signing in", body = ApiError),
        (status = 409, description = "Signing in to an account with a second factor: type its code", body = ApiError),
    ))]
async fn start_enrolment(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    jar: CookieJar,
) -> AppResult<Json<Enrolment>> {
    let enroller = Enroller::of(&state, user, &jar).await?;
    let secrets = store::secrets(&state.db, enroller.user_id()).await?.ok_or(AppError::Unauthenticated)?;
    let secret = totp::new_secret();
    let uri = totp::uri(&secret, &secrets.email).ok_or_else(|| anyhow::anyhow!("no otpauth URI"))?;
    let qr = totp::qr_code(&uri).ok_or_else(|| anyhow::anyhow!("no QR code for the otpauth URI"))?;
    store::set_pending(&state.db, enroller.user_id(), &secret).await?;
    Ok(Json(Enrolment { secret, uri, qr }))
}

/// Confirms the enrolment with a first code: the second factor is in force,
/// and the ten recovery codes are given, this once. Ends a sign-in halfway
/// (the session cookie is set).
#[utoipa::path(post, path = "/second-factor/enrolment/confirm", tag = "auth", request_body = SecondFactorCode,
    responses(
        (status = 200, body = EnrolmentDone),
        (status = 401, description = "Wrong code, or neither signed in nor signing in", body = ApiError),
        (status = 409, description = "No enrolment started, or another replaced it", body = ApiError),
        (status = 429, description = "Too many failed attempts", body = ApiError),
    ))]
async fn confirm_enrolment(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    user: Option<CurrentUser>,
    jar: CookieJar,
    Json(typed): Json<SecondFactorCode>,
) -> AppResult<(CookieJar, Json<EnrolmentDone>)> {
    let enroller = Enroller::of(&state, user, &jar).await?;
    let user_id = enroller.user_id().to_owned();
    let secrets = store::secrets(&state.db, &user_id).await?.ok_or(AppError::Unauthenticated)?;
    throttle::reserve(&state.db, &secrets.email, &address).await?;
    let pending = secrets.totp_pending.ok_or(AppError::Conflict("Start the enrolment again."))?;
    let halfway_key = match &enroller {
        Enroller::Halfway(key, _) => Some(key.as_str()),
        Enroller::SignedIn(_) => None,
    };
    let Some(step) = totp::step_of(&pending, &typed.code, state.sessions.now()) else {
        return Err(wrong_code(&state.db, &user_id, halfway_key).await);
    };
    let recovery_codes = totp::recovery_codes();
    let hashes: Vec<String> = recovery_codes.iter().filter_map(|c| totp::recovery_hash(c)).collect();
    if !store::confirm(&state.db, &user_id, &pending, step, &hashes).await? {
        return Err(AppError::Conflict("Start the enrolment again."));
    }
    audit::account(&state.db, &user_id, &user_id, AccountEvent::SecondFactorEnabled).await?;
    let Enroller::Halfway(key, halfway) = enroller else {
        throttle::succeeded(&state.db, &secrets.email, &address).await?;
        return Ok((jar, Json(EnrolmentDone { recovery_codes, me: None })));
    };
    let (jar, me) = finish(&state, jar, &key, halfway, &address).await?;
    Ok((jar, Json(EnrolmentDone { recovery_codes, me: Some(me) })))
}

/// Removes a member's second factor and recovery codes (a lost phone): the
/// administrator's, who checked the organisation. False when it has no such
/// member.
pub async fn reset(db: &Db, organisation_id: &str, user_id: &str) -> AppResult<bool> {
    store::reset(db, organisation_id, user_id).await
}
