//! Rotas in the database, and the urgent requests ringing someone.

use regard_shared::expertise::{RequestSummary, Specialty};
use regard_shared::on_call::{Rota, Specialist};
use regard_shared::search::fold;

use super::super::store::{summary, SummaryRow, SUMMARY_SELECT};
use crate::db::{now_ms, Db, Stored};
use crate::error::AppResult;

const MINUTE_MS: i64 = 60_000;

/// The site's rotas, by specialty.
pub async fn rotas(db: &Db, site: &str) -> AppResult<Vec<Rota>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        specialty: Stored<Specialty>,
        on_call_id: String,
        on_call_name: String,
        fallback_id: Option<String>,
        fallback_name: Option<String>,
        escalate_after_ms: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.specialty, o.on_call_id, u.display_name AS on_call_name, o.fallback_id,
            f.display_name AS fallback_name, o.escalate_after_ms
         FROM expert_on_call o
         JOIN users u ON u.id = o.on_call_id
         LEFT JOIN users f ON f.id = o.fallback_id
         WHERE o.organisation_id = $1 ORDER BY o.specialty",
    )
    .bind(site)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Rota {
            specialty: row.specialty.0,
            on_call_id: row.on_call_id,
            on_call_name: row.on_call_name,
            fallback_id: row.fallback_id,
            fallback_name: row.fallback_name,
            escalate_after_minutes: u32::try_from(row.escalate_after_ms / MINUTE_MS).unwrap_or(u32::MAX),
        })
        .collect())
}

/// The site's specialists, who may be put on call, by name.
pub async fn specialists(db: &Db, site: &str) -> AppResult<Vec<Specialist>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE organisation_id = $1 AND role = 'specialist'")
            .bind(site)
            .fetch_all(db)
            .await?;
    let mut specialists: Vec<Specialist> = rows.into_iter().map(|(id, name)| Specialist { id, name }).collect();
    specialists.sort_by_cached_key(|s| (fold(&s.name), s.id.clone()));
    Ok(specialists)
}

/// The specialties the site answers, in the forms' order.
pub async fn offered(db: &Db, site: &str) -> AppResult<Vec<Specialty>> {
    let rows: Vec<(Stored<Specialty>,)> =
        sqlx::query_as("SELECT specialty FROM expert_specialties WHERE organisation_id = $1")
            .bind(site)
            .fetch_all(db)
            .await?;
    Ok(Specialty::ALL.into_iter().filter(|s| rows.iter().any(|(Stored(r),)| r == s)).collect())
}

/// Sets the specialty's rota (the last one written wins: a rota is replaced
/// whole), or clears it when nobody is on call.
pub async fn set(
    db: &Db,
    site: &str,
    specialty: Specialty,
    on_call: Option<(&str, Option<&str>, u32)>,
) -> AppResult<()> {
    let Some((on_call_id, fallback_id, minutes)) = on_call else {
        sqlx::query("DELETE FROM expert_on_call WHERE organisation_id = $1 AND specialty = $2")
            .bind(site)
            .bind(specialty.as_str())
            .execute(db)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO expert_on_call (organisation_id, specialty, on_call_id, fallback_id, escalate_after_ms, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organisation_id, specialty) DO UPDATE SET on_call_id = excluded.on_call_id,
            fallback_id = excluded.fallback_id, escalate_after_ms = excluded.escalate_after_ms,
            updated_at = excluded.updated_at",
    )
    .bind(site)
    .bind(specialty.as_str())
    .bind(on_call_id)
    .bind(fallback_id)
    .bind(i64::from(minutes) * MINUTE_MS)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}

/// An untaken urgent request that rings `user`, with whom it rang.
pub struct RingingRow {
    pub summary: RequestSummary,
    pub on_call_id: String,
    pub fallback_id: Option<String>,
    pub escalate_at: i64,
}

/// Untaken requests addressed to `site` ringing `user`, now or later.
pub async fn ringing(db: &Db, site: &str, user: &str) -> AppResult<Vec<RingingRow>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        summary: SummaryRow,
        on_call_id: String,
        fallback_id: Option<String>,
        escalate_at: i64,
    }
    // Two index ranges (the partial indexes of 0019), not one OR over the table.
    let sql = format!(
        "SELECT * FROM (
            {SUMMARY_SELECT_RINGING} WHERE r.expert_org_id = $1 AND r.status = 'submitted' AND r.on_call_id = $2
            UNION
            {SUMMARY_SELECT_RINGING} WHERE r.expert_org_id = $1 AND r.status = 'submitted' AND r.fallback_id = $2
         ) ringing ORDER BY submitted_at, id",
        SUMMARY_SELECT_RINGING = ringing_select()
    );
    let rows: Vec<Row> = sqlx::query_as(&sql).bind(site).bind(user).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|row| RingingRow {
            summary: summary(row.summary),
            on_call_id: row.on_call_id,
            fallback_id: row.fallback_id,
            escalate_at: row.escalate_at,
        })
        .collect())
}

/// The summary's columns and whom the request rang.
fn ringing_select() -> String {
    SUMMARY_SELECT.replacen("r.requester_read_at", "r.requester_read_at, r.on_call_id, r.fallback_id, r.escalate_at", 1)
}

/// Moves the moment the fallback of request `id` is rung (tests: the set time
/// passing). Returns the two sites to tell, if the request rings someone.
pub async fn move_escalation(db: &Db, id: &str, at: i64) -> AppResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "UPDATE expertise_requests SET escalate_at = $1 WHERE id = $2 AND escalate_at IS NOT NULL
         RETURNING requesting_org_id, expert_org_id",
    )
    .bind(at)
    .bind(id)
    .fetch_optional(db)
    .await?)
}
