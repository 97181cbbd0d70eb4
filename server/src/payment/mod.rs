//! Payment of consultations. Tiers payant, the common case for a GP in France:
//! the patient pays nothing, and the end of the consultation records an
//! insurance claim (act code, amount, patient identity) that the practice
//! exports as CSV for its billing software. Card: the end of the consultation
//! opens a Stripe Checkout session the patient pays through; Stripe's signed
//! webhook says when it is paid; the GP may refund.

pub mod receipt;
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
use crate::db::{enum_name, in_paris, new_id, now_ms, parse_enum, Db};
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
    let (mode, act_code, amount_cents): (String, String, i64) =
        sqlx::query_as("SELECT payment_mode, act_code, fee_cents FROM consultations WHERE id = $1")
            .bind(consultation_id)
            .fetch_one(db)
            .await?;
    let mode: Mode = parse_enum(&mode).unwrap_or_default();
    let mut view =
        PaymentView { mode, act_code, amount_cents, status: Status::Pending, claim_id: None, checkout_url: None };
    match mode {
        Mode::TiersPayant => {
            let claim: Option<(String,)> = sqlx::query_as("SELECT id FROM insurance_claims WHERE consultation_id = $1")
                .bind(consultation_id)
                .fetch_optional(db)
                .await?;
            if let Some((id,)) = claim {
                view.status = Status::Paid;
                view.claim_id = Some(id);
            }
        }
        Mode::Card => {
            let card: Option<(String, Option<String>)> =
                sqlx::query_as("SELECT status, checkout_url FROM card_payments WHERE consultation_id = $1")
                    .bind(consultation_id)
                    .fetch_optional(db)
                    .await?;
            if let Some((status, url)) = card {
                view.status = parse_enum(&status).unwrap_or(Status::Pending);
                view.checkout_url = url.filter(|_| view.status == Status::Pending);
            }
        }
    }
    Ok(view)
}

/// The consultation is over: bill it. For tiers payant, records the claim
/// (once, however often this runs).
pub async fn on_consultation_end(state: &AppState, consultation_id: &str) -> AppResult<()> {
    let (mode,): (String,) = sqlx::query_as("SELECT payment_mode FROM consultations WHERE id = $1")
        .bind(consultation_id)
        .fetch_one(&state.db)
        .await?;
    if parse_enum::<Mode>(&mode) == Some(Mode::Card) {
        return open_checkout(state, consultation_id).await;
    }
    sqlx::query(
        "INSERT INTO insurance_claims (id, consultation_id, organisation_id, act_code, amount_cents, act_at,
                                       patient_last_name, patient_first_name, patient_birth_date, prescriber_name, created_at)
         SELECT $1, c.id, c.organisation_id, c.act_code, c.fee_cents, COALESCE(c.ended_at, $2),
                c.last_name, c.first_name, c.birth_date, u.display_name, $2
         FROM consultations c JOIN users u ON u.id = c.clinician_id
         WHERE c.id = $3 AND NOT EXISTS (SELECT 1 FROM insurance_claims WHERE consultation_id = $3)",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(consultation_id)
    .execute(&state.db)
    .await?;
    tracing::info!(consultation = %consultation_id, mode = %enum_name(&Mode::TiersPayant), "claim recorded");
    Ok(())
}

/// Opens the Checkout session the patient pays through (once per consultation).
async fn open_checkout(state: &AppState, consultation_id: &str) -> AppResult<()> {
    let existing: Option<(String,)> = sqlx::query_as("SELECT status FROM card_payments WHERE consultation_id = $1")
        .bind(consultation_id)
        .fetch_optional(&state.db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let Some(stripe) = &state.stripe else {
        return Err(AppError::Conflict("Card payment is not configured on this server."));
    };
    let (amount, clinician): (i64, String) = sqlx::query_as(
        "SELECT c.fee_cents, u.display_name FROM consultations c JOIN users u ON u.id = c.clinician_id WHERE c.id = $1",
    )
    .bind(consultation_id)
    .fetch_one(&state.db)
    .await?;
    let description = format!("Téléconsultation – {clinician}");
    let return_url = format!("{}/p", state.settings.public_url);
    let (status, session, url) = match stripe.checkout(consultation_id, amount, &description, &return_url).await {
        Ok(session) => (Status::Pending, Some(session.id), Some(session.url)),
        Err(error) => {
            tracing::warn!(%error, consultation = %consultation_id, "checkout session not created");
            (Status::Failed, None, None)
        }
    };
    sqlx::query(
        "INSERT INTO card_payments (consultation_id, status, session_id, checkout_url, updated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(consultation_id)
    .bind(enum_name(&status))
    .bind(session)
    .bind(url)
    .bind(now_ms())
    .execute(&state.db)
    .await?;
    Ok(())
}

async fn set_card_status(db: &Db, session_id: &str, status: Status, payment_intent: Option<&str>) -> AppResult<u64> {
    let done = sqlx::query(
        "UPDATE card_payments SET status = $1, payment_intent = COALESCE($2, payment_intent), updated_at = $3
         WHERE session_id = $4",
    )
    .bind(enum_name(&status))
    .bind(payment_intent)
    .bind(now_ms())
    .bind(session_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
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
    let updated = set_card_status(&state.db, &object.id, status, object.payment_intent.as_deref()).await?;
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
    let row: Option<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT status, payment_intent, session_id FROM card_payments WHERE consultation_id = $1")
            .bind(&id)
            .fetch_optional(&state.db)
            .await?;
    let (Some(stripe), Some((status, Some(intent), Some(session)))) = (&state.stripe, row) else {
        return Err(AppError::Conflict("Nothing was paid by card for this consultation."));
    };
    if parse_enum::<Status>(&status) != Some(Status::Paid) {
        return Err(AppError::Conflict("Nothing was paid by card for this consultation."));
    }
    stripe.refund(&id, &intent).await.map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    set_card_status(&state.db, &session, Status::Refunded, None).await?;
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

type ClaimRow = (String, i64, String, i64, String, String, String, String, String);

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
    let rows: Vec<ClaimRow> = sqlx::query_as(
        "SELECT id, act_at, act_code, amount_cents, patient_last_name, patient_first_name, patient_birth_date,
                prescriber_name, consultation_id
         FROM insurance_claims WHERE organisation_id = $1 AND act_at >= $2 AND act_at < $3 ORDER BY act_at",
    )
    .bind(&user.organisation_id)
    .bind(period.from)
    .bind(period.to)
    .fetch_all(&state.db)
    .await?;
    audit::record(&state.db, &user, "insurance_claims", &user.organisation_id, "export").await?;
    let mut csv = String::from(
        "claim_id;act_date;act_code;amount_eur;patient_last_name;patient_first_name;patient_birth_date;prescriber;consultation_id\r\n",
    );
    for (id, at, code, cents, last, first, birth, prescriber, consultation) in rows {
        let date = in_paris(at).format("%Y-%m-%d").to_string();
        let amount = format!("{},{:02}", cents / 100, cents % 100);
        let fields = [&id, &date, &code, &amount, &last, &first, &birth, &prescriber, &consultation];
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
