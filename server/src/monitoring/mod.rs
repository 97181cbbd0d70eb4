//! Tele-monitoring, the clinician's side: enrol a patient in a follow-up
//! protocol (the link leaves at once), the dashboard, one patient's answers and
//! alerts, acknowledging alerts, stopping, exporting as FHIR.

pub mod fhir;
pub mod patient;
pub mod photos;
pub mod protocols;
pub mod purge;
pub mod scheduler;
pub mod store;
pub mod teleconsultation;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use regard_shared::lang::Lang;
use regard_shared::live::News;
use regard_shared::monitoring::wire::{
    AcknowledgeRequest, Activity, AlertView, DeletionReceipt, EndReason, FollowUpDetail, FollowUpSummary, NewFollowUp,
    NOTE_MAX_CHARS,
};
use regard_shared::page::Page;
use regard_shared::validate::{optional_text, Invalid};
use regard_shared::{phone, Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{in_paris, now_ms};
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::links::{self, Purpose};
use crate::paging::PageQuery;
use crate::patients::{self, Contact, Record};
use crate::{texts, AppState};
use store::FollowUp;

/// Every follow-up runs on the clock of the French patients Regard serves.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Paris;
const DAY_MS: i64 = 24 * 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(enrol, list))
        .routes(routes!(open_alerts))
        .routes(routes!(acknowledge))
        .routes(routes!(activity))
        .routes(routes!(receipts))
        .routes(routes!(detail))
        .routes(routes!(resend))
        .routes(routes!(stop))
        .routes(routes!(export))
        .merge(photos::clinician_routes())
        .merge(teleconsultation::routes())
}

/// Checks that `user` may see and act on the follow-up.
async fn authorize(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<FollowUp> {
    let followup = store::get(&state.db, id).await?;
    user.authorize(Action::MonitorPatients, &followup.organisation_id)?;
    Ok(followup)
}

/// Tells the practice's consoles that the follow-up changed: `alert` when it
/// raised one (the alert banner and the desk fetch again).
pub(crate) async fn tell(state: &AppState, id: &str, alert: bool) -> AppResult<()> {
    let organisation_id = store::organisation_of(&state.db, id).await?.ok_or(AppError::NotFound)?;
    announce(state, &organisation_id, id, alert);
    Ok(())
}

/// `tell`, for a caller that knows the organisation already.
pub(crate) fn announce(state: &AppState, organisation_id: &str, id: &str, alert: bool) {
    state.live.publish(organisation_id, News::FollowUp { id: id.to_owned(), alert });
}

/// The last instant any questionnaire of the follow-up can be filled.
async fn last_close(state: &AppState, id: &str) -> AppResult<i64> {
    Ok(store::schedule(&state.db, id).await?.iter().map(|d| d.closes_at).max().unwrap_or_else(now_ms))
}

/// Mints a fresh link (the previous one and the devices that used it stop
/// working) and sends it through every channel the patient gave.
async fn invite(state: &AppState, followup: &FollowUp) -> AppResult<()> {
    let ttl = (last_close(state, &followup.id).await? - now_ms()).max(DAY_MS);
    let token = links::mint(&state.db, Purpose::Monitoring, &followup.id, ttl).await?;
    let url = format!("{}/{}/{}", state.settings.public_url, Purpose::Monitoring.path(), token);
    let lang = followup.message_language();
    let values = [("practice", followup.practice.as_str()), ("title", followup.protocol.title_in(lang)), ("url", &url)];
    let text = |key: &str| texts::text(lang, "monitoring", key, &values);
    let letter = patients::Letter {
        organisation_id: &followup.organisation_id,
        record: Record::FollowUp,
        id: &followup.id,
        phone: followup.phone.as_deref(),
        email: followup.email.as_deref(),
        sms: text("invite_sms"),
        mail_subject: text("invite_subject"),
        mail_body: text("invite_body"),
    };
    patients::send(state, letter).await
}

pub(crate) async fn detail_of(state: &AppState, followup: &FollowUp) -> AppResult<FollowUpDetail> {
    let db = &state.db;
    Ok(FollowUpDetail {
        summary: store::summary(db, followup, now_ms()).await?,
        birth_date: followup.birth_date.clone(),
        phone: followup.phone.as_deref().map(phone::display),
        email: followup.email.clone(),
        reminders: followup.reminders,
        consented_at: followup.consented_at,
        ended_at: followup.ended_at,
        end_reason: followup.end_reason,
        purge_at: followup.purge_at,
        language: followup.language,
        // The clinician reads French: the translations stay out of their screen.
        questionnaire: followup.protocol.questionnaire.in_language(Lang::Fr),
        schedule: store::schedule(db, &followup.id).await?,
        submissions: store::submissions(db, &followup.id).await?,
        alerts: store::alerts(db, &followup.id).await?,
        invitations: patients::invitations(db, Record::FollowUp, &followup.id).await?,
        consultations: teleconsultation::linked(db, &followup.id).await?,
    })
}

/// Enrol a patient in a follow-up; the link leaves by text message and/or e-mail.
#[utoipa::path(post, path = "", tag = "monitoring", request_body = NewFollowUp,
    responses(
        (status = 201, body = FollowUpDetail),
        (status = 403, description = "Not a GP, specialist or nurse", body = ApiError),
        (status = 422, description = "A field is invalid; `field` names it", body = ApiError),
    ))]
async fn enrol(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewFollowUp>,
) -> AppResult<(StatusCode, Json<FollowUpDetail>)> {
    let followup = enrol_patient(&state, &user, &request).await?;
    Ok((StatusCode::CREATED, Json(detail_of(&state, &followup).await?)))
}

/// Checks and stores `user`'s enrolment of a patient, and invites the patient;
/// also what the data generator enrols through.
pub async fn enrol_patient(state: &AppState, user: &CurrentUser, request: &NewFollowUp) -> AppResult<FollowUp> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    let contact = Contact::check(
        &request.last_name,
        &request.first_name,
        &request.birth_date,
        request.phone.as_deref(),
        request.email.as_deref(),
    )?;
    let protocol = protocols::find(&state.db, &user.organisation_id, &request.protocol_id)
        .await?
        .ok_or(Invalid { field: "protocol_id", message: "Choose a follow-up protocol." })?;
    let bad_start = Invalid { field: "start_date", message: "Start between yesterday and 90 days from now." };
    let start = NaiveDate::parse_from_str(&request.start_date, "%Y-%m-%d").map_err(|_| bad_start.clone())?;
    let today = in_paris(now_ms()).date_naive();
    let offset = (start - today).num_days();
    if !(-1..=90).contains(&offset) {
        return Err(bad_start.into());
    }
    let windows = protocol.schedule.windows(start, TIME_ZONE).map_err(|_| bad_start)?;
    let enrolment = store::Enrolment {
        organisation_id: &user.organisation_id,
        clinician_id: &user.id,
        contact: &contact,
        protocol: &protocol,
        time_zone: TIME_ZONE.name(),
        start_date: &request.start_date,
        windows: &windows,
        language: request.language,
    };
    let id = store::create(&state.db, enrolment).await?;
    let followup = store::get(&state.db, &id).await?;
    invite(state, &followup).await?;
    tracing::info!(followup = %id, by = %user.id, protocol = %protocol.id, "patient enrolled");
    Ok(followup)
}

/// The organisation's follow-ups, a page at a time: those needing attention
/// first (open alerts, then missed questionnaires), newest first within each.
#[utoipa::path(get, path = "", tag = "monitoring", params(PageQuery),
    responses((status = 200, body = Page<FollowUpSummary>), (status = 422, body = ApiError)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<FollowUpSummary>>> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    let (start, limit) = query.read()?;
    Ok(Json(store::list::page(&state.db, &user.organisation_id, &start, limit, now_ms()).await?))
}

/// One patient's follow-up: schedule, answers, alerts.
#[utoipa::path(get, path = "/{id}", tag = "monitoring", params(("id" = String, Path)),
    responses((status = 200, body = FollowUpDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<FollowUpDetail>> {
    let followup = authorize(&state, &user, &id).await?;
    audit::record(&state.db, &user, "followup", &id, "view").await?;
    Ok(Json(detail_of(&state, &followup).await?))
}

/// Sends a fresh link; the previous one, and devices signed in with it, stop working.
#[utoipa::path(post, path = "/{id}/resend", tag = "monitoring", params(("id" = String, Path)),
    responses((status = 200, body = FollowUpDetail), (status = 409, description = "The follow-up has ended", body = ApiError)))]
async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<FollowUpDetail>> {
    let followup = authorize(&state, &user, &id).await?;
    if followup.ended_at.is_some() {
        return Err(AppError::Conflict("This follow-up has ended."));
    }
    invite(&state, &followup).await?;
    Ok(Json(detail_of(&state, &followup).await?))
}

/// The clinician ends the follow-up: reminders stop at once, the data is deleted after the retention period.
#[utoipa::path(post, path = "/{id}/stop", tag = "monitoring", params(("id" = String, Path)),
    responses((status = 200, body = FollowUpDetail), (status = 409, description = "Already ended", body = ApiError)))]
async fn stop(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<FollowUpDetail>> {
    authorize(&state, &user, &id).await?;
    let retention = state.settings.monitoring_retention_ms;
    if !store::end(&state.db, &id, EndReason::StoppedByClinician, retention).await? {
        return Err(AppError::Conflict("This follow-up has ended."));
    }
    audit::record(&state.db, &user, "followup", &id, "stop").await?;
    tell(&state, &id, false).await?;
    Ok(Json(detail_of(&state, &store::get(&state.db, &id).await?).await?))
}

/// Alerts nobody has acknowledged yet, red first, the oldest first, a page at a time.
#[utoipa::path(get, path = "/alerts", tag = "monitoring", params(PageQuery),
    responses((status = 200, body = Page<AlertView>), (status = 422, body = ApiError)))]
async fn open_alerts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<AlertView>>> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    let (start, limit) = query.read()?;
    Ok(Json(store::open_alerts(&state.db, &user.organisation_id, &start, limit).await?))
}

/// Acknowledge an alert with a note (what was done); returns the follow-up's alerts.
#[utoipa::path(post, path = "/alerts/{alert_id}/acknowledge", tag = "monitoring", request_body = AcknowledgeRequest,
    params(("alert_id" = String, Path)),
    responses((status = 200, body = Vec<AlertView>), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn acknowledge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(alert_id): Path<String>,
    Json(request): Json<AcknowledgeRequest>,
) -> AppResult<Json<Vec<AlertView>>> {
    let followup_id = store::alert_followup(&state.db, &alert_id).await?;
    authorize(&state, &user, &followup_id).await?;
    let note = optional_text("note", Some(&request.note), NOTE_MAX_CHARS)?.unwrap_or_default();
    store::acknowledge(&state.db, &alert_id, &user.id, &note).await?;
    tell(&state, &followup_id, false).await?;
    Ok(Json(store::alerts(&state.db, &followup_id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Since {
    /// Questionnaires filled after this instant (ms since the epoch) are listed.
    since: i64,
}

/// What is new for the console's banner: questionnaires filled since an instant, open alerts.
#[utoipa::path(get, path = "/activity", tag = "monitoring", params(Since), responses((status = 200, body = Activity)))]
async fn activity(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(since): Query<Since>,
) -> AppResult<Json<Activity>> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    Ok(Json(store::list::activity(&state.db, &user.organisation_id, since.since).await?))
}

/// Follow-ups whose data has been deleted: what went, and when; the latest first, a page at a time.
#[utoipa::path(get, path = "/receipts", tag = "monitoring", params(PageQuery),
    responses((status = 200, body = Page<DeletionReceipt>), (status = 422, body = ApiError)))]
async fn receipts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PageQuery>,
) -> AppResult<Json<Page<DeletionReceipt>>> {
    user.authorize(Action::MonitorPatients, &user.organisation_id)?;
    let (start, limit) = query.read()?;
    Ok(Json(store::jobs::receipts(&state.db, &user.organisation_id, &start, limit).await?))
}

/// The patient's data as a FHIR R4 Bundle: Patient and QuestionnaireResponses.
#[utoipa::path(get, path = "/{id}/fhir", tag = "monitoring", params(("id" = String, Path)),
    responses((status = 200, description = "A FHIR R4 Bundle (application/fhir+json)"), (status = 403, body = ApiError)))]
async fn export(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> AppResult<Response> {
    let followup = authorize(&state, &user, &id).await?;
    audit::record(&state.db, &user, "followup", &id, "export").await?;
    let submissions = store::submissions(&state.db, &id).await?;
    let bundle = fhir::bundle(&followup, &submissions, &state.settings.public_url);
    let body = serde_json::to_vec_pretty(&bundle).map_err(anyhow::Error::from)?;
    Ok(attachment("application/fhir+json", &format!("suivi-{}.json", &id[..8.min(id.len())]), body))
}
