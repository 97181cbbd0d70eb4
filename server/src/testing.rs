//! Time passing, for browser tests: links expire after 30 minutes and a
//! questionnaire falls due tomorrow, which no test can wait for. Mounted only by
//! `regard serve --testing`, which says so loudly at start; never in production.
//! The same browser tests thereby run against either database backend.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::{expertise, links, monitoring, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/testing/links/expire", post(expire_link))
        .route("/api/testing/followups/{id}/fall-due/{index}", post(fall_due))
        .route("/api/testing/expertise/{id}/escalate-in/{ms}", post(escalate_in))
}

#[derive(Deserialize)]
struct LinkToken {
    token: String,
}

/// The link expired a minute ago.
async fn expire_link(State(state): State<AppState>, Json(link): Json<LinkToken>) -> AppResult<StatusCode> {
    if links::expire(&state.db, &link.token).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

/// Questionnaire `index` (from 0) of the follow-up fell due a minute ago.
async fn fall_due(State(state): State<AppState>, Path((id, index)): Path<(String, i64)>) -> AppResult<StatusCode> {
    if monitoring::store::shift_schedule(&state.db, &id, index, now_ms() - 60_000).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

/// The fallback of urgent request `id` is rung in `ms` milliseconds; both
/// sites' consoles are told, as when the request moves.
async fn escalate_in(State(state): State<AppState>, Path((id, ms)): Path<(String, i64)>) -> AppResult<StatusCode> {
    let (requester, expert) =
        expertise::on_call::store::move_escalation(&state.db, &id, now_ms() + ms).await?.ok_or(AppError::NotFound)?;
    expertise::tell(&state, [&requester, &expert], &id);
    Ok(StatusCode::NO_CONTENT)
}
