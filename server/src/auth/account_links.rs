//! Links e-mailed to a member and used once: an invitation to choose their
//! first password (48 hours), and a forgotten password's reset (30 minutes).
//! No administrator ever types a member's password, and whoever asks for a
//! reset hears the same answer whether the address has an account or not.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use regard_shared::account::{AccountEvent, AccountLinkInfo, AccountLinkPurpose, ChosenPassword, ResetRequest};
use regard_shared::api::UserView;
use regard_shared::{validate, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::{self, hash_token, mint_token};
use super::{password, store};
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::organisations::store as organisations;
use crate::{audit, AppState};

const HOUR_MS: i64 = 3_600_000;

fn lifetime_ms(purpose: AccountLinkPurpose) -> i64 {
    match purpose {
        AccountLinkPurpose::Invitation => 48 * HOUR_MS,
        AccountLinkPurpose::Reset => HOUR_MS / 2,
    }
}

/// Reset e-mails one account receives at most within a reset's lifetime: a
/// stranger cannot flood a member's mailbox.
const RESETS_PER_LIFETIME: i64 = 3;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(link_info, use_link)).routes(routes!(request_reset))
}

/// Invites `member` of `organisation` (named in the e-mail) to choose their
/// password; an earlier invitation of theirs no longer works.
pub async fn invite(state: &AppState, member: &UserView, organisation: &str) -> AppResult<()> {
    let token = new_link(state, &member.id, AccountLinkPurpose::Invitation).await?;
    let url = format!("{}/account/{token}", state.settings.public_url);
    let subject = format!("Invitation à rejoindre {organisation} sur Regard");
    let body = format!(
        "Bonjour {name},\n\n{organisation} vous invite à utiliser Regard, sa plateforme de télémédecine.\n\
         Choisissez votre mot de passe avec ce lien, valable 48 heures et une seule fois :\n\n{url}\n\n\
         Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n\
         ---\n\n{organisation} invites you to Regard, its telemedicine platform.\n\
         Choose your password with this link, valid once for 48 hours:\n\n{url}\n",
        name = member.display_name,
    );
    state.mailer.send(&member.email, &subject, body).await.map_err(|_| AppError::MailNotSent)
}

/// A fresh link for `user_id`, replacing their unused ones of that purpose.
async fn new_link(state: &AppState, user_id: &str, purpose: AccountLinkPurpose) -> AppResult<String> {
    let token = mint_token();
    let now = now_ms();
    store::replace_account_link(
        &state.db,
        &hash_token(&token),
        user_id,
        purpose.as_str(),
        now,
        now + lifetime_ms(purpose),
    )
    .await?;
    Ok(token)
}

/// Who a link is for, before they choose a password.
#[utoipa::path(get, path = "/account-links/{token}", tag = "auth",
    params(("token" = String, Path, description = "The link's token, from the e-mail")),
    responses(
        (status = 200, body = AccountLinkInfo),
        (status = 410, description = "Used, replaced or expired", body = ApiError),
    ))]
async fn link_info(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Json<AccountLinkInfo>> {
    let link = store::account_link(&state.db, &hash_token(&token), now_ms()).await?.ok_or(AppError::LinkExpired)?;
    let purpose =
        AccountLinkPurpose::parse(&link.purpose).ok_or_else(|| anyhow::anyhow!("link purpose {:?}", link.purpose))?;
    Ok(Json(AccountLinkInfo {
        purpose,
        email: link.email,
        display_name: link.display_name,
        organisation: link.organisation,
    }))
}

/// Chooses the member's password with the link, which then works no more;
/// every session they had ends (a reset is often for a stolen password).
#[utoipa::path(post, path = "/account-links/{token}", tag = "auth", request_body = ChosenPassword,
    params(("token" = String, Path, description = "The link's token, from the e-mail")),
    responses(
        (status = 204, description = "Password chosen: sign in with it"),
        (status = 410, description = "Used, replaced or expired", body = ApiError),
        (status = 422, description = "Too short or too long a password", body = ApiError),
    ))]
async fn use_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Json(chosen): Json<ChosenPassword>,
) -> AppResult<StatusCode> {
    validate::new_password(&chosen.password)?;
    let key = hash_token(&token);
    // Checked before the costly hash: made-up links cost the server nothing.
    if store::account_link(&state.db, &key, now_ms()).await?.is_none() {
        return Err(AppError::LinkExpired);
    }
    let hash = password::hash(chosen.password).await?;
    // Used in one statement: the same link sent twice at once sets one password.
    let (user_id, purpose) =
        store::use_account_link(&state.db, &key, &hash, now_ms()).await?.ok_or(AppError::LinkExpired)?;
    session::end_all(&state, &user_id).await?;
    let event = match AccountLinkPurpose::parse(&purpose) {
        Some(AccountLinkPurpose::Invitation) => AccountEvent::InvitationAccepted,
        _ => AccountEvent::PasswordReset,
    };
    audit::account(&state.db, &user_id, &user_id, event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Asks for a reset link by e-mail. The answer is the same whether or not an
/// account has this address, and comes before the e-mail leaves.
#[utoipa::path(post, path = "/password-reset", tag = "auth", request_body = ResetRequest,
    responses((status = 202, description = "If an account has this address, a link is on its way")))]
async fn request_reset(State(state): State<AppState>, Json(request): Json<ResetRequest>) -> AppResult<StatusCode> {
    let email = validate::normalise_email(&request.email);
    if email.len() > validate::EMAIL_MAX_BYTES {
        return Ok(StatusCode::ACCEPTED);
    }
    let Some(account) = organisations::credentials_by_email(&state.db, &email).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    let since = now_ms() - lifetime_ms(AccountLinkPurpose::Reset);
    if account.disabled()
        || store::links_since(&state.db, &account.id, AccountLinkPurpose::Reset.as_str(), since).await?
            >= RESETS_PER_LIFETIME
    {
        return Ok(StatusCode::ACCEPTED);
    }
    let token = new_link(&state, &account.id, AccountLinkPurpose::Reset).await?;
    audit::account(&state.db, &account.id, &account.id, AccountEvent::ResetRequested).await?;
    let url = format!("{}/account/{token}", state.settings.public_url);
    let body = format!(
        "Bonjour,\n\nQuelqu'un (vous, sans doute) a demandé à changer le mot de passe de votre compte Regard.\n\
         Choisissez-en un nouveau avec ce lien, valable 30 minutes et une seule fois :\n\n{url}\n\n\
         Si ce n'était pas vous, ignorez ce message : votre mot de passe ne change pas.\n\n\
         ---\n\nSomeone (you, probably) asked to change your Regard password.\n\
         Choose a new one with this link, valid once for 30 minutes:\n\n{url}\n\n\
         If it was not you, ignore this message: your password stays as it is.\n"
    );
    // Sent after the answer: how long the mail server takes would otherwise
    // tell who has an account.
    let mailer = state.mailer.clone();
    tokio::spawn(async move {
        let _ = mailer.send(&email, "Votre mot de passe Regard / Your Regard password", body).await;
    });
    Ok(StatusCode::ACCEPTED)
}
