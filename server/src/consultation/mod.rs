//! Teleconsultation, the GP's side: schedule and invite, the day's list, admit
//! the patient from the waiting room, chat, write the report, end.

pub mod documents;
pub mod patient;
pub mod store;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use regard_shared::consultation::{
    Author, ChatMessage, ConsultationDetail, ConsultationSummary, NewConsultation, NewMessage, ReportRequest, Status,
    MESSAGE_MAX_CHARS, REASON_MAX_CHARS, REPORT_MAX_CHARS,
};
use regard_shared::lang::Lang;
use regard_shared::live::News;
use regard_shared::payment::{Mode, DEFAULT_FEE_CENTS, MAX_FEE_CENTS};
use regard_shared::signal::{ConsultationNews, ServerMessage};
use regard_shared::validate::{self, optional_text, required_text, Invalid};
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::now_ms;
use crate::error::{AppError, AppResult, Json};
use crate::links::{self, PatientDevice, Purpose};
use crate::patients::{self, Contact, Record};
use crate::signalling::{self, Joiner, Subject};
use crate::texts;
use crate::AppState;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Invitations stay valid until a day after the appointment: a patient may be
/// late, and the GP may still see them.
const LINK_GRACE_MS: i64 = DAY_MS;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, day))
        .routes(routes!(detail))
        .routes(routes!(resend))
        .routes(routes!(admit))
        .routes(routes!(end))
        .routes(routes!(post_message))
        .routes(routes!(save_report))
        .merge(documents::clinician_routes())
        .merge(crate::prescription::clinician_routes())
        .merge(crate::payment::clinician_routes())
}

/// Mints a fresh link (the previous one stops working) and sends it through
/// every channel the patient gave.
async fn invite(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<()> {
    let owner = store::owner(&state.db, id).await?;
    let ttl = owner.scheduled_at + LINK_GRACE_MS - now_ms();
    let token = links::mint(&state.db, Purpose::Consultation, id, ttl.max(60_000)).await?;
    let url = format!("{}/{}/{}", state.settings.public_url, Purpose::Consultation.path(), token);
    let lang = owner.language.unwrap_or(Lang::Fr);
    let (date, time) = texts::date_and_time(lang, owner.scheduled_at);
    let who = format!("{} ({})", owner.clinician_name, owner.practice);
    let values = [("who", who.as_str()), ("date", &date), ("time", &time), ("url", &url)];
    let text = |key: &str| texts::text(lang, "consultation", key, &values);
    let letter = patients::Letter {
        organisation_id: &owner.organisation_id,
        record: Record::Consultation,
        id,
        phone: owner.phone.as_deref(),
        email: owner.email.as_deref(),
        sms: text("invite_sms"),
        mail_subject: text("invite_subject"),
        mail_body: text("invite_body"),
    };
    patients::send(state, letter).await?;
    tracing::info!(consultation = %id, by = %user.id, "invitation sent");
    Ok(())
}

/// Schedule a teleconsultation and invite the patient by text message and/or e-mail.
#[utoipa::path(post, path = "", tag = "consultation", request_body = NewConsultation,
    responses(
        (status = 201, body = ConsultationDetail),
        (status = 403, description = "Not a GP or specialist", body = ApiError),
        (status = 422, description = "A field is invalid; `field` names it", body = ApiError),
    ))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(request): Json<NewConsultation>,
) -> AppResult<(StatusCode, Json<ConsultationDetail>)> {
    let id = schedule(&state, &user, &request).await?;
    Ok((StatusCode::CREATED, Json(store::detail(&state.db, &id).await?)))
}

/// Tells the practice's consoles that the consultation moved (the waiting
/// room, the day's list and the room itself fetch it again).
pub(crate) fn tell(state: &AppState, organisation_id: &str, id: &str) {
    state.live.publish(organisation_id, News::Consultation { id: id.to_owned() });
}

/// Checks and stores an appointment of `user`'s organisation and invites the
/// patient; also how a tele-expertise request turns into a consultation.
pub async fn schedule(state: &AppState, user: &CurrentUser, request: &NewConsultation) -> AppResult<String> {
    user.authorize(Action::ConductConsultation, &user.organisation_id)?;
    let contact = Contact::check(
        &request.last_name,
        &request.first_name,
        &request.birth_date,
        request.phone.as_deref(),
        request.email.as_deref(),
    )?;
    let now = now_ms();
    if request.scheduled_at < now - DAY_MS || request.scheduled_at > now + 366 * DAY_MS {
        return Err(Invalid { field: "scheduled_at", message: "Choose a time between yesterday and next year." }.into());
    }
    let reason = required_text("reason", &request.reason, REASON_MAX_CHARS)?;
    if request.payment_mode == Mode::Card && state.stripe.is_none() {
        // No card provider is wired in yet: say so rather than leave a payment hanging.
        return Err(Invalid { field: "payment_mode", message: "Card payment is not configured on this server." }.into());
    }
    let fee_cents = request.fee_cents.unwrap_or(DEFAULT_FEE_CENTS);
    if !(0..=MAX_FEE_CENTS).contains(&fee_cents) {
        return Err(Invalid { field: "fee_cents", message: "The fee must be between 0 and 1000 euros." }.into());
    }
    let appointment = store::NewAppointment {
        organisation_id: &user.organisation_id,
        clinician_id: &user.id,
        last_name: &contact.last_name,
        first_name: &contact.first_name,
        birth_date: &contact.birth_date,
        phone: contact.phone.as_deref(),
        email: contact.email.as_deref(),
        scheduled_at: request.scheduled_at,
        reason: &reason,
        payment_mode: request.payment_mode,
        fee_cents,
        language: request.language,
    };
    let id = store::create(&state.db, appointment).await?;
    invite(state, user, &id).await?;
    tell(state, &user.organisation_id, &id);
    Ok(id)
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Range {
    /// Start of the period, ms since the epoch (the browser's local midnight).
    from: i64,
    /// End of the period (excluded); at most 7 days after `from`.
    to: i64,
}

/// The organisation's appointments in a period (a day, as the browser sees it).
#[utoipa::path(get, path = "", tag = "consultation", params(Range),
    responses((status = 200, body = Vec<ConsultationSummary>), (status = 422, body = ApiError)))]
async fn day(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(range): Query<Range>,
) -> AppResult<Json<Vec<ConsultationSummary>>> {
    user.authorize(Action::ConductConsultation, &user.organisation_id)?;
    validate::period(range.from, range.to, 7 * DAY_MS, "Ask for at most 7 days.")?;
    Ok(Json(store::day(&state.db, &user.organisation_id, range.from, range.to).await?))
}

/// Checks that `user` may act on the consultation.
pub(crate) async fn authorize(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<store::Owner> {
    let owner = store::owner(&state.db, id).await?;
    user.authorize(Action::ConductConsultation, &owner.organisation_id)?;
    Ok(owner)
}

/// One consultation: identity, invitations, chat, report.
#[utoipa::path(get, path = "/{id}", tag = "consultation",
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ConsultationDetail>> {
    authorize(&state, &user, &id).await?;
    audit::record(&state.db, &user, "consultation", &id, "view").await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Sends a fresh invitation; the previous link stops working at once.
#[utoipa::path(post, path = "/{id}/resend", tag = "consultation",
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ApiError)))]
async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ConsultationDetail>> {
    authorize(&state, &user, &id).await?;
    invite(&state, &user, &id).await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Lets the waiting patient in: the call starts when the GP's page joins.
#[utoipa::path(post, path = "/{id}/admit", tag = "consultation",
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDetail), (status = 409, description = "The patient is not waiting", body = ApiError)))]
async fn admit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ConsultationDetail>> {
    let owner = authorize(&state, &user, &id).await?;
    match owner.milestones.status(now_ms()) {
        Status::Waiting | Status::InConsultation => {}
        _ => return Err(AppError::Conflict("The patient is not in the waiting room.")),
    }
    store::mark(&state.db, &id, store::Milestone::Admitted).await?;
    tell(&state, &owner.organisation_id, &id);
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Ends the consultation; the patient's page is told and stops the call.
#[utoipa::path(post, path = "/{id}/end", tag = "consultation",
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDetail), (status = 403, body = ApiError)))]
async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ConsultationDetail>> {
    let owner = authorize(&state, &user, &id).await?;
    store::mark(&state.db, &id, store::Milestone::Ended).await?;
    crate::payment::on_consultation_end(&state, &id).await?;
    state.rooms.broadcast(&Subject::Consultation(id.clone()), ServerMessage::Ended);
    tell(&state, &owner.organisation_id, &id);
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Stores a chat message and shows it at once on both sides.
pub(crate) async fn chat(
    state: &AppState,
    id: &str,
    author: Author,
    author_id: Option<&str>,
    body: &str,
) -> AppResult<ChatMessage> {
    let body = required_text("body", body, MESSAGE_MAX_CHARS)?;
    let message = store::add_message(&state.db, id, author, author_id, &body).await?;
    state.rooms.broadcast(
        &Subject::Consultation(id.to_owned()),
        ServerMessage::Consultation(ConsultationNews::Chat(message.clone())),
    );
    Ok(message)
}

/// The GP writes in the consultation's chat.
#[utoipa::path(post, path = "/{id}/messages", tag = "consultation", request_body = NewMessage,
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 201, body = ChatMessage), (status = 422, body = ApiError)))]
async fn post_message(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<NewMessage>,
) -> AppResult<(StatusCode, Json<ChatMessage>)> {
    authorize(&state, &user, &id).await?;
    let message = chat(&state, &id, Author::Clinician, Some(&user.id), &request.body).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Saves the report (compte rendu); the patient sees it through their link.
#[utoipa::path(put, path = "/{id}/report", tag = "consultation", request_body = ReportRequest,
    params(("id" = String, Path, description = "Consultation id")),
    responses((status = 200, body = ConsultationDetail), (status = 422, body = ApiError)))]
async fn save_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<ReportRequest>,
) -> AppResult<Json<ConsultationDetail>> {
    authorize(&state, &user, &id).await?;
    let report = optional_text("report", Some(&request.report), REPORT_MAX_CHARS)?.unwrap_or_default();
    store::save_report(&state.db, &id, &report).await?;
    Ok(Json(store::detail(&state.db, &id).await?))
}

/// Joins the consultation's video room: the GP once they admitted the patient,
/// the patient's device once it entered the waiting room.
#[utoipa::path(get, path = "/ws/consultation/{id}", tag = "realtime",
    params(("id" = String, Path, description = "The consultation")),
    responses(
        (status = 101, description = "Upgraded: signalling messages (regard_shared::signal) both ways"),
        (status = 401, description = "Neither a session nor this case's phone", body = ApiError),
        (status = 403, description = "Not allowed to join this room", body = ApiError),
        (status = 404, description = "Unknown", body = ApiError),
    ))]
pub async fn join(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path(id): Path<String>,
    user: Option<CurrentUser>,
    device: Option<PatientDevice>,
) -> AppResult<Response> {
    let owner = store::owner(&state.db, &id).await?;
    let joiner = if let Some(user) = user {
        user.authorize(Action::ConductConsultation, &owner.organisation_id)?;
        if owner.milestones.status(now_ms()) != Status::InConsultation {
            return Err(AppError::Conflict("Admit the patient first."));
        }
        Joiner::Clinician(user)
    } else if let Some(device) = device {
        if device.purpose != Purpose::Consultation.as_str() || device.subject_id != id {
            return Err(AppError::Forbidden);
        }
        if !matches!(owner.milestones.status(now_ms()), Status::Waiting | Status::InConsultation) {
            return Err(AppError::Conflict("Enter the waiting room first."));
        }
        Joiner::Patient
    } else {
        return Err(AppError::Unauthenticated);
    };
    signalling::upgrade(ws, state, Subject::Consultation(id), joiner).await
}
