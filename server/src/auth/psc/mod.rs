//! Sign-in with Pro Santé Connect, the national identity of health
//! professionals (CPS card or e-CPS app). The browser goes to PSC from
//! `/psc/start` and comes back to `/psc/callback`; the identity signs into
//! the account whose RPPS/ADELI number it carries, which an administrator
//! recorded: an unknown identity is refused in words, never given an account.
//! PSC's sign-in is itself two-factor: no TOTP code is asked after it.

mod provider;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use regard_shared::account::{AccountEvent, PscRefusal, SignInOptions};
use regard_shared::validate;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use provider::{Psc, PscConfig};

use super::session::{hash_token, mint_token, Origin};
use super::store::{self, NewPscLogin};
use super::{device_of, signed_in, ClientAddr};
use crate::audit;
use crate::error::{AppResult, Json};
use crate::organisations::store as organisations;
use crate::AppState;

/// Binds a sign-in under way to the browser that started it. Lax, not
/// Strict: it comes back on the provider's redirect, a cross-site navigation.
const COOKIE_NAME: &str = "regard_psc";
const COOKIE_PATH: &str = "/api/v1/auth/psc";
/// Time to sign in at PSC (find the card, open the e-CPS app).
const UNDER_WAY_SECS: i64 = 10 * 60;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(options)).routes(routes!(start)).routes(routes!(callback))
}

/// The ways to sign in this server offers.
#[utoipa::path(get, path = "/options", tag = "auth", responses((status = 200, body = SignInOptions)))]
async fn options(State(state): State<AppState>) -> Json<SignInOptions> {
    Json(SignInOptions { pro_sante_connect: state.psc.is_some() })
}

fn browser_cookie(state: &AppState, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((COOKIE_NAME, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path(COOKIE_PATH)
        .max_age(time::Duration::seconds(max_age_secs))
        .build()
}

/// Back to the sign-in page, saying why.
fn refused(refusal: PscRefusal) -> Redirect {
    Redirect::to(&format!("/login?psc={}", refusal.as_str()))
}

/// Where to go once signed in.
#[derive(Deserialize, IntoParams)]
struct Next {
    /// A page of this site (e.g. `/rx/RX-…` for a pharmacist who scanned a
    /// prescription); anything else is ignored for the console's home.
    next: Option<String>,
}

/// Sends the browser to Pro Santé Connect (scope `openid scope_all`,
/// `acr_values=eidas1`, PKCE, state and nonce kept here for its return).
#[utoipa::path(get, path = "/psc/start", tag = "auth", params(Next),
    responses(
        (status = 303, description = "To Pro Santé Connect's authorization endpoint; or back to /login?psc=unavailable"),
        (status = 404, description = "Pro Santé Connect is not configured"),
    ))]
async fn start(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(Next { next }): Query<Next>,
) -> AppResult<(CookieJar, Redirect)> {
    let psc = state.psc.clone().ok_or(crate::error::AppError::NotFound)?;
    let authorization = match psc.authorize().await {
        Ok(authorization) => authorization,
        Err(error) => {
            tracing::warn!(%error, "Pro Santé Connect sign-in could not start");
            return Ok((jar, refused(PscRefusal::Unavailable)));
        }
    };
    let browser = mint_token();
    let now = state.sessions.now();
    let login = NewPscLogin {
        state_hash: &hash_token(&authorization.state),
        browser_hash: &hash_token(&browser),
        nonce: &authorization.nonce,
        pkce_verifier: &authorization.pkce_verifier,
        expires_at: now + UNDER_WAY_SECS * 1000,
        next_path: next.as_deref().filter(|path| validate::local_path(path)),
    };
    store::insert_psc_login(&state.db, &login, now).await?;
    Ok((jar.add(browser_cookie(&state, browser, UNDER_WAY_SECS)), Redirect::to(&authorization.url)))
}

/// What the provider sends back: a code and the state, or an error.
#[derive(Deserialize, IntoParams)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Pro Santé Connect's answer: the sign-in under way is taken by its state
/// (once, from the browser that started it), the code traded for tokens, the
/// ID token and userinfo checked, and the account with that RPPS/ADELI
/// number signed in (at eIDAS substantial level where its organisation
/// requires it). Then to the page the sign-in started from (else the
/// console), or back to `/login?psc=…`.
#[utoipa::path(get, path = "/psc/callback", tag = "auth", params(Answer),
    responses((status = 303, description = "Signed in, to the page the sign-in started from or the console; or to /login?psc=unknown|level|expired|disabled|cancelled|unavailable")))]
async fn callback(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    jar: CookieJar,
    Query(answer): Query<Answer>,
) -> AppResult<(CookieJar, Redirect)> {
    let browser = jar.get(COOKIE_NAME).map(|c| c.value().to_owned()).filter(|v| !v.is_empty());
    let jar = jar.add(browser_cookie(&state, String::new(), 0));
    let (Some(psc), Some(browser), Some(sent_state)) = (state.psc.clone(), browser, answer.state) else {
        return Ok((jar, refused(PscRefusal::Expired)));
    };
    // Taken whatever follows: a state is answered once (a replay finds nothing).
    let under_way = store::take_psc_login(&state.db, &hash_token(&sent_state)).await?;
    let Some(store::PscLogin { browser_hash, nonce, pkce_verifier, expires_at, next_path }) = under_way else {
        tracing::warn!(%address, "Pro Santé Connect answer with an unknown or used state");
        return Ok((jar, refused(PscRefusal::Expired)));
    };
    if browser_hash != hash_token(&browser) || expires_at <= state.sessions.now() {
        tracing::warn!(%address, "Pro Santé Connect answer for another browser, or too late");
        return Ok((jar, refused(PscRefusal::Expired)));
    }
    if let Some(error) = answer.error {
        let cancelled = error == "access_denied";
        return Ok((jar, refused(if cancelled { PscRefusal::Cancelled } else { PscRefusal::Unavailable })));
    }
    let Some(code) = answer.code else { return Ok((jar, refused(PscRefusal::Expired))) };
    let identity = match psc.identity(code, pkce_verifier, &nonce).await {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(%error, %address, "Pro Santé Connect sign-in refused");
            let refusal = match error {
                provider::PscError::Unavailable(_) => PscRefusal::Unavailable,
                provider::PscError::Refused(_) => PscRefusal::Expired,
            };
            return Ok((jar, refused(refusal)));
        }
    };
    let account = match &identity.idnps {
        Some(idnps) => organisations::credentials_by_national_id(&state.db, idnps).await?,
        None => None,
    };
    let Some(account) = account else {
        // No account is created for it: an administrator records the number.
        tracing::warn!(idnps = ?identity.idnps, professions = ?identity.professions, "Pro Santé Connect identity without an account");
        return Ok((jar, refused(PscRefusal::Unknown)));
    };
    if account.disabled() {
        return Ok((jar, refused(PscRefusal::Disabled)));
    }
    let eidas1 = identity.acr.as_deref() == Some(provider::EIDAS1);
    if !eidas1 && organisations::security(&state.db, account.organisation_id()).await?.psc_eidas1_required {
        tracing::warn!(user = %account.id, acr = ?identity.acr, "Pro Santé Connect sign-in below eidas1 refused");
        audit::account(&state.db, &account.id, &account.id, AccountEvent::SignInFailed).await?;
        return Ok((jar, refused(PscRefusal::Level)));
    }
    tracing::info!(user = %account.id, acr = ?identity.acr, professions = ?identity.professions, "Pro Santé Connect identity checked");
    let origin = Origin { device: device_of(&headers), address };
    let (cookie, _) = signed_in(&state, &account, &origin, AccountEvent::SignedInWithPsc).await?;
    Ok((jar.add(cookie), Redirect::to(next_path.as_deref().unwrap_or("/console"))))
}
