//! Liveness and readiness for load balancers and the run command.

use axum::extract::State;
use axum::http::StatusCode;
use regard_shared::api::Health;

use crate::cluster::LinkState;
use crate::error::Json;
use crate::AppState;

/// 200 when the server, its database and its link to the other nodes (if
/// any) answer; 503 (same body) otherwise, so a load balancer sends its
/// traffic elsewhere.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "Database or the other nodes unavailable", body = Health),
    ))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database_ok = crate::db::ping(&state.db).await;
    let (nodes_ok, nodes) = match state.link.state() {
        LinkState::Alone => (true, "alone"),
        LinkState::Connected => (true, "ok"),
        LinkState::Unavailable => (false, "unavailable"),
    };
    let ok = database_ok && nodes_ok;
    (
        if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE },
        Json(Health {
            status: if ok { "ok" } else { "degraded" }.to_owned(),
            database: if database_ok { "ok" } else { "unavailable" }.to_owned(),
            nodes: nodes.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            scheduler_runs: state.scheduler_runs.load(std::sync::atomic::Ordering::Relaxed),
        }),
    )
}
