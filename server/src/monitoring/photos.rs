//! Photos a patient sends with a questionnaire (a wound, a rash). Sent before
//! the form, so the form stays a small JSON body; the answer names the photo.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use regard_shared::monitoring::wire::{PhotoView, PHOTO_MAX_BYTES};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::photos as store;
use super::{authorize, patient};
use crate::audit;
use crate::auth::CurrentUser;
use crate::blobs::{self, owner_of};
use crate::db::{begin_on, new_id, now_ms, Db};
use crate::error::{AppError, AppResult, Json};
use crate::images;
use crate::links::FollowUpDevice;
use crate::AppState;

/// Photos one follow-up may hold: a few per questionnaire, with retries.
const MAX_PHOTOS: i64 = 100;

pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(view))
}

pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload)).layer(DefaultBodyLimit::max(PHOTO_MAX_BYTES))
}

/// Refuses an answer naming a photo this follow-up does not hold.
pub async fn check_owned(db: &Db, followup_id: &str, photo_id: &str) -> AppResult<()> {
    if store::owned(db, followup_id, photo_id).await? {
        Ok(())
    } else {
        Err(AppError::InvalidAnswers(format!("{photo_id}: no such photo; send it again")))
    }
}

/// The patient sends a photo (JPEG, PNG or WebP, judged by content). The same
/// bytes sent twice (a retry from the offline queue) give the same photo.
#[utoipa::path(post, path = "/followup/photos", tag = "patient",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, body = PhotoView),
        (status = 409, description = "The follow-up has ended, or holds too many photos", body = ApiError),
        (status = 413, body = ApiError),
        (status = 422, description = "Not a JPEG, PNG or WebP image", body = ApiError),
    ))]
async fn upload(
    State(state): State<AppState>,
    device: FollowUpDevice,
    body: Bytes,
) -> AppResult<(StatusCode, Json<PhotoView>)> {
    let id = patient::followup_of(&device)?;
    let photo = images::photo("photo", &body)?;
    let mut tx = begin_on(&state.db, "followups", id).await?;
    let room = store::room(&mut tx, id, &blobs::name_of(&photo.bytes)).await?;
    if room.ended_at.is_some() {
        return Err(AppError::Conflict("This follow-up has ended."));
    }
    if let Some(existing) = room.same_bytes {
        return Ok((StatusCode::CREATED, Json(PhotoView { id: existing })));
    }
    if room.photos >= MAX_PHOTOS {
        return Err(AppError::Conflict("This follow-up holds too many photos."));
    }
    let view = PhotoView { id: new_id() };
    let blob = state.blobs.store_owned(&mut tx, &owner_of("followup_photos", &view.id), &photo.bytes).await?;
    let row = store::NewPhoto {
        id: &view.id,
        followup_id: id,
        blob: &blob,
        content_type: photo.content_type,
        bytes: photo.bytes.len() as i64,
        at: now_ms(),
    };
    store::insert(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A photo of the follow-up, shown in the answers table.
#[utoipa::path(get, path = "/{id}/photos/{photo_id}", tag = "monitoring",
    params(("id" = String, Path), ("photo_id" = String, Path)),
    responses((status = 200, description = "The image"), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, photo_id)): Path<(String, String)>,
) -> AppResult<Response> {
    authorize(&state, &user, &id).await?;
    let (blob, content_type) = store::file(&state.db, &id, &photo_id).await?.ok_or(AppError::NotFound)?;
    audit::record(&state.db, &user, "followup", &id, "view_photo").await?;
    let bytes = state.blobs.get(&blob).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], bytes).into_response())
}
