//! Nursing homes: the residents a home keeps, and calls to the SAMU centre the
//! home is linked to. A call becomes an assist case of that centre; the tablet
//! is given the case's caller link directly instead of a text message, so it
//! joins the video exactly as a caller's phone does.

pub mod store;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use regard_shared::assist::EventKind;
use regard_shared::nursing_home::{CallPlaced, CallRequest, NewResident, Resident, ResidentDetail, SEARCH_MAX_CHARS};
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::assist::store as assists;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{in_paris, now_ms};
use crate::error::{AppError, AppResult, Json};
use crate::links::Purpose;
use crate::organisations::store as organisations;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(detail)).routes(routes!(call))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Search {
    /// Part of a name or a room number; empty lists everyone.
    #[serde(default)]
    q: String,
}

/// The home's residents, by name.
#[utoipa::path(get, path = "", tag = "nursing_home", params(Search),
    responses((status = 200, body = Vec<Resident>), (status = 403, body = ApiError)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(search): Query<Search>,
) -> AppResult<Json<Vec<Resident>>> {
    user.authorize(Action::CareForResidents, &user.organisation_id)?;
    if search.q.chars().count() > SEARCH_MAX_CHARS {
        return Err(Invalid { field: "q", message: "This search is too long." }.into());
    }
    Ok(Json(store::list(&state.db, &user.organisation_id, search.q.trim()).await?))
}

/// Adds a resident to the home's list.
#[utoipa::path(post, path = "", tag = "nursing_home", request_body = NewResident,
    responses((status = 201, body = Resident), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewResident>,
) -> AppResult<(StatusCode, Json<Resident>)> {
    user.authorize(Action::CareForResidents, &user.organisation_id)?;
    let resident = request.checked(&in_paris(now_ms()).format("%Y-%m-%d").to_string())?;
    let resident = store::create(&state.db, &user.organisation_id, &resident).await?;
    audit::record(&state.db, &user, "resident", &resident.id, "create").await?;
    Ok((StatusCode::CREATED, Json(resident)))
}

/// The home's resident, and their calls to the SAMU with what was decided.
async fn resident_of_home(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<Resident> {
    let (organisation_id, resident) = store::find(&state.db, id).await?;
    user.authorize(Action::CareForResidents, &organisation_id)?;
    Ok(resident)
}

/// One resident and their history of calls to the SAMU.
#[utoipa::path(get, path = "/{id}", tag = "nursing_home",
    params(("id" = String, Path, description = "Resident id")),
    responses((status = 200, body = ResidentDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ResidentDetail>> {
    let resident = resident_of_home(&state, &user, &id).await?;
    audit::record(&state.db, &user, "resident", &id, "view").await?;
    Ok(Json(ResidentDetail { calls: store::calls(&state.db, &id).await?, resident }))
}

/// Calls the SAMU centre about a resident: the call rings in the centre's
/// consoles, and the tablet opens the caller page to show the resident.
#[utoipa::path(post, path = "/{id}/calls", tag = "nursing_home", request_body = CallRequest,
    params(("id" = String, Path, description = "Resident id")),
    responses(
        (status = 201, body = CallPlaced),
        (status = 403, body = ApiError),
        (status = 409, description = "The home is linked to no SAMU centre", body = ApiError),
        (status = 422, body = ApiError),
    ))]
async fn call(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<CallRequest>,
) -> AppResult<(StatusCode, Json<CallPlaced>)> {
    let resident = resident_of_home(&state, &user, &id).await?;
    let reason = request.checked_reason()?;
    let centre = organisations::samu_centre_of(&state.db, &user.organisation_id)
        .await?
        .ok_or(AppError::Conflict("This nursing home is linked to no SAMU centre: ask your administrator."))?;
    let case = assists::NewCase {
        organisation_id: &centre,
        created_by: &user.id,
        phone: "",
        case_reference: None,
        note: None,
        resident: Some((&resident.id, &reason)),
        language: None,
    };
    let assists::Opened { id: assist_id, token } =
        assists::open(&state.db, case, (EventKind::Requested, &reason), state.settings.link_ttl_ms).await?;
    crate::assist::tell(&state, &assist_id, EventKind::Requested).await?;
    tracing::info!(assist = %assist_id, by = %user.id, "nursing home call placed");
    let caller_path = format!("/{}/{token}", Purpose::Assist.path());
    Ok((StatusCode::CREATED, Json(CallPlaced { assist_id, caller_path })))
}
