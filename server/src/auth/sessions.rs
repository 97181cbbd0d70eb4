//! "My sessions": the member sees where they are signed in and ends what they
//! do not recognise.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use regard_shared::account::{AccountEvent, SessionView};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::session::{self, CurrentUser};
use crate::audit;
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_sessions)).routes(routes!(end_session))
}

/// The signed-in member's sessions in force, most recently used first.
#[utoipa::path(get, path = "/sessions", tag = "auth",
    responses((status = 200, body = Vec<SessionView>), (status = 401, body = ApiError)))]
async fn my_sessions(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<SessionView>>> {
    Ok(Json(session::list(&state, &user).await?))
}

/// Ends one of the member's sessions (this one too: that signs out), and the
/// calls it holds open.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "The session, as listed")),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, body = ApiError),
        (status = 404, description = "No such session of this member", body = ApiError),
    ))]
async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    if !session::end_listed(&state, &user, &id).await? {
        return Err(AppError::NotFound);
    }
    audit::account(&state.db, &user.id, &user.id, AccountEvent::SessionEnded).await?;
    Ok(StatusCode::NO_CONTENT)
}
