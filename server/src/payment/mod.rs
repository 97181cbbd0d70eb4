//! Payment of consultations. Tiers payant, the common case for a GP in France:
//! the patient pays nothing, and the end of the consultation records an
//! insurance claim (act code, amount, patient identity) that the practice
//! exports as CSV for its billing software. Card: the end of the consultation
//! opens a Stripe Checkout session the patient pays through; Stripe's signed
//! webhook says when it is paid; the GP may refund.

pub mod receipt;
mod store;
pub mod stripe;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use regard_shared::consultation::ConsultationDetail;
use regard_shared::payment::{Mode, PaymentView, Status};
use regard_shared::validate;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{in_paris, now_ms, Db, Stored};
use crate::download::attachment;
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

/// Under /api/v1/claims.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_claims))
}

/// Under /api/v1/payments: the provider's webhook (authenticated by its signature).
pub fn webhook_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stripe_webhook))
}

/// Under /api/v1/consultations.
pub fn clinician_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(refund)).merge(receipt::clinician_routes())
}

/// Where the payment of a consultation stands.
pub async fn view(db: &Db, consultation_id: &str) -> AppResult<PaymentView> {
    let terms = store::terms(db, consultation_id).await?;
    let mode = terms.payment_mode.0;
    let mut view = PaymentView {
        mode,
        act_code: terms.act_code,
        amount_cents: terms.fee_cents,
        status: Status::Pending,
        claim_id: None,
        checkout_url: None,
    };
    match mode {
        Mode::TiersPayant => {
            if let Some(id) = store::claim_id(db, consultation_id).await? {
                view.status = Status::Paid;
                view.claim_id = Some(id);
            }
        }
        Mode::Card => {
            if let Some(card) = store::card(db, consultation_id).await? {
                view.status = card.status.0;
                view.checkout_url = card.checkout_url.filter(|_| view.status == Status::Pending);
            }
        }
    }
    Ok(view)
}

/// The consultation ended: record the insurance claim, or open the card checkout
/// (once, however often this runs, and whoever runs it at the same time).
pub async fn on_consultation_end(state: &AppState, consultation_id: &str) -> AppResult<()> {
    let terms = store::terms(&state.db, consultation_id).await?;
    match terms.payment_mode.0 {
        Mode::TiersPayant => store::insert_claim(&state.db, consultation_id, now_ms()).await,
        Mode::Card => open_checkout(state, consultation_id, &terms).await,
    }
}

/// Opens the Checkout session the patient pays through: only the caller that
/// claimed the consultation's card payment row asks the provider, so two ends
/// at once open one session.
async fn open_checkout(state: &AppState, consultation_id: &str, terms: &store::Terms) -> AppResult<()> {
    let Some(stripe) = &state.stripe else {
        return Err(AppError::Conflict("Card payment is not configured on this server."));
    };
    if !store::claim_checkout(&state.db, consultation_id, now_ms()).await? {
        return Ok(());
    }
    let description = format!("Téléconsultation – {}", terms.clinician);
    let return_url = format!("{}/p", state.settings.public_url);
    let (status, session, url) =
        match stripe.checkout(consultation_id, terms.fee_cents, &description, &return_url).await {
            Ok(session) => (Status::Pending, Some(session.id), Some(session.url)),
            Err(error) => {
                tracing::warn!(%error, consultation = %consultation_id, "checkout session not created");
                (Status::Failed, None, None)
            }
        };
    store::record_checkout(&state.db, consultation_id, status, session.as_deref(), url.as_deref(), now_ms()).await
}

/// Stripe tells Regard a checkout was paid or expired. Authenticated by the
/// `Stripe-Signature` header; anything unsigned or stale is refused.
#[utoipa::path(post, path = "/stripe/webhook", tag = "payment",
    request_body(content = String, content_type = "application/json"),
    responses((status = 204, description = "Taken into account"), (status = 400, description = "Bad or missing signature", body = ApiError)))]
async fn stripe_webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> AppResult<StatusCode> {
    let Some(stripe) = &state.stripe else { return Err(AppError::NotFound) };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    stripe
        .verify_webhook(signature, &body, now_ms() / 1000)
        .map_err(|why| AppError::BadRequest(format!("Webhook refused: {why}.")))?;
    let event: stripe::Event =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("Unreadable event.".to_owned()))?;
    let object = &event.data.object;
    let status = match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => Status::Paid,
        "checkout.session.expired" | "checkout.session.async_payment_failed" => Status::Failed,
        // Other events are acknowledged and ignored, as Stripe expects.
        _ => return Ok(StatusCode::NO_CONTENT),
    };
    let updated =
        store::set_card_status(&state.db, &object.id, status, object.payment_intent.as_deref(), now_ms()).await?;
    tracing::info!(kind = %event.kind, session = %object.id, updated, "payment webhook");
    Ok(StatusCode::NO_CONTENT)
}

/// The GP refunds a card payment in full.
#[utoipa::path(post, path = "/{id}/refund", tag = "payment", params(("id" = String, Path)),
    responses((status = 200, body = ConsultationDetail), (status = 409, description = "Nothing paid by card to refund", body = ApiError)))]
async fn refund(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<Json<ConsultationDetail>> {
    crate::consultation::authorize(&state, &user, &id).await?;
    let card = store::card(&state.db, &id).await?;
    let (
        Some(stripe),
        Some(store::CardPayment {
            status: Stored(Status::Paid),
            payment_intent: Some(intent),
            session_id: Some(session),
            ..
        }),
    ) = (&state.stripe, card)
    else {
        return Err(AppError::Conflict("Nothing was paid by card for this consultation."));
    };
    stripe.refund(&id, &intent).await.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    store::set_card_status(&state.db, &session, Status::Refunded, None, now_ms()).await?;
    audit::record(&state.db, &user, "payment", &id, "refund").await?;
    Ok(Json(crate::consultation::store::detail(&state.db, &id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
struct Period {
    /// Start, ms since the epoch (included).
    from: i64,
    /// End, ms since the epoch (excluded); at most 366 days after `from`.
    to: i64,
}

/// A CSV field: quoted when it holds the separator, a quote or a line break;
/// a leading =, +, -, @, tab or carriage return is neutralised so a spreadsheet
/// never reads a formula in it.
fn field(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if formula { format!("'{value}") } else { value.to_owned() };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The practice's insurance claims of a period, as CSV (semicolons, amounts in
/// euros with a decimal comma, UTF-8), for the billing software.
#[utoipa::path(get, path = "/export", tag = "payment", params(Period),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn export_claims(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(period): Query<Period>,
) -> AppResult<Response> {
    user.authorize(Action::ConductConsultation, &user.organisation_id)?;
    validate::period(period.from, period.to, 366 * 24 * 3600 * 1000, "Ask for at most a year.")?;
    let claims = store::claims(&state.db, &user.organisation_id, period.from, period.to).await?;
    audit::record(&state.db, &user, "insurance_claims", &user.organisation_id, "export").await?;
    let mut csv = String::from(
        "claim_id;act_date;act_code;amount_eur;patient_last_name;patient_first_name;patient_birth_date;prescriber;consultation_id\r\n",
    );
    for claim in claims {
        let date = in_paris(claim.act_at).format("%Y-%m-%d").to_string();
        let amount = format!("{},{:02}", claim.amount_cents / 100, claim.amount_cents % 100);
        let fields = [
            &claim.id,
            &date,
            &claim.act_code,
            &amount,
            &claim.patient_last_name,
            &claim.patient_first_name,
            &claim.patient_birth_date,
            &claim.prescriber_name,
            &claim.consultation_id,
        ];
        csv.push_str(&fields.map(|f| field(f)).join(";"));
        csv.push_str("\r\n");
    }
    Ok(attachment("text/csv; charset=utf-8", "regard-claims.csv", csv))
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::field("Dupont"), "Dupont");
        assert_eq!(super::field("a;b"), "\"a;b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(super::field("\t=1+1"), "'\t=1+1");
        assert_eq!(super::field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(super::field("@SUM(A1)"), "'@SUM(A1)");
    }
}
