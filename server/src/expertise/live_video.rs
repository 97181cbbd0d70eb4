//! Live video between the two sites of a request, at once: the emergency
//! department's device at the bedside (the requesting site, in the room's
//! patient seat: it shows the patient and offers the call) and the specialist
//! who took the request (the clinician seat). The media flows between the two
//! browsers as in any call; the server relays signalling and records when the
//! video first connected, a step of the stroke timeline.

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, State};
use axum::response::Response;
use regard_shared::expertise::{Side, Status};

use super::{side_of, store};
use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::signalling::{self, Joiner, Subject};
use crate::AppState;

/// Joins the request's video room: the specialist who took it, or a member of
/// the requesting site, while the request is taken and not closed.
pub async fn join(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: CurrentUser,
) -> AppResult<Response> {
    let request = store::find(&state.db, &id).await?;
    let side = side_of(&user, &request)?;
    if !matches!(request.status(), Status::Taken | Status::NeedsInformation | Status::Answered) {
        return Err(AppError::Conflict("Live video starts once a specialist took the request, until it is closed."));
    }
    let joiner = match side {
        Side::Expert if request.expert_id.as_deref() == Some(user.id.as_str()) => Joiner::Clinician(user),
        Side::Expert => return Err(AppError::Conflict("Another specialist took this request.")),
        Side::Requester => Joiner::Bedside(user),
    };
    signalling::upgrade(ws, state, Subject::Expertise(id), joiner)
}

/// The video connected: the first time is kept, and both sites' pages told.
pub async fn started(state: &AppState, id: &str) -> AppResult<()> {
    if let Some(request) = store::video_started(&state.db, id, now_ms()).await? {
        super::tell(state, [&request.requesting_org_id, &request.expert_org_id], id);
    }
    Ok(())
}
