//! The expert site's on-call rota per specialty, and what rings for a
//! specialist now: urgent requests ring the one on call at once and the
//! fallback once the set time has passed untaken (`regard_shared::on_call`).

pub mod store;

use axum::extract::State;
use regard_shared::on_call::{rings_from, OnCall, Ringing, RingingRequest, RotaUpdate};
use regard_shared::{Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::AppState;
use regard_shared::validate::Invalid;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rota, set_rota)).routes(routes!(ringing))
}

/// Specialists keep their own rota; an administrator of the site may too.
fn may_keep_rota(user: &CurrentUser) -> AppResult<()> {
    if user.role.may(Action::AnswerExpertise) || user.role.may(Action::ManageMembers) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The site's rotas and its specialists.
#[utoipa::path(get, path = "/on-call", tag = "expertise", responses((status = 200, body = OnCall), (status = 403, body = ApiError)))]
async fn rota(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<OnCall>> {
    may_keep_rota(&user)?;
    let site = &user.organisation_id;
    Ok(Json(OnCall {
        specialties: store::offered(&state.db, site).await?,
        rotas: store::rotas(&state.db, site).await?,
        specialists: store::specialists(&state.db, site).await?,
    }))
}

/// Sets who is on call for a specialty the site answers, and the fallback.
#[utoipa::path(put, path = "/on-call", tag = "expertise", request_body = RotaUpdate,
    responses((status = 200, body = OnCall), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn set_rota(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(update): Json<RotaUpdate>,
) -> AppResult<Json<OnCall>> {
    may_keep_rota(&user)?;
    update.check()?;
    let site = &user.organisation_id;
    if !store::offered(&state.db, site).await?.contains(&update.specialty) {
        return Err(Invalid { field: "specialty", message: "This site does not answer this specialty." }.into());
    }
    let specialists = store::specialists(&state.db, site).await?;
    let member = |id: &Option<String>| id.as_ref().is_none_or(|id| specialists.iter().any(|s| &s.id == id));
    if !member(&update.on_call_id) {
        return Err(Invalid { field: "on_call_id", message: "Choose a specialist of this site." }.into());
    }
    if !member(&update.fallback_id) {
        return Err(Invalid { field: "fallback_id", message: "Choose a specialist of this site." }.into());
    }
    let on_call =
        update.on_call_id.as_deref().map(|id| (id, update.fallback_id.as_deref(), update.escalate_after_minutes));
    store::set(&state.db, site, update.specialty, on_call).await?;
    tracing::info!(site, specialty = update.specialty.as_str(), by = %user.id, "on-call rota set");
    rota(State(state), user).await
}

/// The urgent requests ringing the signed-in specialist now, and when the next
/// one will (a fallback's turn): the console asks again then.
#[utoipa::path(get, path = "/ringing", tag = "expertise", responses((status = 200, body = Ringing), (status = 403, body = ApiError)))]
async fn ringing(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Ringing>> {
    user.authorize(Action::AnswerExpertise, &user.organisation_id)?;
    let now = now_ms();
    let mut ringing = Ringing::default();
    for row in store::ringing(&state.db, &user.organisation_id, &user.id).await? {
        let from = rings_from(
            &user.id,
            &row.on_call_id,
            row.fallback_id.as_deref(),
            row.summary.submitted_at,
            row.escalate_at,
        );
        match from {
            Some(from) if from <= now => {
                ringing.now.push(RingingRequest { as_fallback: row.on_call_id != user.id, request: row.summary })
            }
            Some(from) => {
                let wait = from - now;
                ringing.next_in_ms = Some(ringing.next_in_ms.map_or(wait, |next| next.min(wait)));
            }
            None => {}
        }
    }
    Ok(Json(ringing))
}
