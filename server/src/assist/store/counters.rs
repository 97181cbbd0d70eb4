//! The usage page's counters: one per organisation, month and measure, moved
//! in the transaction that changes a case, so the page reads a dozen rows
//! instead of every case of the year.

use regard_shared::usage::{self, MonthUsage};
use sqlx::AnyConnection;

use crate::db::Db;
use crate::error::AppResult;

/// Adds `delta` to `measure` of the month a case created at `created_at` counts in.
pub(super) async fn add(
    tx: &mut AnyConnection,
    organisation_id: &str,
    created_at: i64,
    measure: &str,
    delta: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO assist_usage (organisation_id, month, measure, n) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id, month, measure) DO UPDATE SET n = assist_usage.n + excluded.n",
    )
    .bind(organisation_id)
    .bind(usage::month_of(created_at))
    .bind(measure)
    .bind(delta)
    .execute(tx)
    .await?;
    Ok(())
}

/// The organisation's figures for the months from the one `since_ms` falls in.
pub async fn usage(db: &Db, organisation_id: &str, since_ms: i64) -> AppResult<Vec<MonthUsage>> {
    let counts: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT month, measure, n FROM assist_usage WHERE organisation_id = $1 AND month >= $2")
            .bind(organisation_id)
            .bind(usage::month_of(since_ms))
            .fetch_all(db)
            .await?;
    Ok(usage::from_counts(counts))
}

/// How many cases the organisation has: the sum of its monthly counts (cases
/// are never deleted), a dozen rows a year instead of every case. (PostgreSQL
/// sums BIGINTs as NUMERIC, hence the cast.)
pub(super) async fn cases(db: &Db, organisation_id: &str) -> AppResult<i64> {
    let (total,): (Option<i64>,) =
        sqlx::query_as("SELECT CAST(SUM(n) AS BIGINT) FROM assist_usage WHERE organisation_id = $1 AND measure = $2")
            .bind(organisation_id)
            .bind(usage::ASSISTS)
            .fetch_one(db)
            .await?;
    Ok(total.unwrap_or(0))
}
