//! Files of tele-expertise requests: JPEG and PNG photos, and DICOM files the
//! server renders to a PNG preview. The browser shows the photo or the preview
//! (zoom and pan); the original is a download for the expert site's
//! specialists and the person who sent it.

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use regard_shared::consultation::clean_file_name;
use regard_shared::expertise::{FileKind, FileView, Side, DICOM_MAX_BYTES, IMAGE_MAX_BYTES};
use regard_shared::imaging::{NOT_A_SERIES, SERIES_MAX_BYTES};
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{dicom, file_store, series, side_of, store};
use crate::audit;
use crate::auth::CurrentUser;
use crate::blobs::sniff_image;
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::images;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(preview))
        .routes(routes!(original))
        .routes(routes!(slice))
        .routes(routes!(upload_series))
        .merge(OpenApiRouter::new().routes(routes!(upload)).layer(DefaultBodyLimit::max(DICOM_MAX_BYTES)))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Upload {
    /// The file's name on the sender's device.
    name: String,
}

/// Files are sent by those who send requests or answer them.
fn may_send_files(user: &CurrentUser) -> AppResult<()> {
    if user.role.may(Action::RequestExpertise) || user.role.may(Action::AnswerExpertise) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn refused(message: &'static str) -> AppError {
    Invalid { field: "file", message }.into()
}

/// What an uploaded file is, and what the browser will show of it.
struct Examined {
    kind: FileKind,
    content_type: &'static str,
    /// What is stored as the original: a DICOM file as sent, a photo without
    /// its metadata.
    original: Vec<u8>,
    /// The PNG rendered from a DICOM file; photos are shown as they are.
    preview: Option<dicom::Preview>,
    width: u32,
    height: u32,
}

/// Judges a file by its content, never by its name.
async fn examine(name: &str, body: Bytes) -> AppResult<Examined> {
    if dicom::is_dicom(&body) {
        // Decoding is CPU and memory on untrusted input: a bounded number at
        // once, off the async threads, and a panic in the decoder becomes a
        // refusal, not a crash.
        let decoding = body.clone();
        let preview = dicom::DECODES
            .admit()?
            .run(move || dicom::preview(&decoding))
            .await
            .unwrap_or(Err("This DICOM file cannot be read."))
            .map_err(refused)?;
        let (width, height) = (preview.width, preview.height);
        let (kind, content_type, original) = (FileKind::Dicom, "application/dicom", body.to_vec());
        return Ok(Examined { kind, content_type, original, preview: Some(preview), width, height });
    }
    if name.to_lowercase().ends_with(".dcm") {
        return Err(refused("This file is named .dcm but is not a DICOM file (no DICM header)."));
    }
    if sniff_image(&body).filter(|t| *t != "image/webp").is_none() {
        return Err(refused("Send JPEG or PNG photos, or DICOM files."));
    }
    if body.len() > IMAGE_MAX_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let photo = images::photo("file", &body)?;
    let (kind, content_type, original) = (FileKind::Photo, photo.content_type, photo.bytes);
    Ok(Examined { kind, content_type, original, preview: None, width: photo.width, height: photo.height })
}

/// Uploads a photo or a DICOM file, to be sent with a request or a message.
#[utoipa::path(post, path = "/files", tag = "expertise", params(Upload),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = FileView),
        (status = 413, body = ApiError),
        (status = 422, description = "Not a JPEG, PNG or readable DICOM image", body = ApiError),
        (status = 503, description = "Too many DICOM files being read: try again in a few seconds", body = ApiError),
    ))]
async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(upload): Query<Upload>,
    body: Bytes,
) -> AppResult<(StatusCode, Json<FileView>)> {
    may_send_files(&user)?;
    let name = clean_file_name(&upload.name);
    let Examined { kind, content_type, original, preview, width, height } = examine(&name, body).await?;
    let (preview, description) = match preview {
        Some(preview) => (Some(preview.png), preview.description),
        None => (None, None),
    };
    let new = file_store::NewFile {
        uploaded_by: &user.id,
        name: &name,
        kind,
        content_type,
        original: &original,
        preview: preview.as_deref(),
        width,
        height,
        description,
        slices: &[],
    };
    Ok((StatusCode::CREATED, Json(file_store::add_file(&state.db, &state.blobs, new).await?)))
}

/// The boundary of a `multipart/mixed` body. Not `multipart/form-data`: a
/// cross-site page may send a form without asking (the guard refuses forms);
/// `multipart/mixed` needs the browser's permission first, like JSON.
fn mixed_boundary(headers: &HeaderMap) -> Option<String> {
    series::boundary(headers.get(header::CONTENT_TYPE)?.to_str().ok()?, "multipart/mixed")
}

/// Uploads a CT or MR series, to be sent with a request or a message: its
/// DICOM files, or a zip of them, as the parts of a `multipart/mixed` body.
/// The slices are put in order (positions, else instance numbers) and decoded once.
#[utoipa::path(post, path = "/series", tag = "expertise", params(Upload),
    request_body(content = Vec<u8>, content_type = "multipart/mixed"),
    responses(
        (status = 201, body = FileView),
        (status = 413, body = ApiError),
        (status = 422, description = "Not one series whose order is known, or not DICOM", body = ApiError),
        (status = 503, description = "Too many DICOM files being read: try again in a few seconds", body = ApiError),
    ))]
async fn upload_series(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(upload): Query<Upload>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, Json<FileView>)> {
    may_send_files(&user)?;
    let refused = |message| AppError::from(Invalid { field: "series", message });
    let boundary = mixed_boundary(&headers).ok_or_else(|| refused(NOT_A_SERIES))?;
    let limits = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(SERIES_MAX_BYTES as u64));
    let mut form = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let failed = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } => AppError::PayloadTooLarge,
        _ => refused(NOT_A_SERIES),
    };
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.map_err(failed)? {
        parts.push(field.bytes().await.map_err(failed)?.to_vec());
    }
    let series = dicom::DECODES
        .admit()?
        .run(move || series::files_of(parts).and_then(series::assemble))
        .await
        .unwrap_or(Err("A DICOM file of this series cannot be read."))
        .map_err(refused)?;
    Ok((StatusCode::CREATED, Json(store_series(&state, &user, &upload.name, series).await?)))
}

/// Stores a series in order as a file `user` sent, not yet part of a request.
pub(super) async fn store_series(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    series: series::Series,
) -> AppResult<FileView> {
    let name = clean_file_name(name);
    let new = file_store::NewFile {
        uploaded_by: &user.id,
        name: &name,
        kind: FileKind::Series,
        content_type: "application/zip",
        original: &series.original,
        preview: Some(&series.preview),
        width: series.columns,
        height: series.rows,
        description: series.description,
        slices: &series.slices,
    };
    file_store::add_file(&state.db, &state.blobs, new).await
}

/// The file if `user` may see it: either side of its request, or its uploader
/// before it is sent. Also says whether they may download the original.
async fn visible(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<(file_store::FileRow, bool)> {
    let (file, may_download) = visible_unaudited(state, user, id).await?;
    if file.request_id.is_some() {
        audit::record(&state.db, user, "expertise_file", id, "view").await?;
    }
    Ok((file, may_download))
}

async fn visible_unaudited(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<(file_store::FileRow, bool)> {
    let file = file_store::file(&state.db, id).await?;
    let uploader = file.uploaded_by == user.id;
    let Some(request_id) = &file.request_id else {
        return if uploader { Ok((file, true)) } else { Err(AppError::NotFound) };
    };
    let request = store::find(&state.db, request_id).await?;
    let side = side_of(user, &request)?;
    Ok((file, uploader || side == Side::Expert))
}

/// What the browser shows: the photo, or the PNG rendered from a DICOM file.
#[utoipa::path(get, path = "/files/{id}/preview", tag = "expertise",
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, content_type = "image/png"), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn preview(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> AppResult<Response> {
    let (file, _) = visible(&state, &user, &id).await?;
    let shown_type = if file.blob == file.preview_blob { file.content_type } else { "image/png".to_owned() };
    let bytes = state.blobs.get(&file.preview_blob).await.map_err(AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, shown_type), (header::CACHE_CONTROL, "private, no-store".to_owned())], bytes)
        .into_response())
}

/// One slice of a series: `width` × `height` little-endian 16-bit values, the
/// scanner's rescale applied (Hounsfield units for CT), for the viewer to window.
/// Not audited one by one: opening the viewer fetches the series' preview,
/// which records the view.
#[utoipa::path(get, path = "/files/{id}/slices/{number}", tag = "expertise",
    params(("id" = String, Path, description = "File id of a series"), ("number" = u32, Path, description = "Slice, from 0")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn slice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, number)): Path<(String, u32)>,
) -> AppResult<Response> {
    visible_unaudited(&state, &user, &id).await?;
    let blob = file_store::slice(&state.db, &id, number).await?;
    let bytes = state.blobs.get(&blob).await.map_err(AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream"), (header::CACHE_CONTROL, "private, no-store")], bytes)
        .into_response())
}

/// The file as it was sent (the DICOM itself), as a download.
#[utoipa::path(get, path = "/files/{id}/original", tag = "expertise",
    params(("id" = String, Path, description = "File id")),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ApiError)))]
async fn original(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> AppResult<Response> {
    let (file, may_download) = visible(&state, &user, &id).await?;
    if !may_download {
        return Err(AppError::Forbidden);
    }
    audit::record(&state.db, &user, "expertise_file", &id, "download").await?;
    let bytes = state.blobs.get(&file.blob).await.map_err(AppError::Internal)?;
    Ok(attachment(&file.content_type, &file.name, bytes))
}
