//! Live video between the two sites of a request, at once: the emergency
//! department's device at the bedside (the requesting site, in the room's
//! patient seat: it shows the patient and offers the call) and the specialist
//! who took the request (the clinician seat). The media flows between the two
//! browsers as in any call; the server relays signalling and records when the
//! video first connected, a step of the stroke timeline.

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use regard_shared::expertise::Side;
use regard_shared::live::{CameraRequest, News};
use regard_shared::ApiError;

use super::{side_of, store};
use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::signalling::{self, Joiner, Subject};
use crate::AppState;

fn video_open(request: &store::RequestRow) -> AppResult<()> {
    if request.status().video_open() {
        Ok(())
    } else {
        Err(AppError::Conflict("Live video starts once a specialist took the request, until it is closed."))
    }
}

/// Joins the request's video room: the specialist who took it, or a member of
/// the requesting site, while the request is taken and not closed.
#[utoipa::path(get, path = "/ws/expertise/{id}", tag = "realtime",
    params(("id" = String, Path, description = "The tele-expertise request")),
    responses(
        (status = 101, description = "Upgraded: signalling messages (regard_shared::signal) both ways"),
        (status = 401, description = "Neither a session nor this case's phone", body = ApiError),
        (status = 403, description = "Not allowed to join this room", body = ApiError),
        (status = 404, description = "Unknown", body = ApiError),
    ))]
pub async fn join(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: CurrentUser,
) -> AppResult<Response> {
    let request = store::find(&state.db, &id).await?;
    let side = side_of(&user, &request)?;
    video_open(&request)?;
    let joiner = match side {
        Side::Expert if request.expert_id.as_deref() == Some(user.id.as_str()) => Joiner::Clinician(user),
        Side::Expert => return Err(AppError::Conflict("Another specialist took this request.")),
        Side::Requester => Joiner::Bedside(user),
    };
    signalling::upgrade(ws, state, Subject::Expertise(id), joiner).await
}

/// The specialist in the video asks the bedside to move the camera (show the
/// arms, come closer…): the requesting site's consoles are told at once, and
/// the one in the video shows it.
#[utoipa::path(post, path = "/{id}/camera", tag = "expertise",
    params(("id" = String, Path, description = "Request id")),
    request_body = CameraRequest,
    responses(
        (status = 204, description = "The bedside was told"),
        (status = 403, body = ApiError),
        (status = 409, description = "Not the specialist who took it, or the request is closed", body = ApiError),
    ))]
pub async fn ask_camera(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(ask): Json<CameraRequest>,
) -> AppResult<StatusCode> {
    let request = store::find(&state.db, &id).await?;
    if side_of(&user, &request)? != Side::Expert || request.expert_id.as_deref() != Some(user.id.as_str()) {
        return Err(AppError::Conflict("Only the specialist who took the request asks for the camera."));
    }
    video_open(&request)?;
    state.live.publish(&request.requesting_org_id, News::CameraAsk { id, ask: ask.ask });
    Ok(StatusCode::NO_CONTENT)
}

/// The video connected: the first time is kept, and both sites' pages told.
pub async fn started(state: &AppState, id: &str) -> AppResult<()> {
    if let Some(request) = store::video_started(&state.db, id, now_ms()).await? {
        super::tell(state, [&request.requesting_org_id, &request.expert_org_id], id);
    }
    Ok(())
}
