//! Tele-expertise: requests from a requesting site to an expert site. The
//! request forms are data (`server/forms/`), checked by the same questionnaire
//! rules as tele-monitoring; files are uploaded first (`files`), then sent with
//! the request or a message of its thread (`thread`).

pub mod dicom;
pub mod file_store;
pub mod files;
pub mod live_video;
pub mod on_call;
pub mod pacs;
pub mod phantom;
pub mod series;
pub mod store;
pub mod stroke;
mod thread;

use std::sync::LazyLock;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use regard_shared::expertise::{
    ExpertForm, ExpertSite, NewRequest, RequestDetail, RequestSummary, Side, Specialty, Waiting, FILES_MAX,
};
use regard_shared::live::News;
use regard_shared::on_call::Rung;
use regard_shared::page::Page;
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{in_paris, now_ms};
use crate::error::{AppError, AppResult, Json};
use crate::paging::PageQuery;
use crate::AppState;

const BUILT_IN: [&str; 3] = [
    include_str!("../../forms/dermatology.json"),
    include_str!("../../forms/stroke.json"),
    include_str!("../../forms/general.json"),
];

/// The forms shipped with Regard, one per specialty. A test checks they all parse.
static FORMS: LazyLock<Vec<ExpertForm>> =
    LazyLock::new(|| BUILT_IN.iter().filter_map(|json| ExpertForm::parse(json).ok()).collect());

pub fn forms() -> &'static [ExpertForm] {
    &FORMS
}

fn form(specialty: Specialty) -> AppResult<&'static ExpertForm> {
    forms().iter().find(|f| f.specialty == specialty).ok_or(AppError::NotFound)
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_forms))
        .routes(routes!(sites))
        .routes(routes!(sent, create))
        .routes(routes!(queue))
        .routes(routes!(waiting))
        .routes(routes!(detail))
        .routes(routes!(live_video::ask_camera))
        .merge(thread::routes())
        .merge(files::routes())
        .merge(on_call::routes())
        .merge(pacs::routes())
        .merge(stroke::routes())
}

/// Which side of `request` the user is on; anyone else is refused.
fn side_of(user: &CurrentUser, request: &store::RequestRow) -> AppResult<Side> {
    if user.organisation_id == request.expert_org_id && user.role.may(Action::AnswerExpertise) {
        Ok(Side::Expert)
    } else {
        user.authorize(Action::RequestExpertise, &request.requesting_org_id)?;
        Ok(Side::Requester)
    }
}

/// The request forms, one per specialty.
#[utoipa::path(get, path = "/forms", tag = "expertise", responses((status = 200, body = Vec<ExpertForm>)))]
async fn list_forms(user: CurrentUser) -> AppResult<Json<Vec<ExpertForm>>> {
    user.authorize(Action::RequestExpertise, &user.organisation_id)?;
    Ok(Json(forms().to_vec()))
}

/// The expert sites requests may be addressed to, with their specialties.
#[utoipa::path(get, path = "/sites", tag = "expertise", responses((status = 200, body = Vec<ExpertSite>)))]
async fn sites(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<ExpertSite>>> {
    user.authorize(Action::RequestExpertise, &user.organisation_id)?;
    Ok(Json(store::expert_sites(&state.db, &user.organisation_id).await?))
}

/// The requests the user's organisation sent, latest activity first, a page at a time.
#[utoipa::path(get, path = "", tag = "expertise", params(PageQuery),
    responses((status = 200, body = Page<RequestSummary>), (status = 422, body = ApiError)))]
async fn sent(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(page): Query<PageQuery>,
) -> AppResult<Json<Page<RequestSummary>>> {
    user.authorize(Action::RequestExpertise, &user.organisation_id)?;
    let (start, limit) = page.read()?;
    Ok(Json(store::sent(&state.db, &user.organisation_id, &start, limit).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct QueueFilter {
    /// Only this specialty's requests (dermatology, stroke, general).
    specialty: Option<String>,
}

/// The expert site's open requests: untaken first (urgent ones first), then by
/// waiting time, a page at a time.
#[utoipa::path(get, path = "/queue", tag = "expertise", params(PageQuery, QueueFilter),
    responses((status = 200, body = Page<RequestSummary>), (status = 422, body = ApiError)))]
async fn queue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(page): Query<PageQuery>,
    Query(filter): Query<QueueFilter>,
) -> AppResult<Json<Page<RequestSummary>>> {
    user.authorize(Action::AnswerExpertise, &user.organisation_id)?;
    let (start, limit) = page.read()?;
    let specialty = match filter.specialty.as_deref() {
        None | Some("") => None,
        Some(name) => {
            Some(Specialty::parse(name).ok_or(Invalid { field: "specialty", message: "Unknown specialty." })?)
        }
    };
    Ok(Json(store::queue(&state.db, &user.organisation_id, specialty, &start, limit).await?))
}

/// What waits for the user's organisation, for the console's badges.
#[utoipa::path(get, path = "/waiting", tag = "expertise", responses((status = 200, body = Waiting)))]
async fn waiting(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Waiting>> {
    let may_request = user.role.may(Action::RequestExpertise);
    let may_answer = user.role.may(Action::AnswerExpertise);
    if !may_request && !may_answer {
        return Err(AppError::Forbidden);
    }
    let (unread, queued) = store::waiting(&state.db, &user.organisation_id).await?;
    let count = |n: i64, shown: bool| if shown { u32::try_from(n).unwrap_or(u32::MAX) } else { 0 };
    Ok(Json(Waiting { unread: count(unread, may_request), queued: count(queued, may_answer) }))
}

/// Sends a request: the form's answers are checked as tele-monitoring checks a
/// questionnaire, and the form's minimum of images must be attached.
#[utoipa::path(post, path = "", tag = "expertise", request_body = NewRequest,
    responses(
        (status = 201, body = RequestSummary),
        (status = 403, body = ApiError),
        (status = 422, description = "A field or an answer is invalid", body = ApiError),
    ))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewRequest>,
) -> AppResult<(StatusCode, Json<RequestSummary>)> {
    user.authorize(Action::RequestExpertise, &user.organisation_id)?;
    let patient = request.patient.checked(&in_paris(now_ms()).format("%Y-%m-%d").to_string())?;
    let site = store::expert_sites(&state.db, &user.organisation_id)
        .await?
        .into_iter()
        .find(|s| s.id == request.expert_site_id)
        .ok_or(Invalid { field: "expert_site_id", message: "Choose an expert site." })?;
    if !site.specialties.contains(&request.specialty) {
        return Err(Invalid { field: "specialty", message: "This expert site does not answer this specialty." }.into());
    }
    let form = form(request.specialty)?;
    let answers = form.questionnaire.check(&request.answers).map_err(|e| AppError::InvalidAnswers(e.message()))?;
    // A file named twice counts once.
    let mut file_ids = request.file_ids.clone();
    file_ids.sort_unstable();
    file_ids.dedup();
    if file_ids.len() < form.images.min {
        return Err(Invalid { field: "files", message: "Attach the images this form asks for." }.into());
    }
    if file_ids.len() > FILES_MAX {
        return Err(Invalid { field: "files", message: "This request holds as many files as it can." }.into());
    }
    let form_json = serde_json::to_string(form).map_err(anyhow::Error::from)?;
    let new = store::NewRequest {
        requesting_org_id: &user.organisation_id,
        requester_id: &user.id,
        expert_org_id: &site.id,
        specialty: request.specialty,
        urgency: request.urgency,
        patient: &patient,
        form_json: &form_json,
        answers: &answers,
        file_ids: &file_ids,
        note: "",
    };
    let id = store::create(&state.db, new).await?;
    audit::record(&state.db, &user, "expertise", &id, "create").await?;
    tell(&state, [&user.organisation_id, &site.id], &id);
    tracing::info!(request = %id, by = %user.id, specialty = request.specialty.as_str(), "expertise request sent");
    Ok((StatusCode::CREATED, Json(store::summary_of(&state.db, &id).await?)))
}

/// Tells both sites' consoles that the request moved (sent, taken, asked, answered…).
pub(crate) fn tell(state: &AppState, sites: [&str; 2], id: &str) {
    for site in sites {
        state.live.publish(site, News::Expertise { id: id.to_owned() });
    }
}

/// One request with its form, answers, files and thread. Opening it on the
/// requesting side marks its questions and answers read.
#[utoipa::path(get, path = "/{id}", tag = "expertise",
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<RequestDetail>> {
    let request = store::find(&state.db, &id).await?;
    let side = side_of(&user, &request)?;
    audit::record(&state.db, &user, "expertise", &id, "view").await?;
    if side == Side::Requester {
        store::mark_read(&state.db, &id).await?;
    }
    let form: ExpertForm = serde_json::from_str(&request.form).map_err(anyhow::Error::from)?;
    let answers: regard_shared::monitoring::questionnaire::Answers =
        serde_json::from_str(&request.answers).map_err(anyhow::Error::from)?;
    let expert = match &request.expert_id {
        Some(expert_id) => Some(store::user_name(&state.db, expert_id).await?),
        None => None,
    };
    let requester = store::user_name(&state.db, &request.requester_id).await?;
    let stroke_request = request.specialty.0 == Specialty::Stroke;
    let (timeline, nihss) = if stroke_request {
        let nihss = stroke::nihss(&state, &request, &answers, requester.clone()).await?;
        (Some(stroke::store::timeline(&state.db, &id).await?), Some(nihss))
    } else {
        (None, None)
    };
    Ok(Json(RequestDetail {
        summary: store::summary_of(&state.db, &id).await?,
        patient: request.patient(),
        form,
        answers,
        requester,
        expert,
        side,
        taken_by_you: request.expert_id.as_deref() == Some(user.id.as_str()),
        files: file_store::files(&state.db, &id).await?,
        thread: store::thread(&state.db, &id).await?,
        consultation_id: request.consultation_id.clone(),
        rung: rung(&state, &request).await?,
        video_started_at: request.video_started_at,
        stroke: timeline,
        nihss,
    }))
}

/// Whom the urgent request rang, by name.
async fn rung(state: &AppState, request: &store::RequestRow) -> AppResult<Option<Rung>> {
    let (Some(on_call_id), Some(escalate_at)) = (&request.on_call_id, request.escalate_at) else { return Ok(None) };
    let fallback = match &request.fallback_id {
        Some(id) => Some(store::user_name(&state.db, id).await?),
        None => None,
    };
    Ok(Some(Rung { on_call: store::user_name(&state.db, on_call_id).await?, fallback, escalate_at }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_form_parses_and_each_specialty_has_one() {
        for json in BUILT_IN {
            ExpertForm::parse(json).unwrap();
        }
        for specialty in Specialty::ALL {
            assert_eq!(forms().iter().filter(|f| f.specialty == specialty).count(), 1, "{specialty:?}");
        }
        assert!(form(Specialty::Dermatology).unwrap().images.min >= 1, "dermatology needs a photo");
    }
}
