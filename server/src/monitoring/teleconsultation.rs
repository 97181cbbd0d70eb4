//! A teleconsultation with a follow-up's patient in one step, typically from
//! an alert ("le cas échéant d'une téléconsultation"): the patient's identity is
//! the follow-up's, the invitation leaves by the channel they chose for their
//! reminders, and the two records name each other.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use regard_shared::consultation::{NewConsultation, REASON_MAX_CHARS};
use regard_shared::monitoring::wire::{FollowUpConsultation, LinkedConsultation};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::{self, FollowUp};
use crate::audit;
use crate::auth::CurrentUser;
use crate::consultation;
use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start))
}

/// Where the invitation goes: the channels the patient chose for reminders,
/// or every contact the follow-up holds when none of those can be used.
fn contacts(followup: &FollowUp) -> (Option<String>, Option<String>) {
    let phone = followup.phone.clone().filter(|_| followup.reminders.sms);
    let email = followup.email.clone().filter(|_| followup.reminders.email);
    if phone.is_none() && email.is_none() {
        return (followup.phone.clone(), followup.email.clone());
    }
    (phone, email)
}

/// The consultation's reason: the follow-up and its latest alert still open.
async fn reason(db: &Db, followup: &FollowUp) -> AppResult<String> {
    let alerts = store::alerts(db, &followup.id).await?;
    let open = alerts.iter().filter(|a| a.acknowledged_at.is_none()).max_by_key(|a| a.raised_at);
    let reason = match open {
        Some(alert) => format!("{} : {}", followup.protocol.title, alert.message),
        None => followup.protocol.title.clone(),
    };
    Ok(reason.chars().take(REASON_MAX_CHARS).collect())
}

/// Schedules a teleconsultation with the follow-up's patient (now, unless a
/// time is given) and sends them the invitation.
#[utoipa::path(post, path = "/{id}/consultations", tag = "monitoring", request_body = FollowUpConsultation,
    params(("id" = String, Path, description = "Follow-up id")),
    responses(
        (status = 201, body = LinkedConsultation),
        (status = 403, description = "Not allowed to follow patients or to hold teleconsultations", body = ApiError),
        (status = 409, description = "The follow-up has ended", body = ApiError),
        (status = 422, body = ApiError),
    ))]
async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<FollowUpConsultation>,
) -> AppResult<(StatusCode, Json<LinkedConsultation>)> {
    let followup = super::authorize(&state, &user, &id).await?;
    if followup.ended_at.is_some() {
        return Err(AppError::Conflict("This follow-up has ended."));
    }
    let (phone, email) = contacts(&followup);
    let scheduled_at = request.scheduled_at.unwrap_or_else(now_ms);
    let appointment = NewConsultation {
        last_name: followup.last_name.clone(),
        first_name: followup.first_name.clone(),
        birth_date: followup.birth_date.clone(),
        phone,
        email,
        scheduled_at,
        reason: reason(&state.db, &followup).await?,
        payment_mode: Default::default(),
        fee_cents: None,
        language: followup.language,
    };
    let consultation_id = consultation::schedule(&state, &user, &appointment).await?;
    consultation::store::set_followup(&state.db, &consultation_id, &id).await?;
    audit::record(&state.db, &user, "followup", &id, "teleconsultation").await?;
    super::tell(&state, &id, false).await?;
    tracing::info!(followup = %id, consultation = %consultation_id, "teleconsultation from a follow-up");
    Ok((StatusCode::CREATED, Json(LinkedConsultation { id: consultation_id, scheduled_at })))
}

/// The teleconsultations started from the follow-up.
pub(super) async fn linked(db: &Db, followup_id: &str) -> AppResult<Vec<LinkedConsultation>> {
    let found = consultation::store::of_followup(db, followup_id).await?;
    Ok(found.into_iter().map(|(id, scheduled_at)| LinkedConsultation { id, scheduled_at }).collect())
}
