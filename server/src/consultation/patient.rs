//! Teleconsultation, the patient's side: what the invitation shows, entering
//! (date of birth and consent), the waiting room, the chat, and afterwards the
//! report, all through the device that entered.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum_extra::extract::cookie::CookieJar;
use regard_shared::assist::LinkState;
use regard_shared::consultation::{
    Author, ChatMessage, EnterRequest, InvitationInfo, NewMessage, PatientConsultation, Status, CONSENT_VERSION,
};
use regard_shared::lang::Lang;
use regard_shared::validate::Invalid;
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store;
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::links::{self, Lookup, PatientDevice, Purpose};
use crate::patients::{self, Record};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_invitation))
        .routes(routes!(enter))
        .routes(routes!(mine))
        .routes(routes!(wait))
        .routes(routes!(post_message))
        .merge(super::documents::patient_routes())
        .merge(crate::prescription::patient_routes())
        .merge(crate::payment::receipt::patient_routes())
}

/// What the invitation shows: who the patient will see, and when. Consumes nothing.
#[utoipa::path(get, path = "/invitations/{token}", tag = "patient",
    params(("token" = String, Path, description = "The invitation's token")),
    responses((status = 200, body = InvitationInfo), (status = 404, description = "Unknown link", body = ApiError)))]
async fn open_invitation(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
) -> AppResult<Json<InvitationInfo>> {
    let device = links::device_token(&jar, Purpose::Consultation);
    let (link_state, id) = match links::open(&state.db, Purpose::Consultation, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, .. } => (LinkState::Valid, subject_id),
        Lookup::AcceptedHere { subject_id } => (LinkState::AcceptedHere, subject_id),
        // Say nothing about the appointment to a device that does not hold it.
        lookup @ (Lookup::InUse | Lookup::Expired) => {
            let state = if lookup == Lookup::InUse { LinkState::InUse } else { LinkState::Expired };
            let info = InvitationInfo {
                state,
                practice: String::new(),
                clinician_name: String::new(),
                scheduled_at: 0,
                language: None,
            };
            return Ok(Json(info));
        }
    };
    let owner = store::owner(&state.db, &id).await?;
    Ok(Json(InvitationInfo {
        state: link_state,
        practice: owner.practice,
        clinician_name: owner.clinician_name,
        scheduled_at: owner.scheduled_at,
        language: owner.language,
    }))
}

/// The patient proves who they are (date of birth) and consents; the link is
/// then bound to this device, which keeps access to the consultation.
#[utoipa::path(post, path = "/invitations/{token}/enter", tag = "patient", request_body = EnterRequest,
    params(("token" = String, Path, description = "The invitation's token")),
    responses(
        (status = 200, body = PatientConsultation),
        (status = 409, description = "Entered on another device", body = ApiError),
        (status = 410, description = "Expired, replaced, or locked after wrong dates of birth", body = ApiError),
        (status = 422, description = "Wrong date of birth (`field` = birth_date)", body = ApiError),
    ))]
async fn enter(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    Json(request): Json<EnterRequest>,
) -> AppResult<(CookieJar, Json<PatientConsultation>)> {
    if request.consent_version != CONSENT_VERSION {
        return Err(
            Invalid { field: "consent_version", message: "The consent text has changed: reload the page." }.into()
        );
    }
    let device = links::device_token(&jar, Purpose::Consultation);
    let id = match links::open(&state.db, Purpose::Consultation, &token, device.as_deref()).await? {
        Lookup::Valid { subject_id, .. } => subject_id,
        Lookup::AcceptedHere { subject_id } => {
            return Ok((jar, Json(store::for_patient(&state.db, &subject_id).await?)))
        }
        Lookup::InUse => return Err(AppError::LinkInUse),
        Lookup::Expired => return Err(AppError::LinkExpired),
    };
    patients::check_birth_date(&state.db, Record::Consultation, &id, &request.birth_date).await?;
    let access_ms = state.settings.consultation_access_ms;
    let (id, cookie) = links::accept(
        &state.db,
        Purpose::Consultation,
        &token,
        device.as_deref(),
        access_ms,
        state.settings.secure_cookies,
    )
    .await?;
    let language = request.language.chars().filter(char::is_ascii_alphabetic).take(8).collect::<String>();
    // The language the consent was read in is the one the patient reads: a
    // new invitation and the receipt go in it.
    let lang = Lang::from_tag(&request.language);
    store::record_consent(&state.db, &id, &format!("{CONSENT_VERSION} ({language})"), lang).await?;
    // The GP's console shows the consent and the language at once.
    super::tell(&state, &store::owner(&state.db, &id).await?.organisation_id, &id);
    let jar = match cookie {
        Some(cookie) => jar.add(cookie),
        None => jar,
    };
    Ok((jar, Json(store::for_patient(&state.db, &id).await?)))
}

/// The consultation of the device that entered through its invitation.
pub(crate) fn consultation_of(device: &PatientDevice) -> AppResult<&str> {
    device.subject(Purpose::Consultation)
}

/// The patient's consultation: status, chat, report.
#[utoipa::path(get, path = "/consultation", tag = "patient",
    responses((status = 200, body = PatientConsultation), (status = 401, description = "Not entered on this device", body = ApiError)))]
async fn mine(State(state): State<AppState>, device: PatientDevice) -> AppResult<Json<PatientConsultation>> {
    Ok(Json(store::for_patient(&state.db, consultation_of(&device)?).await?))
}

/// The device check passed: the patient enters the waiting room and the GP is alerted.
#[utoipa::path(post, path = "/consultation/waiting", tag = "patient",
    responses((status = 200, body = PatientConsultation), (status = 409, description = "The consultation is over", body = ApiError)))]
async fn wait(State(state): State<AppState>, device: PatientDevice) -> AppResult<Json<PatientConsultation>> {
    let id = consultation_of(&device)?;
    let owner = store::owner(&state.db, id).await?;
    if owner.milestones.status(now_ms()) == Status::Done {
        return Err(AppError::Conflict("This consultation is over."));
    }
    store::mark(&state.db, id, store::Milestone::Waiting).await?;
    super::tell(&state, &owner.organisation_id, id);
    Ok(Json(store::for_patient(&state.db, id).await?))
}

/// The patient writes in the consultation's chat.
#[utoipa::path(post, path = "/consultation/messages", tag = "patient", request_body = NewMessage,
    responses((status = 201, body = ChatMessage), (status = 422, body = ApiError)))]
async fn post_message(
    State(state): State<AppState>,
    device: PatientDevice,
    Json(request): Json<NewMessage>,
) -> AppResult<(StatusCode, Json<ChatMessage>)> {
    let id = consultation_of(&device)?;
    let message = super::chat(&state, id, Author::Patient, None, &request.body).await?;
    Ok((StatusCode::CREATED, Json(message)))
}
