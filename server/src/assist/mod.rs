//! Video assist, the regulator's side: create a case and send the link, follow
//! it, resend, see the photos, record the decision.

pub mod patient;
mod silent;
pub mod store;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use regard_shared::assist::{
    AssistDetail, AssistSummary, DecisionRequest, EventKind, NewAssist, CASE_REFERENCE_MAX_CHARS, NOTE_MAX_CHARS,
};
use regard_shared::lang::Lang;
use regard_shared::live::News;
use regard_shared::nursing_home::IncomingCall;
use regard_shared::page::Page;
use regard_shared::usage::MonthUsage;
use regard_shared::validate::{optional_text, Invalid};
use regard_shared::{phone, Action, ApiError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, Json};
use crate::links::{self, Purpose};
use crate::organisations::store as organisations;
use crate::paging::PageQuery;
use crate::sms::{About, OutgoingSms};
use crate::texts;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(detail))
        .routes(routes!(resend))
        .routes(routes!(decide))
        .routes(routes!(photo))
        .routes(routes!(usage))
        .routes(routes!(ringing))
        .routes(routes!(take))
        .merge(silent::routes())
}

/// Adds to the case's timeline, then tells the centre's consoles.
pub async fn record(state: &AppState, id: &str, kind: EventKind, detail: &str, actor: Option<&str>) -> AppResult<()> {
    store::record(&state.db, id, kind, detail, actor).await?;
    tell(state, id, kind).await
}

/// Tells the centre's consoles that the case's timeline grew by `event`.
pub async fn tell(state: &AppState, id: &str, event: EventKind) -> AppResult<()> {
    let (organisation_id, _) = store::owner(&state.db, id).await?;
    state.live.publish(&organisation_id, News::Assist { id: id.to_owned(), event });
    Ok(())
}

/// Texts the case's link to the caller, in their language (French when the
/// regulator chose none); the message and its timeline event are recorded
/// together once the gateway has answered.
async fn text_link(state: &AppState, user: &CurrentUser, assist_id: &str, to: &str, token: &str) -> AppResult<()> {
    let organisation = organisations::organisation(&state.db, &user.organisation_id).await?;
    let url = format!("{}/{}/{}", state.settings.public_url, Purpose::Assist.path(), token);
    let minutes = (state.settings.link_ttl_ms / 60_000).to_string();
    let lang = store::language(&state.db, assist_id).await?.unwrap_or(Lang::Fr);
    let values = [("organisation", organisation.name.as_str()), ("url", url.as_str()), ("minutes", minutes.as_str())];
    let body = texts::text(lang, "sms", "assist", &values);
    let message = OutgoingSms {
        organisation_id: &user.organisation_id,
        about: About::Assist,
        assist_id: Some(assist_id),
        followup_id: None,
        to,
        body,
    };
    let delivery = state.sms.hand_over(message, None).await;
    let event = store::record_sms(&state.db, delivery, &user.id).await?;
    state.live.publish(&user.organisation_id, News::Assist { id: assist_id.to_owned(), event });
    Ok(())
}

/// Opens a case and texts its link: two commits, the gateway called between
/// them (never inside a transaction). Used by the console and the data generator.
pub async fn open(state: &AppState, user: &CurrentUser, case: store::NewCase<'_>) -> AppResult<String> {
    let first = (EventKind::Created, case.case_reference.unwrap_or_default());
    let phone = case.phone;
    let opened = store::open(&state.db, case, first, state.settings.link_ttl_ms).await?;
    state.live.publish(&user.organisation_id, News::Assist { id: opened.id.clone(), event: EventKind::Created });
    text_link(state, user, &opened.id, phone, &opened.token).await?;
    Ok(opened.id)
}

/// Start a video assist: creates the case and texts the link to the caller.
#[utoipa::path(post, path = "", tag = "assist", request_body = NewAssist,
    responses(
        (status = 201, body = AssistDetail),
        (status = 403, description = "Not a regulator", body = ApiError),
        (status = 422, description = "Invalid phone number or text", body = ApiError),
    ))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewAssist>,
) -> AppResult<(StatusCode, Json<AssistDetail>)> {
    user.authorize(Action::ConductAssist, &user.organisation_id)?;
    let phone = phone::normalise(&request.phone).map_err(|e| Invalid { field: "phone", message: e.message() })?;
    let case_reference = optional_text("case_reference", request.case_reference.as_deref(), CASE_REFERENCE_MAX_CHARS)?;
    let note = optional_text("note", request.note.as_deref(), NOTE_MAX_CHARS)?;
    let case = store::NewCase {
        organisation_id: &user.organisation_id,
        created_by: &user.id,
        phone: &phone,
        case_reference: case_reference.as_deref(),
        note: note.as_deref(),
        resident: None,
        language: request.language,
    };
    let id = open(&state, &user, case).await?;
    tracing::info!(assist = %id, by = %user.id, "video assist created");
    Ok((StatusCode::CREATED, Json(store::detail(&state.db, &id).await?)))
}

/// The organisation's video assists, newest first, a page at a time.
#[utoipa::path(get, path = "", tag = "assist", params(PageQuery),
    responses((status = 200, body = Page<AssistSummary>), (status = 422, body = ApiError)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<AssistSummary>>> {
    user.authorize(Action::ConductAssist, &user.organisation_id)?;
    let (start, limit) = query.read()?;
    Ok(Json(store::page(&state.db, &user.organisation_id, &start, limit).await?))
}

/// Nursing homes' calls no regulator has taken yet: the console rings while there is one.
#[utoipa::path(get, path = "/ringing", tag = "assist", responses((status = 200, body = Vec<IncomingCall>)))]
async fn ringing(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<IncomingCall>>> {
    user.authorize(Action::ConductAssist, &user.organisation_id)?;
    Ok(Json(store::ringing(&state.db, &user.organisation_id).await?))
}

/// A regulator takes a nursing home's call: it stops ringing for the others.
#[utoipa::path(post, path = "/{id}/take", tag = "assist",
    params(("id" = String, Path, description = "Assist id")),
    responses(
        (status = 200, body = AssistDetail),
        (status = 403, body = ApiError),
        (status = 409, description = "Another regulator took it", body = ApiError),
    ))]
async fn take(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AssistDetail>> {
    authorize_case(&state, &user, &id).await?;
    match store::take(&state.db, &id, &user.id).await? {
        store::Taking::Now => record(&state, &id, EventKind::Taken, &user.display_name, Some(&user.id)).await?,
        store::Taking::AlreadyYours => {}
        store::Taking::ByAnother => return Err(AppError::Conflict("Another regulator has taken this call.")),
        store::Taking::NotACall => return Err(AppError::Conflict("This case is not a nursing home's call.")),
    }
    audit::record(&state.db, &user, "assist", &id, "view").await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Checks that `user` may act on the case; returns the caller's number (E.164).
async fn authorize_case(state: &AppState, user: &CurrentUser, assist_id: &str) -> AppResult<String> {
    let (organisation_id, phone) = store::owner(&state.db, assist_id).await?;
    user.authorize(Action::ConductAssist, &organisation_id)?;
    Ok(phone)
}

/// One case: its timeline, photos and messages.
#[utoipa::path(get, path = "/{id}", tag = "assist",
    params(("id" = String, Path, description = "Assist id")),
    responses((status = 200, body = AssistDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AssistDetail>> {
    authorize_case(&state, &user, &id).await?;
    audit::record(&state.db, &user, "assist", &id, "view").await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Texts a fresh link; the previous link stops working at once.
#[utoipa::path(post, path = "/{id}/resend", tag = "assist",
    params(("id" = String, Path, description = "Assist id")),
    responses((status = 200, body = AssistDetail), (status = 403, body = ApiError)))]
async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<AssistDetail>> {
    let phone = authorize_case(&state, &user, &id).await?;
    if phone.is_empty() {
        return Err(AppError::Conflict("This call comes from a nursing home's tablet: it has no number to text."));
    }
    record(&state, &id, EventKind::LinkResent, "", Some(&user.id)).await?;
    let token = links::mint(&state.db, Purpose::Assist, &id, state.settings.link_ttl_ms).await?;
    text_link(&state, &user, &id, &phone, &token).await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Records the regulator's decision (it may be revised; each one stays in the timeline).
#[utoipa::path(post, path = "/{id}/decision", tag = "assist", request_body = DecisionRequest,
    params(("id" = String, Path, description = "Assist id")),
    responses((status = 200, body = AssistDetail), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<DecisionRequest>,
) -> AppResult<Json<AssistDetail>> {
    authorize_case(&state, &user, &id).await?;
    let note = optional_text("note", Some(&request.note), NOTE_MAX_CHARS)?.unwrap_or_default();
    store::decide(&state.db, &id, request.outcome, &note).await?;
    let detail =
        format!("{}{}{}", crate::db::enum_name(&request.outcome), if note.is_empty() { "" } else { ": " }, note);
    record(&state, &id, EventKind::Decision, &detail, Some(&user.id)).await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// One photo of the case, as stored.
#[utoipa::path(get, path = "/{id}/photos/{photo_id}", tag = "assist",
    params(("id" = String, Path, description = "Assist id"), ("photo_id" = String, Path, description = "Photo id")),
    responses((status = 200, description = "The image", content_type = "image/jpeg"), (status = 403, body = ApiError)))]
async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, photo_id)): Path<(String, String)>,
) -> AppResult<Response> {
    authorize_case(&state, &user, &id).await?;
    let (blob, content_type) = store::photo_blob(&state.db, &id, &photo_id).await?;
    audit::record(&state.db, &user, "assist_photo", &photo_id, "view").await?;
    let bytes = state.blobs.get(&blob).await.map_err(AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, no-store".to_owned())], bytes)
        .into_response())
}

/// Assists per month over the last year: how many, how many reached video, what was decided.
#[utoipa::path(get, path = "/usage", tag = "assist", responses((status = 200, body = Vec<MonthUsage>)))]
async fn usage(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<MonthUsage>>> {
    user.authorize(Action::ConductAssist, &user.organisation_id)?;
    let since = crate::db::now_ms() - 366 * 24 * 3600 * 1000;
    Ok(Json(store::usage(&state.db, &user.organisation_id, since).await?))
}
