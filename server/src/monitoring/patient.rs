//! Tele-monitoring, the patient's side: what the link shows, joining (date of
//! birth, consent, reminders), the portal, filling a questionnaire (exactly
//! once, even when the phone sends it again), stopping, signing the device out.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use regard_shared::assist::{LanguageChoice, LinkState};
use regard_shared::lang::Lang;
use regard_shared::monitoring::alerts;
use regard_shared::monitoring::questionnaire::Answer;
use regard_shared::monitoring::wire::{
    self, EndReason, FollowUpInvitation, JoinRequest, NewSubmission, PatientFollowUp, PatientView, Reminders,
    Submission, CONSENT_VERSION,
};
use regard_shared::validate::Invalid;
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::photos;
use super::store::{self, submissions};
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::links::{self, FollowUpDevice, Lookup, PatientDevice, Purpose};
use crate::patients::{self, Record};
use crate::AppState;

/// A signed-in phone keeps access this long after the last questionnaire
/// closes, to read the deletion receipt.
const DEVICE_GRACE_MS: i64 = 30 * 24 * 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_invitation))
        .routes(routes!(join))
        .routes(routes!(mine))
        .routes(routes!(submit))
        .routes(routes!(reminders))
        .routes(routes!(choose_language))
        .routes(routes!(stop))
        .routes(routes!(sign_out))
        .merge(photos::patient_routes())
}

/// The follow-up of the device that joined through its link.
pub(crate) fn followup_of(device: &PatientDevice) -> AppResult<&str> {
    device.subject(Purpose::Monitoring)
}

const ENDED: AppError = AppError::Conflict("This follow-up has ended.");
const FILLED: AppError = AppError::Conflict("This questionnaire has already been filled.");

async fn active(state: &AppState, device: &PatientDevice) -> AppResult<store::FollowUp> {
    match store::find(&state.db, followup_of(device)?).await? {
        Some(followup) if followup.ended_at.is_none() => Ok(followup),
        _ => Err(ENDED),
    }
}

async fn view(state: &AppState, id: &str) -> AppResult<PatientView> {
    let Some(followup) = store::find(&state.db, id).await? else {
        return Ok(PatientView::Deleted(store::jobs::receipt(&state.db, id).await?.ok_or(AppError::NotFound)?));
    };
    let now = now_ms();
    let schedule = store::schedule(&state.db, id).await?;
    let open = schedule
        .iter()
        .find(|d| d.opens_at <= now && now < d.closes_at && d.filled_at.is_none())
        .filter(|_| followup.ended_at.is_none())
        .map(|d| d.index);
    Ok(PatientView::Active(Box::new(PatientFollowUp {
        practice: followup.practice,
        protocol_title: followup.protocol.title.clone(),
        questionnaire: followup.protocol.questionnaire.clone(),
        language: followup.language,
        schedule,
        open,
        submissions: store::submissions(&state.db, id).await?,
        reminders: followup.reminders,
        can_sms: followup.phone.is_some(),
        can_email: followup.email.is_some(),
        ended_at: followup.ended_at,
        end_reason: followup.end_reason,
        purge_at: followup.purge_at,
    })))
}

/// Reminder channels must be ones the clinician gave.
fn check_reminders(followup: &store::FollowUp, reminders: Reminders) -> Result<(), Invalid> {
    if (reminders.sms && followup.phone.is_none()) || (reminders.email && followup.email.is_none()) {
        return Err(Invalid { field: "reminders", message: "This reminder channel is not available." });
    }
    Ok(())
}

/// What the link shows before joining: who proposes which follow-up. Consumes nothing.
#[utoipa::path(get, path = "/followup-invitations/{token}", tag = "patient", params(("token" = String, Path)),
    responses((status = 200, body = FollowUpInvitation), (status = 404, body = ApiError)))]
async fn open_invitation(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
) -> AppResult<Json<FollowUpInvitation>> {
    let device = links::device_token(&jar, Purpose::Monitoring);
    let (link_state, id) = match links::open(&state.db, Purpose::Monitoring, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, .. } => (LinkState::Valid, subject_id),
        Lookup::AcceptedHere { subject_id } => (LinkState::AcceptedHere, subject_id),
        Lookup::InUse => (LinkState::InUse, String::new()),
        Lookup::Expired => (LinkState::Expired, String::new()),
    };
    let found = if id.is_empty() { None } else { store::find(&state.db, &id).await? };
    // A deleted follow-up's link still says "joined here", so the phone shows the receipt.
    let mut invitation = FollowUpInvitation {
        state: link_state,
        practice: String::new(),
        protocol_title: String::new(),
        title_translations: None,
        language: None,
        can_sms: false,
        can_email: false,
    };
    if let Some(followup) = found {
        invitation.can_sms = followup.phone.is_some();
        invitation.can_email = followup.email.is_some();
        invitation.practice = followup.practice;
        invitation.protocol_title = followup.protocol.title.clone();
        invitation.title_translations = followup.protocol.questionnaire.title_element.clone();
        invitation.language = followup.language;
    }
    Ok(Json(invitation))
}

/// The patient proves who they are, consents and picks reminders; this device
/// stays signed in for the follow-up.
#[utoipa::path(post, path = "/followup-invitations/{token}/join", tag = "patient", request_body = JoinRequest,
    params(("token" = String, Path)),
    responses(
        (status = 200, body = PatientView),
        (status = 409, description = "Joined on another device", body = ApiError),
        (status = 410, description = "Expired, replaced, or locked after wrong dates of birth", body = ApiError),
        (status = 422, description = "Wrong date of birth, or a reminder channel not given", body = ApiError),
    ))]
async fn join(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    Json(request): Json<JoinRequest>,
) -> AppResult<(CookieJar, Json<PatientView>)> {
    if request.consent_version != CONSENT_VERSION {
        return Err(
            Invalid { field: "consent_version", message: "The consent text has changed: reload the page." }.into()
        );
    }
    let device = links::device_token(&jar, Purpose::Monitoring);
    let id = match links::open(&state.db, Purpose::Monitoring, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, .. } => subject_id,
        Lookup::AcceptedHere { subject_id } => return Ok((jar, Json(view(&state, &subject_id).await?))),
        Lookup::InUse => return Err(AppError::LinkInUse),
        Lookup::Expired => return Err(AppError::LinkExpired),
    };
    let followup = store::find(&state.db, &id).await?.filter(|f| f.ended_at.is_none()).ok_or(AppError::LinkExpired)?;
    patients::check_birth_date(&state.db, Record::FollowUp, &id, &request.birth_date).await?;
    check_reminders(&followup, request.reminders)?;
    let last_close = store::schedule(&state.db, &id).await?.iter().map(|d| d.closes_at).max().unwrap_or(0);
    let access_ms = (last_close - now_ms()).max(0) + DEVICE_GRACE_MS;
    let secure = state.settings.secure_cookies;
    let (id, cookie) =
        links::accept(&state.db, Purpose::Monitoring, &token, device.as_deref(), access_ms, secure).await?;
    let language = request.language.chars().filter(char::is_ascii_alphabetic).take(8).collect::<String>();
    store::record_consent(&state.db, &id, &format!("{CONSENT_VERSION} ({language})"), request.reminders).await?;
    // The language the consent was read in is the one the patient reads: reminders go in it.
    if let Some(lang) = Lang::from_tag(&request.language) {
        store::set_language(&state.db, &id, lang).await?;
    }
    let jar = match cookie {
        Some(cookie) => jar.add(cookie),
        None => jar,
    };
    Ok((jar, Json(view(&state, &id).await?)))
}

/// The patient's portal: the questionnaire to fill, past answers, the schedule;
/// once the data is deleted, the receipt.
#[utoipa::path(get, path = "/followup", tag = "patient",
    responses((status = 200, body = PatientView), (status = 401, description = "Not joined on this device", body = ApiError)))]
async fn mine(State(state): State<AppState>, device: FollowUpDevice) -> AppResult<Json<PatientView>> {
    Ok(Json(view(&state, followup_of(&device)?).await?))
}

/// Sends a filled questionnaire. The id is the phone's: the same id sent again
/// (a retry, an offline queue) answers with the stored one and stores nothing.
#[utoipa::path(post, path = "/followup/submissions", tag = "patient", request_body = NewSubmission,
    responses(
        (status = 201, description = "Stored", body = Submission),
        (status = 200, description = "Already stored under this id", body = Submission),
        (status = 409, description = "Not open yet, already filled, or the follow-up has ended", body = ApiError),
        (status = 422, description = "An answer is invalid; the message names the question", body = ApiError),
    ))]
async fn submit(
    State(state): State<AppState>,
    device: FollowUpDevice,
    Json(request): Json<NewSubmission>,
) -> AppResult<(StatusCode, Json<Submission>)> {
    submit_for(&state, followup_of(&device)?, request).await
}

/// Checks and stores a questionnaire of follow-up `id`, as its phone sent it;
/// also what the data generator fills questionnaires through.
pub async fn submit_for(
    state: &AppState,
    id: &str,
    request: NewSubmission,
) -> AppResult<(StatusCode, Json<Submission>)> {
    if !wire::submission_id(&request.id) {
        return Err(Invalid { field: "id", message: "The submission id must be a UUID." }.into());
    }
    // The happy path reads the follow-up with its schedule row in one statement;
    // the stored submission is looked up only when something says it may exist.
    let target = match submissions::target(&state.db, id, request.index).await? {
        Some(target) if !target.ended => target,
        _ => return sent_before(state, id, &request.id, ENDED).await,
    };
    let due = target.due.ok_or(AppError::NotFound)?;
    if due.filled_at.is_some() {
        return sent_before(state, id, &request.id, FILLED).await;
    }
    if now_ms() < due.opens_at {
        return Err(AppError::Conflict("This questionnaire is not open yet."));
    }
    let rules = &target.protocol.alerts;
    let answers =
        target.protocol.questionnaire.check(&request.answers).map_err(|e| AppError::InvalidAnswers(e.message()))?;
    for answer in answers.values() {
        if let Answer::Attachment(photo) = answer {
            photos::check_owned(&state.db, id, photo).await?;
        }
    }
    let history = match alerts::history_needed(rules, &answers) {
        0 => Vec::new(),
        count => submissions::recent_answers(&state.db, id, request.index, count).await?,
    };
    let raised = alerts::evaluate(rules, &history, &answers);
    let alert = !raised.is_empty();
    let stored = Submission { id: request.id, index: request.index, day: due.day, submitted_at: now_ms(), answers };
    let row = submissions::NewRow {
        id: stored.id.clone(),
        followup_id: id.to_owned(),
        index: stored.index,
        submitted_at: stored.submitted_at,
        answers: serde_json::to_string(&stored.answers).map_err(anyhow::Error::from)?,
        raised,
    };
    if !state.submissions.store(row).await? {
        // Either the same id raced in, or another form filled this questionnaire.
        return sent_before(state, id, &stored.id, FILLED).await;
    }
    tracing::info!(followup = %id, index = request.index, "questionnaire filled");
    super::announce(state, &target.organisation_id, id, alert);
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The answer to a submission that cannot be stored: the stored one if this
/// phone sent it before (a retry, an offline queue), else `refusal`.
async fn sent_before(
    state: &AppState,
    followup_id: &str,
    submission_id: &str,
    refusal: AppError,
) -> AppResult<(StatusCode, Json<Submission>)> {
    match store::submission(&state.db, submission_id).await? {
        Some((owner, stored)) if owner == followup_id => Ok((StatusCode::OK, Json(stored))),
        Some(_) => Err(AppError::Conflict("This id is taken.")),
        None => Err(refusal),
    }
}

/// The patient changes how they are reminded.
#[utoipa::path(post, path = "/followup/reminders", tag = "patient", request_body = Reminders,
    responses((status = 200, body = PatientView), (status = 422, body = ApiError)))]
async fn reminders(
    State(state): State<AppState>,
    device: FollowUpDevice,
    Json(request): Json<Reminders>,
) -> AppResult<Json<PatientView>> {
    let followup = active(&state, &device).await?;
    check_reminders(&followup, request)?;
    store::set_reminders(&state.db, &followup.id, request).await?;
    Ok(Json(view(&state, &followup.id).await?))
}

/// The patient chose another language on their portal: reminders go in it,
/// and the clinician sees it.
#[utoipa::path(put, path = "/followup/language", tag = "patient", request_body = LanguageChoice,
    responses((status = 204, description = "Kept"), (status = 409, description = "The follow-up has ended", body = ApiError)))]
async fn choose_language(
    State(state): State<AppState>,
    device: FollowUpDevice,
    Json(choice): Json<LanguageChoice>,
) -> AppResult<StatusCode> {
    let followup = active(&state, &device).await?;
    if followup.language != Some(choice.language) {
        store::set_language(&state.db, &followup.id, choice.language).await?;
        super::tell(&state, &followup.id, false).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The patient stops the follow-up: no reminder leaves after this, and the
/// data is deleted after the retention period.
#[utoipa::path(post, path = "/followup/stop", tag = "patient",
    responses((status = 200, body = PatientView), (status = 409, description = "Already ended", body = ApiError)))]
async fn stop(State(state): State<AppState>, device: FollowUpDevice) -> AppResult<Json<PatientView>> {
    let id = followup_of(&device)?;
    if !store::end(&state.db, id, EndReason::StoppedByPatient, state.settings.monitoring_retention_ms).await? {
        return Err(ENDED);
    }
    tracing::info!(followup = %id, "follow-up stopped by the patient");
    super::tell(&state, id, false).await?;
    Ok(Json(view(&state, id).await?))
}

/// Signs this phone out; a new link from the clinician signs it in again.
#[utoipa::path(post, path = "/followup/sign-out", tag = "patient", responses((status = 204)))]
async fn sign_out(State(state): State<AppState>, jar: CookieJar) -> AppResult<(CookieJar, StatusCode)> {
    // The follow-up's cookie, and the one phones joined with before it had its
    // own (only a follow-up's access is ended through it, never a consultation's).
    let tokens = [links::device_token(&jar, Purpose::Monitoring), links::device_token(&jar, Purpose::Consultation)];
    for token in tokens.into_iter().flatten() {
        links::forget_device(&state.db, &token, Purpose::Monitoring).await?;
    }
    Ok((jar.remove(Cookie::build(Purpose::Monitoring.cookie()).path("/")), StatusCode::NO_CONTENT))
}
