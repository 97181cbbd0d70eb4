//! Files of tele-expertise requests: JPEG and PNG photos, and DICOM files the
//! server renders to a PNG preview. The browser shows the photo or the preview
//! (zoom and pan); the original is a download for the expert site's
//! specialists and the person who sent it.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use regard_shared::consultation::clean_file_name;
use regard_shared::expertise::{FileKind, FileView, Side, DICOM_MAX_BYTES, FILES_MAX, IMAGE_MAX_BYTES};
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{dicom, file_store, side_of, store};
use crate::audit;
use crate::auth::CurrentUser;
use crate::blobs::sniff_image;
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(original))
        .merge(OpenApiRouter::new().routes(routes!(upload)).layer(DefaultBodyLimit::max(DICOM_MAX_BYTES)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Upload {
    /// The file's name on the sender's device.
    name: String,
}

fn refused(message: &'static str) -> AppError {
    Invalid { field: "file", message }.into()
}

/// What an uploaded file is, and what the browser will show of it.
struct Examined {
    kind: FileKind,
    content_type: &'static str,
    /// The PNG rendered from a DICOM file; photos are shown as they are.
    preview: Option<dicom::Preview>,
    width: u32,
    height: u32,
}

/// Judges a file by its content, never by its name.
fn examine(name: &str, body: &[u8]) -> AppResult<Examined> {
    if dicom::is_dicom(body) {
        let preview = dicom::preview(body).map_err(refused)?;
        let (width, height) = (preview.width, preview.height);
        let content_type = "application/dicom";
        return Ok(Examined { kind: FileKind::Dicom, content_type, preview: Some(preview), width, height });
    }
    if name.to_lowercase().ends_with(".dcm") {
        return Err(refused("This file is named .dcm but is not a DICOM file (no DICM header)."));
    }
    let content_type = sniff_image(body)
        .filter(|t| *t != "image/webp")
        .ok_or_else(|| refused("Send JPEG or PNG photos, or DICOM files."))?;
    if body.len() > IMAGE_MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(body))
        .with_guessed_format()
        .ok()
        .and_then(|reader| reader.into_dimensions().ok())
        .ok_or_else(|| refused("This image cannot be read."))?;
    Ok(Examined { kind: FileKind::Photo, content_type, preview: None, width, height })
}

/// Uploads a photo or a DICOM file, to be sent with a request or a message.
#[utoipa::path(post, path = "/files", tag = "expertise", params(Upload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = FileView),
        (status = 413, body = ApiError),
        (status = 422, description = "Not a JPEG, PNG or readable DICOM image", body = ApiError),
    ))]
async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(upload): Query<Upload>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<FileView>)> {
    if !user.role.may(Action::RequestExpertise) && !user.role.may(Action::AnswerExpertise) {
        return Err(AppError::Forbidden);
    }
    if file_store::pending_files(&state.db, &user.id).await? >= 2 * FILES_MAX as i64 {
        return Err(refused("Too many files wait to be sent: send your request first."));
    }
    let name = clean_file_name(&upload.name);
    // DICOM decoding is CPU work on untrusted input: off the async threads,
    // and a panic in the decoder becomes a refusal, not a crash.
    let examined = {
        let (name, body) = (name.clone(), body.clone());
        tokio::task::spawn_blocking(move || examine(&name, &body))
            .await
            .unwrap_or_else(|_| Err(refused("This DICOM file cannot be read.")))?
    };
    let Examined { kind, content_type, preview, width, height } = examined;
    let blob = state.blobs.put(&body).await?;
    let (preview_blob, description) = match preview {
        Some(preview) => (state.blobs.put(&preview.png).await?, preview.description),
        None => (blob.clone(), None),
    };
    let new = file_store::NewFile {
        uploaded_by: &user.id,
        name: &name,
        kind,
        content_type,
        blob: &blob,
        bytes: body.len() as i64,
        preview_blob: &preview_blob,
        width,
        height,
        description,
    };
    Ok((StatusCode::CREATED, Json(file_store::add_file(&state.db, new).await?)))
}

/// The file if `user` may see it: either side of its request, or its uploader
/// before it is sent. Also says whether they may download the original.
async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<(file_store::FileRow, bool)> {
    let file = file_store::file(&state.db, id).await?;
    let uploader = file.0 == user.id;
    let Some(request_id) = &file.1 else {
        return if uploader { Ok((file, true)) } else { Err(AppError::NotFound) };
    };
    let request = store::find(&state.db, request_id).await?;
    let side = side_of(user, &request)?;
    audit::record(&state.db, user, "expertise_file", id, "view").await?;
    Ok((file, uploader || side == Side::Expert))
}

/// What the browser shows: the photo, or the PNG rendered from a DICOM file.
#[utoipa::path(get, path = "/files/{id}/preview", tag = "expertise",
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, content_type = "image/png"), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn preview(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> AppResult<Response> {
    let ((_, _, _, content_type, blob, preview_blob), _) = visible(&state, &user, &id).await?;
    let shown_type = if blob == preview_blob { content_type } else { "image/png".to_owned() };
    let bytes = state.blobs.get(&preview_blob).await.map_err(AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, shown_type), (header::CACHE_CONTROL, "private, no-store".to_owned())], bytes)
        .into_response())
}

/// The file as it was sent (the DICOM itself), as a download.
#[utoipa::path(get, path = "/files/{id}/original", tag = "expertise",
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ApiError)))]
async fn original(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> AppResult<Response> {
    let ((_, _, name, content_type, blob, _), may_download) = visible(&state, &user, &id).await?;
    if !may_download {
        return Err(AppError::Forbidden);
    }
    audit::record(&state.db, &user, "expertise_file", &id, "download").await?;
    let bytes = state.blobs.get(&blob).await.map_err(AppError::Internal)?;
    Ok(attachment(&content_type, &name, bytes))
}
