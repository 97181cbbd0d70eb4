//! An organisation's own data: its identity and its members.

pub mod store;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use regard_shared::account::{AccountEvent, AccountEventView, SecuritySettings};
use regard_shared::api::{MemberView, NationalIdChange, NewMember, OrganisationView, UserView};
use regard_shared::validate::Invalid;
use regard_shared::{national_id, Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, end_all_sessions, invite, recent_sign_in_failures, CurrentUser};
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::{audit, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organisation))
        .routes(routes!(members, add_member))
        .routes(routes!(invite_again))
        .routes(routes!(disable_member))
        .routes(routes!(enable_member))
        .routes(routes!(set_national_id))
        .routes(routes!(reset_second_factor))
        .routes(routes!(security, set_security))
        .routes(routes!(account_events))
}

/// The organisation's name and kind. Members only.
#[utoipa::path(get, path = "/{id}", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, body = OrganisationView),
        (status = 401, body = ApiError),
        (status = 403, description = "Not a member", body = ApiError),
    ))]
async fn organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<OrganisationView>> {
    user.authorize(Action::ViewOrganisation, &id)?;
    Ok(Json(store::organisation(&state.db, &id).await?))
}

/// The organisation's clinician accounts. Members only.
#[utoipa::path(get, path = "/{id}/members", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Vec<MemberView>),
        (status = 401, body = ApiError),
        (status = 403, description = "Not a member", body = ApiError),
    ))]
async fn members(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<MemberView>>> {
    user.authorize(Action::ListMembers, &id)?;
    let mut members = Vec::new();
    for store::Member { user, disabled, invited, national_id, second_factor } in store::members(&state.db, &id).await? {
        let failed_sign_ins = recent_sign_in_failures(&state.db, &user.email).await? as u32;
        members.push(MemberView { user, failed_sign_ins, disabled, invited, national_id, second_factor });
    }
    Ok(Json(members))
}

/// Invites a new member: their account is created without a password, and an
/// e-mail gives them a link to choose one (48 hours, once). The
/// organisation's admins only.
#[utoipa::path(post, path = "/{id}/members", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    request_body = NewMember,
    responses(
        (status = 201, description = "Created, invitation sent", body = UserView),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 409, description = "E-mail already in use", body = ApiError),
        (status = 422, description = "Invalid field, or a role this kind of organisation has not", body = ApiError),
        (status = 502, description = "Created, but the invitation did not leave: send it again", body = ApiError),
    ))]
async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(member): Json<NewMember>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    user.authorize(Action::ManageMembers, &id)?;
    let organisation = store::organisation(&state.db, &id).await?;
    let created = store::create_user(&state.db, &organisation, member, None).await?;
    tracing::info!(by = %user.id, user = %created.id, organisation = %id, "member invited");
    invite(&state, &created, &organisation.name).await?;
    // Once the mail has left: the log says what the member was sent.
    audit::account(&state.db, &user.id, &created.id, AccountEvent::Invited).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Sends a member who has not chosen a password yet a new invitation; the
/// earlier one works no more. The organisation's admins only.
#[utoipa::path(post, path = "/{id}/members/{user_id}/invite", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "The member")),
    responses(
        (status = 204, description = "Invitation sent"),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 404, description = "No such member", body = ApiError),
        (status = 409, description = "The member has chosen their password already", body = ApiError),
        (status = 502, description = "The e-mail did not leave", body = ApiError),
    ))]
async fn invite_again(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.authorize(Action::ManageMembers, &id)?;
    let member = store::member(&state.db, &id, &member).await?.ok_or(AppError::NotFound)?;
    if !member.invited {
        return Err(AppError::Conflict("This member has chosen their password already."));
    }
    let organisation = store::organisation(&state.db, &id).await?;
    invite(&state, &member.user, &organisation.name).await?;
    audit::account(&state.db, &user.id, &member.user.id, AccountEvent::Invited).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables a member: they sign in no more, and every session they have ends
/// at once with the calls and consoles it holds open. The organisation's
/// admins only, and not on themselves.
#[utoipa::path(post, path = "/{id}/members/{user_id}/disable", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "The member")),
    responses(
        (status = 204, description = "Disabled, every session ended"),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 404, description = "No such member", body = ApiError),
        (status = 409, description = "An administrator cannot disable themselves", body = ApiError),
    ))]
async fn disable_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.authorize(Action::ManageMembers, &id)?;
    if member == user.id {
        return Err(AppError::Conflict("You cannot disable your own account."));
    }
    // Disabled first: a sign-in racing this ends up refused, or its session
    // is among those ended next.
    if !store::set_disabled(&state.db, &id, &member, Some(now_ms())).await? {
        return Err(AppError::NotFound);
    }
    end_all_sessions(&state, &member).await?;
    audit::account(&state.db, &user.id, &member, AccountEvent::Disabled).await?;
    tracing::info!(by = %user.id, user = %member, "member disabled");
    Ok(StatusCode::NO_CONTENT)
}

/// Lets a disabled member sign in again. The organisation's admins only.
#[utoipa::path(post, path = "/{id}/members/{user_id}/enable", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "The member")),
    responses(
        (status = 204, description = "Enabled"),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 404, description = "No such member", body = ApiError),
    ))]
async fn enable_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.authorize(Action::ManageMembers, &id)?;
    if !store::set_disabled(&state.db, &id, &member, None).await? {
        return Err(AppError::NotFound);
    }
    audit::account(&state.db, &user.id, &member, AccountEvent::Enabled).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a member's RPPS or ADELI number (spaces allowed; an RPPS number's
/// key is checked), or clears it: it signs them in with Pro Santé Connect and
/// is printed on their prescriptions. The organisation's admins only.
#[utoipa::path(put, path = "/{id}/members/{user_id}/national-id", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "The member")),
    request_body = NationalIdChange,
    responses(
        (status = 200, description = "Recorded: the number as an IDNPS, or null when cleared", body = Option<String>),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 404, description = "No such member", body = ApiError),
        (status = 409, description = "The number is recorded on another account", body = ApiError),
        (status = 422, description = "Not an RPPS (11 digits) or ADELI (9 characters) number", body = ApiError),
    ))]
async fn set_national_id(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
    Json(change): Json<NationalIdChange>,
) -> AppResult<Json<Option<String>>> {
    user.authorize(Action::ManageMembers, &id)?;
    let typed = change.national_id.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let idnps = match typed {
        Some(typed) => Some(national_id::parse(typed).ok_or(Invalid {
            field: "national_id",
            message: "Type an RPPS number (11 digits) or an ADELI number (9 characters).",
        })?),
        None => None,
    };
    if !store::set_national_id(&state.db, &id, &member, idnps.as_deref()).await? {
        return Err(AppError::NotFound);
    }
    audit::account(&state.db, &user.id, &member, AccountEvent::NationalIdChanged).await?;
    Ok(Json(idnps))
}

/// Removes a member's second factor and recovery codes, for a lost phone:
/// they sign in with their password alone, or enrol again at their next
/// sign-in where the organisation requires a second factor. The
/// organisation's admins only.
#[utoipa::path(post, path = "/{id}/members/{user_id}/second-factor/reset", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id"), ("user_id" = String, Path, description = "The member")),
    responses(
        (status = 204, description = "Second factor removed"),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 404, description = "No such member", body = ApiError),
    ))]
async fn reset_second_factor(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    user.authorize(Action::ManageMembers, &id)?;
    if !auth::reset_second_factor(&state.db, &id, &member).await? {
        return Err(AppError::NotFound);
    }
    audit::account(&state.db, &user.id, &member, AccountEvent::SecondFactorReset).await?;
    tracing::info!(by = %user.id, user = %member, "second factor reset");
    Ok(StatusCode::NO_CONTENT)
}

/// What the organisation requires of its members' sign-ins. The
/// organisation's admins only.
#[utoipa::path(get, path = "/{id}/security", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, body = SecuritySettings),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
    ))]
async fn security(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<SecuritySettings>> {
    user.authorize(Action::ManageMembers, &id)?;
    Ok(Json(store::security(&state.db, &id).await?))
}

/// Requires (or no longer) a second factor of every member, and the eIDAS
/// substantial level of Pro Santé Connect sign-ins. Takes effect at each
/// member's next sign-in. The organisation's admins only.
#[utoipa::path(put, path = "/{id}/security", tag = "organisations", request_body = SecuritySettings,
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, body = SecuritySettings),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
    ))]
async fn set_security(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(settings): Json<SecuritySettings>,
) -> AppResult<Json<SecuritySettings>> {
    user.authorize(Action::ManageMembers, &id)?;
    store::set_security(&state.db, &id, settings).await?;
    tracing::info!(by = %user.id, organisation = %id, ?settings, "sign-in requirements changed");
    Ok(Json(settings))
}

/// The most account events the administrator's page shows.
const ACCOUNT_EVENTS_SHOWN: i64 = 200;

/// What happened to the members' accounts lately (sign-ins, failures, sessions
/// ended, members disabled), newest first. The organisation's admins only.
#[utoipa::path(get, path = "/{id}/account-events", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Vec<AccountEventView>),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
    ))]
async fn account_events(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<AccountEventView>>> {
    user.authorize(Action::ManageMembers, &id)?;
    Ok(Json(audit::account_events(&state.db, &id, ACCOUNT_EVENTS_SHOWN).await?))
}
