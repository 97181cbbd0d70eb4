//! Documents exchanged during a consultation, both ways: a PDF, a photo of a
//! lab result, a scan. Their type is judged by their content, their size is
//! bounded, and each side is told at once when the other adds one.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use regard_shared::consultation::{clean_file_name, Author, DocumentView, DOCUMENT_MAX_BYTES};
use regard_shared::signal::{ConsultationNews, ServerMessage};
use regard_shared::validate::Invalid;
use regard_shared::ApiError;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{authorize, patient::consultation_of, store};
use crate::audit;
use crate::auth::CurrentUser;
use crate::blobs::sniff_document;
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::images;
use crate::links::PatientDevice;
use crate::signalling::Subject;
use crate::AppState;

/// The GP's document routes, under /api/v1/consultations.
pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(clinician_download))
        .merge(OpenApiRouter::new().routes(routes!(clinician_upload)).layer(DefaultBodyLimit::max(DOCUMENT_MAX_BYTES)))
}

/// The patient's document routes, under /api/v1/patient.
pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(patient_download))
        .merge(OpenApiRouter::new().routes(routes!(patient_upload)).layer(DefaultBodyLimit::max(DOCUMENT_MAX_BYTES)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Upload {
    /// The file's name on the sender's device.
    name: String,
}

async fn store_document(
    state: &AppState,
    id: &str,
    author: Author,
    author_id: Option<&str>,
    name: &str,
    body: &[u8],
) -> AppResult<DocumentView> {
    let content_type = sniff_document(body)
        .ok_or(AppError::Validation(Invalid { field: "document", message: "Send a PDF, JPEG or PNG file." }))?;
    let body = &images::clean_document(content_type, body)?;
    let name = clean_file_name(name);
    let new = store::NewDocument { author, author_id, name: &name, content_type, body };
    let document = store::add_document(&state.db, &state.blobs, id, new).await?;
    state.rooms.broadcast(
        &Subject::Consultation(id.to_owned()),
        ServerMessage::Consultation(ConsultationNews::Document(document.clone())),
    );
    Ok(document)
}

async fn download(state: &AppState, id: &str, document_id: &str) -> AppResult<Response> {
    let (blob, name, content_type) = store::document_blob(&state.db, id, document_id).await?;
    let bytes = state.blobs.get(&blob).await.map_err(AppError::Internal)?;
    Ok(attachment(&content_type, &name, bytes))
}

/// The GP adds a document to the consultation.
#[utoipa::path(post, path = "/{id}/documents", tag = "consultation", params(("id" = String, Path), Upload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentView), (status = 413, body = ApiError), (status = 422, description = "Not a PDF, JPEG or PNG", body = ApiError)))]
async fn clinician_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(upload): Query<Upload>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    authorize(&state, &user, &id).await?;
    let document = store_document(&state, &id, Author::Clinician, Some(&user.id), &upload.name, &body).await?;
    Ok((StatusCode::CREATED, Json(document)))
}

/// One document of the consultation, as a download.
#[utoipa::path(get, path = "/{id}/documents/{document_id}", tag = "consultation",
    params(("id" = String, Path), ("document_id" = String, Path)),
    responses((status = 200, description = "The file"), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn clinician_download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, document_id)): Path<(String, String)>,
) -> AppResult<Response> {
    authorize(&state, &user, &id).await?;
    audit::record(&state.db, &user, "consultation_document", &document_id, "view").await?;
    download(&state, &id, &document_id).await
}

/// The patient adds a document to their consultation.
#[utoipa::path(post, path = "/consultation/documents", tag = "patient", params(Upload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = DocumentView), (status = 413, body = ApiError), (status = 422, body = ApiError)))]
async fn patient_upload(
    State(state): State<AppState>,
    device: PatientDevice,
    Query(upload): Query<Upload>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    let id = consultation_of(&device)?;
    let document = store_document(&state, id, Author::Patient, None, &upload.name, &body).await?;
    Ok((StatusCode::CREATED, Json(document)))
}

/// One document of the patient's consultation, as a download.
#[utoipa::path(get, path = "/consultation/documents/{document_id}", tag = "patient",
    params(("document_id" = String, Path)),
    responses((status = 200, description = "The file"), (status = 404, body = ApiError)))]
async fn patient_download(
    State(state): State<AppState>,
    device: PatientDevice,
    Path(document_id): Path<String>,
) -> AppResult<Response> {
    let id = consultation_of(&device)?;
    download(&state, id, &document_id).await
}
