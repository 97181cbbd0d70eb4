//! Liveness and readiness for load balancers and the run command.

use axum::extract::State;
use axum::http::StatusCode;
use regard_shared::api::Health;

use crate::error::Json;
use crate::AppState;

/// 200 when the server and its database answer, 503 (same body) when the database does not.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "Database unavailable", body = Health),
    ))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database_ok = crate::db::ping(&state.db).await;
    let status = if database_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        Json(Health {
            status: if database_ok { "ok" } else { "degraded" }.to_owned(),
            database: if database_ok { "ok" } else { "unavailable" }.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            scheduler_runs: state.scheduler_runs.load(std::sync::atomic::Ordering::Relaxed),
        }),
    )
}
