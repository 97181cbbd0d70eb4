//! The thread of a request: taking it, asking for and giving more information,
//! the specialist's answer, closing, and a teleconsultation scheduled from it.
//! The requester is told of questions and answers by e-mail as well as in the
//! console.

use axum::extract::{Path, State};
use regard_shared::consultation::NewConsultation;
use regard_shared::expertise::{Escalation, RequestSummary, Side, Status, Step, StepRequest, MESSAGE_MAX_CHARS};
use regard_shared::validate::{optional_text, Invalid};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{side_of, store};
use crate::auth::CurrentUser;
use crate::consultation;
use crate::error::{AppError, AppResult, Json};
use crate::{audit, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(take_step)).routes(routes!(escalate))
}

/// The request if `user` may take `step` on it now: the rules of the status,
/// and only the specialist who took a request goes on with it.
async fn allowed(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    step: Step,
) -> AppResult<(store::RequestRow, Side, Status)> {
    let request = store::find(&state.db, id).await?;
    let side = side_of(user, &request)?;
    let from = request.status();
    let to = from.after(side, step).ok_or(AppError::Conflict("This step is not possible at this stage."))?;
    let taker = request.expert_id.as_deref();
    if side == Side::Expert && step != Step::Take && taker != Some(user.id.as_str()) {
        return Err(AppError::Conflict("Another specialist took this request."));
    }
    Ok((request, side, to))
}

/// Takes a step of the thread: take, ask for information, reply, answer, close.
#[utoipa::path(post, path = "/{id}/steps", tag = "expertise", request_body = StepRequest,
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestSummary),
        (status = 403, body = ApiError),
        (status = 409, description = "Not this side's turn, or another specialist took it", body = ApiError),
        (status = 422, body = ApiError),
    ))]
async fn take_step(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<StepRequest>,
) -> AppResult<Json<RequestSummary>> {
    let step = request.step;
    if matches!(step, Step::Submit | Step::Escalate) {
        return Err(AppError::BadRequest(
            "Send a request or schedule a teleconsultation through their own routes.".into(),
        ));
    }
    let (row, side, to) = allowed(&state, &user, &id, step).await?;
    let body = if matches!(step, Step::Take | Step::Close) {
        optional_text("body", Some(&request.body), MESSAGE_MAX_CHARS)?.unwrap_or_default()
    } else {
        request.checked_body()?
    };
    let new = store::NewStep {
        request_id: &id,
        from: row.status(),
        to,
        step,
        side,
        author_id: &user.id,
        body: &body,
        file_ids: &request.file_ids,
    };
    store::step(&state.db, new).await?;
    audit::record(&state.db, &user, "expertise", &id, step_name(step)).await?;
    super::tell(&state, [&row.requesting_org_id, &row.expert_org_id], &id);
    if matches!(step, Step::AskInformation | Step::Answer) {
        tell_requester(&state, &row, step);
    }
    Ok(Json(store::summary_of(&state.db, &id).await?))
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Submit => "submit",
        Step::Take => "take",
        Step::AskInformation => "ask_information",
        Step::Reply => "reply",
        Step::Answer => "answer",
        Step::Close => "close",
        Step::Escalate => "escalate",
    }
}

/// E-mails the requester that a question or an answer waits in Regard. Mail is
/// not a safe channel for health data: the message names no patient and holds
/// no answer, only the link. Sent in the background: a slow mail server must
/// not hold the specialist's page.
fn tell_requester(state: &AppState, request: &store::RequestRow, step: Step) {
    let (state, requester, id) = (state.clone(), request.requester_id.clone(), request.id.clone());
    let (subject, what) = match step {
        Step::AskInformation => {
            ("Télé-expertise : le spécialiste demande des précisions", "Le spécialiste vous pose une question")
        }
        _ => ("Télé-expertise : avis rendu", "Le spécialiste a rendu son avis"),
    };
    tokio::spawn(async move {
        let Ok(Some(to)) = store::user_email(&state.db, &requester).await else { return };
        let url = format!("{}/console/expertise/{id}", state.settings.public_url);
        let body = format!(
            "Bonjour,\n\n{what} sur une demande de télé-expertise que vous avez envoyée.\n\n\
             Connectez-vous à Regard pour le lire :\n{url}\n\n\
             (English: the specialist has replied to your tele-expertise request; sign in to Regard to read it.)\n"
        );
        if let Err(error) = state.mailer.send(&to, subject, body).await {
            tracing::warn!(request = %id, %error, "expertise notice not mailed");
        }
    });
}

/// Schedules a teleconsultation of the specialist with the patient, through
/// the teleconsultation flow (invitation by text message or e-mail).
#[utoipa::path(post, path = "/{id}/teleconsultation", tag = "expertise", request_body = Escalation,
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = RequestSummary),
        (status = 409, body = ApiError),
        (status = 422, description = "A time, phone or e-mail is invalid", body = ApiError),
    ))]
async fn escalate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(escalation): Json<Escalation>,
) -> AppResult<Json<RequestSummary>> {
    let (row, side, to) = allowed(&state, &user, &id, Step::Escalate).await?;
    if row.consultation_id.is_some() {
        return Err(AppError::Conflict("A teleconsultation is already scheduled for this request."));
    }
    let patient = row.patient();
    let consultation = NewConsultation {
        last_name: patient.last_name,
        first_name: patient.first_name,
        birth_date: patient.birth_date,
        phone: escalation.phone,
        email: escalation.email,
        scheduled_at: escalation.scheduled_at,
        reason: format!(
            "Suite de la demande de télé-expertise du {}",
            crate::db::in_paris(row.submitted_at).format("%d/%m/%Y")
        ),
        payment_mode: Default::default(),
        fee_cents: None,
        language: None,
    };
    if consultation.phone.is_none() && consultation.email.is_none() {
        return Err(
            Invalid { field: "phone", message: "Give the patient's mobile or e-mail for the invitation." }.into()
        );
    }
    let consultation_id = consultation::schedule(&state, &user, &consultation).await?;
    store::set_consultation(&state.db, &id, &consultation_id).await?;
    let when = crate::db::in_paris(escalation.scheduled_at).format("%d/%m/%Y %H:%M").to_string();
    let new = store::NewStep {
        request_id: &id,
        from: row.status(),
        to,
        step: Step::Escalate,
        side,
        author_id: &user.id,
        body: &when,
        file_ids: &[],
    };
    store::step(&state.db, new).await?;
    audit::record(&state.db, &user, "expertise", &id, "escalate").await?;
    super::tell(&state, [&row.requesting_org_id, &row.expert_org_id], &id);
    Ok(Json(store::summary_of(&state.db, &id).await?))
}
