//! The receipt of a consultation's payment, as a PDF: who, when, the act, the
//! amount, and how it was settled (tiers payant or card).

use axum::extract::{Path, State};
use axum::response::Response;
use regard_shared::payment::{euros, Mode, Status};
use regard_shared::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::consultation::{authorize, patient::consultation_of};
use crate::db::in_paris;
use crate::download::attachment;
use crate::error::{AppError, AppResult};
use crate::links::PatientDevice;
use crate::pdf::Writer;
use crate::AppState;

pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(clinician_receipt))
}

pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(patient_receipt))
}

async fn receipt(state: &AppState, id: &str) -> AppResult<Response> {
    let payment = super::view(&state.db, id).await?;
    if !matches!(payment.status, Status::Paid | Status::Refunded) {
        return Err(AppError::Conflict("Nothing has been settled for this consultation yet."));
    }
    let super::store::ReceiptFacts {
        practice,
        clinician,
        last_name: last,
        first_name: first,
        birth_date: birth,
        act_code: act,
        scheduled_at: scheduled,
        ended_at: ended,
    } = super::store::receipt_facts(&state.db, id).await?;
    let mut w = Writer::new();
    w.line(16.0, true, &clinician);
    w.line(11.0, false, &practice);
    w.gap(12.0);
    w.line(20.0, true, "Reçu de consultation");
    w.line(11.0, false, &format!("Téléconsultation du {}", in_paris(ended.unwrap_or(scheduled)).format("%d/%m/%Y")));
    w.line(11.0, false, &format!("Référence : {id}"));
    w.gap(12.0);
    w.line(12.0, true, &format!("Patient : {first} {}", last.to_uppercase()));
    w.line(11.0, false, &format!("Né(e) le {birth}"));
    w.gap(12.0);
    w.line(12.0, false, &format!("Acte : {act} – {}", euros(payment.amount_cents)));
    let settled = match (payment.mode, payment.status) {
        (Mode::TiersPayant, _) => {
            "Tiers payant : pris en charge par l'Assurance maladie, rien à régler par le patient."
        }
        (Mode::Card, Status::Refunded) => "Réglé par carte bancaire, puis remboursé.",
        (Mode::Card, _) => "Réglé par carte bancaire.",
    };
    w.line(11.0, false, settled);
    Ok(attachment("application/pdf", &format!("recu-{id}.pdf"), w.finish()))
}

/// The receipt, for the GP.
#[utoipa::path(get, path = "/{id}/receipt", tag = "payment", params(("id" = String, Path)),
    responses((status = 200, description = "The receipt", content_type = "application/pdf"), (status = 409, description = "Not settled yet", body = ApiError)))]
async fn clinician_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    authorize(&state, &user, &id).await?;
    receipt(&state, &id).await
}

/// The receipt, for the patient.
#[utoipa::path(get, path = "/consultation/receipt", tag = "patient",
    responses((status = 200, description = "The receipt", content_type = "application/pdf"), (status = 409, description = "Not settled yet", body = ApiError)))]
async fn patient_receipt(State(state): State<AppState>, device: PatientDevice) -> AppResult<Response> {
    let id = consultation_of(&device)?.to_owned();
    receipt(&state, &id).await
}
