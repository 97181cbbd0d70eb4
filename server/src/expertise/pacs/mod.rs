//! The requesting site's PACS, through DICOMweb: find the patient's study,
//! list its series, and fetch one into Regard as if its files had been sent,
//! so the expert site reads it in the series viewer. Searching a PACS is
//! looking at patient data: each search and fetch is in the access log.

pub mod client;
pub mod store;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use regard_shared::expertise::FileView;
use regard_shared::pacs::{is_uid, PacsImport, PacsSeries, PacsStudy, PacsView, SEARCH_MAX_CHARS};
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{dicom, files, series};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{in_paris, now_ms};
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pacs))
        .routes(routes!(studies))
        .routes(routes!(study_series))
        .routes(routes!(import))
}

/// The PACS of the user's organisation, for a user who may send requests.
async fn connection(state: &AppState, user: &CurrentUser) -> AppResult<store::Connection> {
    if !user.role.may(Action::RequestExpertise) {
        return Err(AppError::Forbidden);
    }
    store::connection(&state.db, &user.organisation_id).await?.ok_or(AppError::NotFound)
}

fn unavailable(error: client::PacsError) -> AppError {
    tracing::warn!(%error, "PACS");
    AppError::Pacs(error.message())
}

fn uid(value: &str, field: &'static str) -> AppResult<()> {
    if is_uid(value) {
        Ok(())
    } else {
        Err(Invalid { field, message: "Not a DICOM UID." }.into())
    }
}

/// The PACS the organisation's series can be fetched from; 404 when none is connected.
#[utoipa::path(get, path = "/pacs", tag = "expertise",
    responses((status = 200, body = PacsView), (status = 404, description = "No PACS connected", body = ApiError)))]
async fn pacs(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<PacsView>> {
    let pacs = connection(&state, &user).await?;
    let host = url::Url::parse(&pacs.base_url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
    Ok(Json(PacsView { host }))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Search {
    /// A patient id, an accession number or the beginning of a name; empty:
    /// the studies since yesterday.
    #[serde(default)]
    q: String,
}

/// Studies in the PACS (QIDO-RS), newest first.
#[utoipa::path(get, path = "/pacs/studies", tag = "expertise", params(Search),
    responses(
        (status = 200, body = Vec<PacsStudy>),
        (status = 404, description = "No PACS connected", body = ApiError),
        (status = 502, description = "The PACS did not answer", body = ApiError),
    ))]
async fn studies(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(search): Query<Search>,
) -> AppResult<Json<Vec<PacsStudy>>> {
    let pacs = connection(&state, &user).await?;
    let text = search.q.trim();
    if text.chars().count() > SEARCH_MAX_CHARS {
        return Err(Invalid { field: "q", message: "Type at most 64 characters." }.into());
    }
    let since = (in_paris(now_ms()) - chrono::Duration::days(1)).format("%Y%m%d").to_string();
    let found = client::studies(&pacs, text, &since).await.map_err(unavailable)?;
    audit::record(&state.db, &user, "pacs_search", text, "search").await?;
    Ok(Json(found))
}

/// The series of a study in the PACS (QIDO-RS).
#[utoipa::path(get, path = "/pacs/studies/{study}/series", tag = "expertise",
    params(("study" = String, Path, description = "Study instance UID")),
    responses(
        (status = 200, body = Vec<PacsSeries>),
        (status = 404, description = "No PACS connected", body = ApiError),
        (status = 422, description = "Not a DICOM UID", body = ApiError),
        (status = 502, description = "The PACS did not answer", body = ApiError),
    ))]
async fn study_series(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(study): Path<String>,
) -> AppResult<Json<Vec<PacsSeries>>> {
    let pacs = connection(&state, &user).await?;
    uid(&study, "study")?;
    let found = client::series(&pacs, &study).await.map_err(unavailable)?;
    audit::record(&state.db, &user, "pacs_study", &study, "view").await?;
    Ok(Json(found))
}

/// Fetches a series from the PACS (WADO-RS) and stores it as a series the
/// user uploaded, to be sent with a request or a message.
#[utoipa::path(post, path = "/pacs/import", tag = "expertise", request_body = PacsImport,
    responses(
        (status = 201, body = FileView),
        (status = 404, description = "No PACS connected", body = ApiError),
        (status = 422, description = "Not a DICOM UID, or not one series whose order is known", body = ApiError),
        (status = 502, description = "The PACS did not answer", body = ApiError),
        (status = 503, description = "Too many DICOM files being read: try again in a few seconds", body = ApiError),
    ))]
async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(wanted): Json<PacsImport>,
) -> AppResult<(StatusCode, Json<FileView>)> {
    let pacs = connection(&state, &user).await?;
    uid(&wanted.study, "study")?;
    uid(&wanted.series, "series")?;
    // Admitted before the fetch: the files are held in memory until decoded.
    let admitted = dicom::DECODES.admit()?;
    let fetched = client::fetch(&pacs, &wanted.study, &wanted.series).await.map_err(unavailable)?;
    audit::record(&state.db, &user, "pacs_series", &wanted.series, "import").await?;
    let assembled = admitted
        .run(move || series::assemble(fetched))
        .await
        .unwrap_or(Err("A DICOM file of this series cannot be read."))
        .map_err(|message| Invalid { field: "series", message })?;
    let name = assembled.study.clone().unwrap_or_else(|| "PACS".to_owned());
    let view = files::store_series(&state, &user, &name, assembled).await?;
    Ok((StatusCode::CREATED, Json(view)))
}
