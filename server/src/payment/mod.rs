//! Payment of consultations. Tiers payant, the common case for a GP in France:
//! the patient pays nothing, and the end of the consultation records an
//! insurance claim (act code, amount, patient identity) that the practice
//! exports as CSV for its billing software.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use regard_shared::payment::{Mode, PaymentView, Status};
use regard_shared::validate::Invalid;
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{enum_name, new_id, now_ms, parse_enum, Db};
use crate::error::AppResult;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_claims))
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
    if parse_enum::<Mode>(&mode) != Some(Mode::TiersPayant) {
        return Ok(());
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

#[derive(Deserialize, utoipa::IntoParams)]
struct Period {
    /// Start, ms since the epoch (included).
    from: i64,
    /// End, ms since the epoch (excluded); at most 366 days after `from`.
    to: i64,
}

/// A CSV field: quoted when it holds the separator, a quote or a line break;
/// a leading =, +, - or @ is neutralised so a spreadsheet never runs it.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
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
    if period.to <= period.from || period.to - period.from > 366 * 24 * 3600 * 1000 {
        return Err(Invalid { field: "to", message: "Ask for at most a year." }.into());
    }
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
        let date = chrono::DateTime::from_timestamp_millis(at)
            .unwrap_or_default()
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%Y-%m-%d")
            .to_string();
        let amount = format!("{},{:02}", cents / 100, cents % 100);
        let fields = [&id, &date, &code, &amount, &last, &first, &birth, &prescriber, &consultation];
        csv.push_str(&fields.map(|f| field(f)).join(";"));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"regard-claims.csv\""),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::field("Dupont"), "Dupont");
        assert_eq!(super::field("a;b"), "\"a;b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
