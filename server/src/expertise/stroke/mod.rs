//! Télé-AVC: the times that decide a stroke's treatment and the NIHSS scored
//! live, recorded by either side of a stroke request, and the figures per
//! month and site (door to decision, door to needle). The rules are
//! `regard_shared::stroke`'s and `regard_shared::nihss`'s.

pub mod store;

use axum::extract::{Path, State};
use regard_shared::expertise::{Specialty, Status};
use regard_shared::monitoring::questionnaire::{Answer, Answers};
use regard_shared::nihss::{ItemScore, Nihss, ScoreEntry, ITEMS};
use regard_shared::stroke::{usage, MilestoneEntry, StrokeMonth, StrokeTimeline};
use regard_shared::{Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{side_of, store as requests};
use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::{audit, AppState};

/// How far back the usage page reads.
const USAGE_MS: i64 = 366 * 86_400_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(record)).routes(routes!(rescore)).routes(routes!(usage_figures))
}

/// Records a time on a stroke request's timeline (either side; a later entry of
/// the same kind corrects the earlier one, which is kept).
#[utoipa::path(post, path = "/{id}/stroke", tag = "expertise", request_body = MilestoneEntry,
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = StrokeTimeline),
        (status = 403, body = ApiError),
        (status = 404, description = "No such stroke request", body = ApiError),
        (status = 409, description = "The request is closed", body = ApiError),
        (status = 422, description = "Out of order, out of the time window, or a decision without its reasons", body = ApiError),
    ))]
async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(entry): Json<MilestoneEntry>,
) -> AppResult<Json<StrokeTimeline>> {
    let request = open_stroke_request(&state, &user, &id).await?;
    let timeline = store::record(&state.db, &id, &user.id, |timeline, now| timeline.check(&entry, now)).await?;
    audit::record(&state.db, &user, "expertise", &id, "stroke_time").await?;
    super::tell(&state, [&request.requesting_org_id, &request.expert_org_id], &id);
    Ok(Json(timeline))
}

/// A stroke request either side of which `user` is on, not closed yet.
async fn open_stroke_request(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<requests::RequestRow> {
    let request = requests::find(&state.db, id).await?;
    side_of(user, &request)?;
    if request.specialty.0 != Specialty::Stroke {
        return Err(AppError::NotFound);
    }
    if request.status() == Status::Closed {
        return Err(AppError::Conflict("This request is closed."));
    }
    Ok(request)
}

/// Changes one NIHSS item's score (either side, while they examine the patient).
#[utoipa::path(post, path = "/{id}/nihss", tag = "expertise", request_body = ItemScore,
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = Nihss),
        (status = 403, body = ApiError),
        (status = 404, description = "No such stroke request", body = ApiError),
        (status = 409, description = "The request is closed", body = ApiError),
        (status = 422, description = "Unknown item, or a score above its maximum", body = ApiError),
    ))]
async fn rescore(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(change): Json<ItemScore>,
) -> AppResult<Json<Nihss>> {
    change.check()?;
    let request = open_stroke_request(&state, &user, &id).await?;
    store::score(&state.db, &id, &user.id, &change).await?;
    audit::record(&state.db, &user, "expertise", &id, "nihss").await?;
    super::tell(&state, [&request.requesting_org_id, &request.expert_org_id], &id);
    let answers: Answers = serde_json::from_str(&request.answers).map_err(anyhow::Error::from)?;
    let requester = requests::user_name(&state.db, &request.requester_id).await?;
    Ok(Json(nihss(&state, &request, &answers, requester).await?))
}

/// The request's NIHSS: the scores sent with it (by its sender, when sent), then every change.
pub async fn nihss(
    state: &AppState,
    request: &requests::RequestRow,
    answers: &Answers,
    requester: String,
) -> AppResult<Nihss> {
    let mut entries: Vec<ScoreEntry> = ITEMS
        .iter()
        .filter_map(|(item, _)| match answers.get(&format!("nihss_{item}")) {
            Some(Answer::Integer(score)) => Some(ScoreEntry {
                item: (*item).to_owned(),
                score: u8::try_from(*score).ok()?,
                by: requester.clone(),
                at: request.submitted_at,
            }),
            _ => None,
        })
        .collect();
    entries.extend(store::nihss_changes(&state.db, &request.id).await?);
    Ok(Nihss { entries })
}

/// Télé-AVC per month and other site over the last year: requests, decisions,
/// thrombolyses and thrombectomies, median delays.
#[utoipa::path(get, path = "/stroke-usage", tag = "expertise",
    responses((status = 200, body = Vec<StrokeMonth>), (status = 403, body = ApiError)))]
async fn usage_figures(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<StrokeMonth>>> {
    if !user.role.may(Action::RequestExpertise) && !user.role.may(Action::AnswerExpertise) {
        return Err(AppError::Forbidden);
    }
    let cases = store::cases(&state.db, &user.organisation_id, now_ms() - USAGE_MS).await?;
    Ok(Json(usage(&cases)))
}
