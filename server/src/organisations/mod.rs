//! An organisation's own data: its identity and its members.

pub mod store;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use regard_shared::api::{MemberView, NewMember, OrganisationView, UserView};
use regard_shared::{Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{recent_sign_in_failures, CurrentUser};
use crate::error::{AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(organisation)).routes(routes!(members, add_member))
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
    for member in store::members(&state.db, &id).await? {
        let failed_sign_ins = recent_sign_in_failures(&state.db, &member.email).await? as u32;
        members.push(MemberView { user: member, failed_sign_ins });
    }
    Ok(Json(members))
}

/// Create an account in the organisation. The organisation's admins only.
#[utoipa::path(post, path = "/{id}/members", tag = "organisations",
    params(("id" = String, Path, description = "Organisation id")),
    request_body = NewMember,
    responses(
        (status = 201, body = UserView),
        (status = 403, description = "Not an admin of this organisation", body = ApiError),
        (status = 409, description = "E-mail already in use", body = ApiError),
        (status = 422, description = "Invalid field, or a role this kind of organisation has not", body = ApiError),
    ))]
async fn add_member(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(member): Json<NewMember>,
) -> AppResult<(StatusCode, Json<UserView>)> {
    user.authorize(Action::ManageMembers, &id)?;
    let organisation = store::organisation(&state.db, &id).await?;
    let created = store::create_user(&state.db, &organisation, member).await?;
    tracing::info!(by = %user.id, user = %created.id, organisation = %id, "account created");
    Ok((StatusCode::CREATED, Json(created)))
}
