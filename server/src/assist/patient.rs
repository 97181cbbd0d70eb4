//! Video assist, the caller's side: what the link shows, accepting it, and the
//! photos the caller's phone sends into the case.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use regard_shared::assist::{
    AcceptRequest, Accepted, EventKind, LanguageChoice, LinkInfo, LinkState, LocationReport, SnapshotView,
    CLIP_MAX_BYTES, CONSENT_VERSION, PHOTO_MAX_BYTES,
};
use regard_shared::lang::Lang;
use regard_shared::validate::Invalid;
use regard_shared::ApiError;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::blobs::sniff_video;
use crate::error::{AppError, AppResult, Json};
use crate::images;
use crate::links::{self, Lookup, PatientDevice, Purpose};
use crate::organisations::store as organisations;
use crate::AppState;

/// Photos one case may hold.
const MAX_PHOTOS_PER_CASE: i64 = 200;
/// Clips one case may hold (with the size limit, 500 MiB at most).
const MAX_CLIPS_PER_CASE: i64 = 20;

/// The cookie in which the app keeps the language a person last chose
/// (app/src/language.rs).
const LANGUAGE_COOKIE: &str = "regard_lang";

/// How long an accepted link keeps the caller's phone connected to the case.
const DEVICE_TTL_MS: i64 = 4 * 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_link))
        .routes(routes!(accept))
        .routes(routes!(share_location))
        .routes(routes!(choose_language))
        .merge(super::silent::patient_routes())
        .merge(OpenApiRouter::new().routes(routes!(upload_photo)).layer(DefaultBodyLimit::max(PHOTO_MAX_BYTES)))
        .merge(OpenApiRouter::new().routes(routes!(upload_clip)).layer(DefaultBodyLimit::max(CLIP_MAX_BYTES)))
}

/// What the link shows: who is asking, and whether it can still be accepted.
/// Consumes nothing.
#[utoipa::path(get, path = "/assist/{token}", tag = "patient",
    params(("token" = String, Path, description = "The link's token")),
    responses((status = 200, body = LinkInfo), (status = 404, description = "Unknown link", body = ApiError)))]
async fn open_link(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
) -> AppResult<Json<LinkInfo>> {
    let device = links::device_token(&jar, Purpose::Assist);
    let (link_state, subject) = match links::open(&state.db, Purpose::Assist, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, first_open } => {
            if first_open {
                super::record(&state, &subject_id, EventKind::LinkOpened, "", None).await?;
            }
            (LinkState::Valid, subject_id)
        }
        Lookup::AcceptedHere { subject_id } => (LinkState::AcceptedHere, subject_id),
        // Say nothing about the case to a device that does not hold it.
        Lookup::InUse => {
            return Ok(Json(LinkInfo { state: LinkState::InUse, organisation: String::new(), assist_id: None }))
        }
        Lookup::Expired => {
            return Ok(Json(LinkInfo { state: LinkState::Expired, organisation: String::new(), assist_id: None }))
        }
    };
    let (organisation_id, _) = store::owner(&state.db, &subject).await?;
    let organisation = organisations::organisation(&state.db, &organisation_id).await?.name;
    let assist_id = (link_state == LinkState::AcceptedHere).then_some(subject);
    Ok(Json(LinkInfo { state: link_state, organisation, assist_id }))
}

/// The page a texted link opens, in the language the regulator chose for the
/// caller, else the one this phone last chose on Regard, else the phone's own.
#[utoipa::path(get, path = "/v/{token}", tag = "patient",
    params(("token" = String, Path, description = "The link's token")),
    responses((status = 200, description = "The caller's page (HTML)", content_type = "text/html")))]
pub async fn caller_page(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let chosen = match links::subject(&state.db, Purpose::Assist, &token).await {
        Ok(Some(assist_id)) => store::language(&state.db, &assist_id).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the caller's language could not be read");
            None
        }),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the caller's link could not be read");
            None
        }
    };
    let lang = chosen
        .or_else(|| jar.get(LANGUAGE_COOKIE).and_then(|cookie| Lang::from_tag(cookie.value())))
        .or_else(|| {
            let header = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
            Lang::from_accept_language(header)
        })
        .unwrap_or(Lang::Fr);
    state.web.caller_page(&token, lang)
}

/// The caller chose another language on their page: the case keeps it (the
/// regulator sees it, a new link is texted in it).
#[utoipa::path(put, path = "/assist/{token}/language", tag = "patient", request_body = LanguageChoice,
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 204, description = "Kept"),
        (status = 404, description = "Unknown link", body = ApiError),
        (status = 409, description = "Accepted on another phone", body = ApiError),
        (status = 410, description = "Expired or replaced", body = ApiError),
    ))]
async fn choose_language(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    Json(choice): Json<LanguageChoice>,
) -> AppResult<StatusCode> {
    let device = links::device_token(&jar, Purpose::Assist);
    let assist_id = match links::open(&state.db, Purpose::Assist, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, .. } | Lookup::AcceptedHere { subject_id } => subject_id,
        Lookup::InUse => return Err(AppError::LinkInUse),
        Lookup::Expired => return Err(AppError::LinkExpired),
    };
    if store::choose_language(&state.db, &assist_id, choice.language).await? {
        super::tell(&state, &assist_id, EventKind::LanguageChosen).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts the video: consumes the link, binds it to this phone, records consent.
#[utoipa::path(post, path = "/assist/{token}/accept", tag = "patient", request_body = AcceptRequest,
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 200, body = Accepted),
        (status = 409, description = "Accepted on another phone", body = ApiError),
        (status = 410, description = "Expired or replaced", body = ApiError),
    ))]
async fn accept(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    Json(request): Json<AcceptRequest>,
) -> AppResult<(CookieJar, Json<Accepted>)> {
    if request.consent_version != CONSENT_VERSION {
        return Err(
            Invalid { field: "consent_version", message: "The consent text has changed: reload the page." }.into()
        );
    }
    let language = request.language.chars().filter(char::is_ascii_alphabetic).take(8).collect::<String>();
    let device = links::device_token(&jar, Purpose::Assist);
    let (assist_id, cookie) = links::accept(
        &state.db,
        Purpose::Assist,
        &token,
        device.as_deref(),
        DEVICE_TTL_MS,
        state.settings.secure_cookies,
    )
    .await?;
    let jar = match cookie {
        Some(cookie) => {
            let detail = format!("{CONSENT_VERSION} ({language})");
            super::record(&state, &assist_id, EventKind::ConsentGiven, &detail, None).await?;
            jar.add(cookie)
        }
        None => jar,
    };
    Ok((jar, Json(Accepted { assist_id })))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct PhotoQuery {
    /// `snapshot` when the regulator asked for it during the video, `photo` when
    /// the caller chose to send one.
    source: String,
}

/// A still or a photo from the caller's phone, stored in the case.
#[utoipa::path(post, path = "/assist/photos", tag = "patient",
    params(PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = SnapshotView),
        (status = 401, description = "No accepted link on this device", body = ApiError),
        (status = 413, body = ApiError),
        (status = 422, description = "Not a JPEG, PNG or WebP image", body = ApiError),
    ))]
async fn upload_photo(
    State(state): State<AppState>,
    device: PatientDevice,
    Query(query): Query<PhotoQuery>,
    body: Bytes,
) -> AppResult<(axum::http::StatusCode, Json<SnapshotView>)> {
    device.subject(Purpose::Assist)?;
    let (source, kind) = match query.source.as_str() {
        "snapshot" => ("snapshot", EventKind::Snapshot),
        "photo" => ("photo", EventKind::Photo),
        _ => return Err(Invalid { field: "source", message: "Use snapshot or photo." }.into()),
    };
    let photo = images::photo("photo", &body)?;
    // Bounded so that one device cannot fill the disk (10 MiB each at most).
    let media = store::NewMedia {
        bytes: &photo.bytes,
        content_type: photo.content_type,
        source,
        kind,
        max: MAX_PHOTOS_PER_CASE,
    };
    let view = store::add_media(&state.db, &state.blobs, &device.subject_id, media).await?;
    super::tell(&state, &device.subject_id, kind).await?;
    Ok((axum::http::StatusCode::CREATED, Json(view)))
}

/// A short video clip recorded by the caller's page, stored in the case.
#[utoipa::path(post, path = "/assist/clips", tag = "patient",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "A WebM or MP4 clip, judged by its content"),
    responses(
        (status = 201, body = SnapshotView),
        (status = 401, description = "No accepted link on this device", body = ApiError),
        (status = 413, body = ApiError),
        (status = 422, description = "Not a WebM or MP4 video", body = ApiError),
    ))]
async fn upload_clip(
    State(state): State<AppState>,
    device: PatientDevice,
    body: Bytes,
) -> AppResult<(axum::http::StatusCode, Json<SnapshotView>)> {
    device.subject(Purpose::Assist)?;
    let content_type = sniff_video(&body)
        .ok_or(AppError::Validation(Invalid { field: "clip", message: "Send a WebM or MP4 video." }))?;
    let kind = EventKind::Clip;
    let media = store::NewMedia { bytes: &body, content_type, source: "clip", kind, max: MAX_CLIPS_PER_CASE };
    let view = store::add_media(&state.db, &state.blobs, &device.subject_id, media).await?;
    super::tell(&state, &device.subject_id, kind).await?;
    Ok((axum::http::StatusCode::CREATED, Json(view)))
}

/// The caller's position, sent when they tap "share my location".
#[utoipa::path(post, path = "/assist/location", tag = "patient", request_body = LocationReport,
    responses(
        (status = 204, description = "Recorded in the case"),
        (status = 401, description = "No accepted link on this device", body = ApiError),
        (status = 422, body = ApiError),
        (status = 429, description = "Too many positions sent lately", body = ApiError),
    ))]
async fn share_location(
    State(state): State<AppState>,
    device: PatientDevice,
    Json(report): Json<LocationReport>,
) -> AppResult<axum::http::StatusCode> {
    device.subject(Purpose::Assist)?;
    if !report.is_valid() {
        return Err(Invalid { field: "location", message: "This is not a position on Earth." }.into());
    }
    if !store::record_location(&state.db, &device.subject_id, &report.describe()).await? {
        return Err(AppError::RateLimited { retry_after_secs: 60 });
    }
    super::tell(&state, &device.subject_id, EventKind::Location).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
