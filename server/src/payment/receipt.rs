//! The receipt of a consultation's payment, as a PDF: who, when, the act, the
//! amount, and how it was settled (tiers payant or card). The GP's in French;
//! the patient's in the language their page shows.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use regard_shared::lang::Lang;
use regard_shared::payment::{euros, Mode, Status};
use regard_shared::ApiError;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::consultation::{authorize, patient::consultation_of};
use crate::download::attachment;
use crate::error::{AppError, AppResult};
use crate::links::PatientDevice;
use crate::pdf::{Writer, MARGIN, WIDTH};
use crate::texts;
use crate::AppState;

pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(clinician_receipt))
}

pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(patient_receipt))
}

async fn receipt(state: &AppState, id: &str, lang: Lang) -> AppResult<Response> {
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
    let text = |key: &str, values: &[(&str, &str)]| texts::text(lang, "receipt", key, values);
    let (date, _) = texts::date_and_time(lang, ended.unwrap_or(scheduled));
    let name = format!("{first} {}", last.to_uppercase());
    let mut w = Writer::new().right_to_left(lang.is_rtl());
    w.line(16.0, true, &clinician);
    w.line(11.0, false, &practice);
    w.gap(12.0);
    w.line(20.0, true, &text("title", &[]));
    w.line(11.0, false, &text("consultation_of", &[("date", &date)]));
    w.line(11.0, false, &text("reference", &[("id", id)]));
    w.gap(12.0);
    w.line(12.0, true, &text("patient", &[("name", &name)]));
    w.line(11.0, false, &text("born", &[("date", &texts::calendar_date(lang, &birth))]));
    w.gap(12.0);
    w.line(12.0, false, &text("act", &[("act", &act), ("amount", &euros(payment.amount_cents))]));
    let settled = match (payment.mode, payment.status) {
        (Mode::TiersPayant, _) => "tiers_payant",
        (Mode::Card, Status::Refunded) => "card_refunded",
        (Mode::Card, _) => "card",
    };
    // The longest (Arabic, Turkish) is wider than a line: wrapped.
    for line in w.wrap(&text(settled, &[]), 11.0, WIDTH - 2.0 * MARGIN) {
        w.line(11.0, false, &line);
    }
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
    receipt(&state, &id, Lang::Fr).await
}

#[derive(Deserialize, utoipa::IntoParams)]
struct ReceiptLanguage {
    /// The page's language (`ar`, `pt`…); else the patient's, else French.
    lang: Option<String>,
}

/// The receipt, for the patient.
#[utoipa::path(get, path = "/consultation/receipt", tag = "patient", params(ReceiptLanguage),
    responses((status = 200, description = "The receipt", content_type = "application/pdf"), (status = 409, description = "Not settled yet", body = ApiError)))]
async fn patient_receipt(
    State(state): State<AppState>,
    device: PatientDevice,
    Query(query): Query<ReceiptLanguage>,
) -> AppResult<Response> {
    let id = consultation_of(&device)?.to_owned();
    let lang = match query.lang.as_deref().and_then(Lang::from_tag) {
        Some(lang) => lang,
        None => crate::consultation::store::owner(&state.db, &id).await?.language.unwrap_or(Lang::Fr),
    };
    receipt(&state, &id, lang).await
}
