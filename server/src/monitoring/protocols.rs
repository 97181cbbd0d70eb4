//! Follow-up protocols: those shipped with Regard (compiled in from
//! `server/protocols/`) and those an organisation imports as a JSON file,
//! through the console or `regard import-protocol`. A new follow-up needs no code.

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::StatusCode;
use regard_shared::monitoring::wire::ProtocolSummary;
use regard_shared::monitoring::Protocol;
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

const BUILT_IN: [&str; 2] =
    [include_str!("../../protocols/covid-19.json"), include_str!("../../protocols/post-op-wound.json")];

/// The protocols shipped with Regard. A test checks them, so none is dropped here.
static PARSED: LazyLock<Vec<Protocol>> =
    LazyLock::new(|| BUILT_IN.iter().filter_map(|json| Protocol::parse(json).ok()).collect());

pub fn built_in() -> &'static [Protocol] {
    &PARSED
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, import))
}

fn summary(protocol: &Protocol, builtin: bool) -> ProtocolSummary {
    ProtocolSummary {
        id: protocol.id.clone(),
        version: protocol.version,
        title: protocol.title.clone(),
        days: protocol.schedule.days.clone(),
        time: protocol.schedule.time.clone(),
        builtin,
    }
}

/// The organisation's imported protocols, latest version of each.
async fn imported(db: &Db, organisation_id: &str) -> AppResult<Vec<Protocol>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT p.body FROM monitoring_protocols p
         WHERE p.organisation_id = $1 AND p.version =
               (SELECT MAX(q.version) FROM monitoring_protocols q WHERE q.organisation_id = p.organisation_id AND q.id = p.id)
         ORDER BY p.title",
    )
    .bind(organisation_id)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(|(body,)| Ok(serde_json::from_str(&body).map_err(anyhow::Error::from)?)).collect()
}

/// The protocol a clinician of the organisation may enrol patients in.
pub async fn find(db: &Db, organisation_id: &str, id: &str) -> AppResult<Option<Protocol>> {
    if let Some(protocol) = built_in().iter().find(|p| p.id == id).cloned() {
        return Ok(Some(protocol));
    }
    Ok(imported(db, organisation_id).await?.into_iter().find(|p| p.id == id))
}

/// Checks and stores a protocol for the organisation. A protocol id already
/// used must come with a higher version; follow-ups under way keep theirs.
pub async fn store(db: &Db, organisation_id: &str, user_id: Option<&str>, json: &str) -> AppResult<ProtocolSummary> {
    let protocol = Protocol::parse(json).map_err(|e| AppError::BadRequest(format!("{}: {}", e.path, e.message)))?;
    if built_in().iter().any(|p| p.id == protocol.id) {
        return Err(AppError::Conflict("This id belongs to a protocol shipped with Regard: choose another."));
    }
    let (latest,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(version) FROM monitoring_protocols WHERE organisation_id = $1 AND id = $2")
            .bind(organisation_id)
            .bind(&protocol.id)
            .fetch_one(db)
            .await?;
    if latest.is_some_and(|v| v >= i64::from(protocol.version)) {
        return Err(AppError::Conflict("This version is already imported: increase the protocol's version."));
    }
    sqlx::query(
        "INSERT INTO monitoring_protocols (organisation_id, id, version, title, body, imported_by, imported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(organisation_id)
    .bind(&protocol.id)
    .bind(i64::from(protocol.version))
    .bind(&protocol.title)
    .bind(serde_json::to_string(&protocol).map_err(anyhow::Error::from)?)
    .bind(user_id)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(summary(&protocol, false))
}

/// The protocols patients can be enrolled in: Regard's, then the organisation's.
#[utoipa::path(get, path = "", tag = "monitoring", responses((status = 200, body = Vec<ProtocolSummary>)))]
async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<ProtocolSummary>>> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    let mut list: Vec<ProtocolSummary> = built_in().iter().map(|p| summary(p, true)).collect();
    list.extend(imported(&state.db, &user.organisation_id).await?.iter().map(|p| summary(p, false)));
    Ok(Json(list))
}

/// Imports a protocol file (JSON: a FHIR R4 Questionnaire, a schedule, alert
/// rules). A mistake is answered with where it is, e.g. `questionnaire.item[3].linkId`.
#[utoipa::path(post, path = "", tag = "monitoring", request_body(content = String, content_type = "application/json"),
    responses(
        (status = 201, body = ProtocolSummary),
        (status = 400, description = "Not a valid protocol; the message says where", body = ApiError),
        (status = 409, description = "Id shipped with Regard, or version not above the last one", body = ApiError),
    ))]
async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    body: String,
) -> AppResult<(StatusCode, Json<ProtocolSummary>)> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    if body.trim().is_empty() {
        return Err(Invalid { field: "protocol", message: "Choose a protocol file." }.into());
    }
    Ok((StatusCode::CREATED, Json(store(&state.db, &user.organisation_id, Some(&user.id), &body).await?)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_in_protocols_are_valid() {
        for json in super::BUILT_IN {
            if let Err(e) = regard_shared::monitoring::Protocol::parse(json) {
                panic!("{}: {}", e.path, e.message);
            }
        }
        let ids: Vec<String> = super::built_in().iter().map(|p| p.id.clone()).collect();
        assert_eq!(ids, ["covid-19", "post-op-wound"]);
    }

    #[test]
    fn built_in_protocols_speak_every_patient_language() {
        for protocol in super::built_in() {
            assert_eq!(protocol.questionnaire.languages(), regard_shared::lang::Lang::ALL, "{}", protocol.id);
        }
    }
}
