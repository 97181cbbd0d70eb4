//! The organisation's follow-ups, a page at a time, ordered by the database:
//! who needs attention is decided before any row is cut, so an alert on the
//! thousandth patient is on the first page. And the console's news banner.

use regard_shared::monitoring::wire::{Activity, EndReason, Filled, FollowUpSummary, Status};
use regard_shared::page::Page;
use sqlx::FromRow;

use crate::db::{now_ms, Db, Stored};
use crate::error::AppResult;
use crate::paging::{self, Cursor};

/// How much a follow-up needs a clinician now: 0 an open alert, 1 the last
/// questionnaire that closed was not filled, 2 under way (or not joined yet),
/// 3 ended. The same rule as `Facts::status`, which a test holds them to.
const ATTENTION: &str = "CAST(CASE
        WHEN f.ended_at IS NOT NULL THEN 3
        WHEN f.consented_at IS NULL THEN 2
        WHEN EXISTS (SELECT 1 FROM followup_alerts a WHERE a.followup_id = f.id AND a.acknowledged_at IS NULL) THEN 0
        WHEN EXISTS (
            SELECT 1 FROM followup_dues d
            WHERE d.followup_id = f.id
              AND d.idx = (SELECT MAX(c.idx) FROM followup_dues c WHERE c.followup_id = f.id AND c.closes_at <= $6)
              AND NOT EXISTS (SELECT 1 FROM followup_submissions s WHERE s.followup_id = f.id AND s.idx = d.idx)
        ) THEN 1
        ELSE 2 END AS BIGINT)";

#[derive(FromRow)]
struct Row {
    id: String,
    attention: i64,
    created_at: i64,
    first_name: String,
    last_name: String,
    protocol_title: String,
    start_date: String,
    consented_at: Option<i64>,
    end_reason: Option<Stored<EndReason>>,
    open_alerts: i64,
    last_filled_at: Option<i64>,
    next_due_at: Option<i64>,
}

impl Row {
    fn status(&self) -> Status {
        match (self.attention, &self.end_reason) {
            (3, Some(Stored(EndReason::Finished))) => Status::Finished,
            (3, _) => Status::Stopped,
            (0, _) => Status::Alert,
            (1, _) => Status::Missed,
            _ if self.consented_at.is_none() => Status::Invited,
            _ => Status::OnTrack,
        }
    }
}

/// Up to `limit` follow-ups of the organisation after `start`. The attention
/// of those under way (a few dozen) is worked out; the ended ones (most of
/// the years' follow-ups, all of rank 3) come from the index by date, only as
/// many as the page can hold. Only the rows of the page have their figures
/// counted.
pub async fn page(
    db: &Db,
    organisation_id: &str,
    start: &Cursor,
    limit: u32,
    now: i64,
) -> AppResult<Page<FollowUpSummary>> {
    const COLUMNS: &str =
        "f.id, f.created_at, f.first_name, f.last_name, f.protocol_title, f.start_date, f.consented_at, f.end_reason, f.ended_at";
    // The follow-ups under way have their attention worked out once, in a
    // materialised step: inlined, PostgreSQL evaluated it once per comparison
    // of the cursor's condition (two to three times per row, 40 % more reads).
    let sql = format!(
        "WITH u AS MATERIALIZED (
             SELECT {COLUMNS}, {ATTENTION} AS attention
             FROM followups f WHERE f.organisation_id = $1 AND f.ended_at IS NULL)
         SELECT p.id, p.attention, p.created_at, p.first_name, p.last_name, p.protocol_title, p.start_date,
                p.consented_at, p.end_reason,
                (SELECT COUNT(*) FROM followup_alerts a WHERE a.followup_id = p.id AND a.acknowledged_at IS NULL)
                    AS open_alerts,
                (SELECT MAX(s.submitted_at) FROM followup_submissions s WHERE s.followup_id = p.id) AS last_filled_at,
                CASE WHEN p.ended_at IS NULL THEN
                    (SELECT MIN(d.due_at) FROM followup_dues d WHERE d.followup_id = p.id AND d.due_at > $6)
                END AS next_due_at
         FROM (SELECT * FROM u
               WHERE {}
               UNION ALL
               SELECT * FROM (SELECT {COLUMNS}, CAST(3 AS BIGINT) AS attention
                              FROM followups f WHERE f.organisation_id = $1 AND f.ended_at IS NOT NULL AND {}
                              ORDER BY f.created_at DESC, f.id LIMIT $5) e) p
         ORDER BY p.attention, p.created_at DESC, p.id
         LIMIT $5",
        paging::after("u.attention", "u.created_at", "u.id", 2),
        paging::after("3", "f.created_at", "f.id", 2)
    );
    let rows: Vec<Row> = paging::rows(db, &sql, organisation_id, start, limit, |q| q.bind(now)).await?;
    let total = total(db, organisation_id).await?;
    let cursor = |r: &Row| Cursor { rank: r.attention, at: r.created_at, id: r.id.clone() };
    Ok(paging::page(rows, limit, total, cursor, |row| FollowUpSummary {
        status: row.status(),
        patient_name: format!("{} {}", row.first_name, row.last_name),
        id: row.id,
        protocol_title: row.protocol_title,
        start_date: row.start_date,
        open_alerts: row.open_alerts as u32,
        last_filled_at: row.last_filled_at,
        next_due_at: row.next_due_at,
    }))
}

/// How many follow-ups the organisation has, on every page.
async fn total(db: &Db, organisation_id: &str) -> AppResult<u32> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followups WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(db)
        .await?;
    Ok(n as u32)
}

/// How far back the console's news banner looks: what came before is on the dashboard.
pub const ACTIVITY_WINDOW_MS: i64 = 24 * 3_600_000;

pub async fn activity(db: &Db, organisation_id: &str, since: i64) -> AppResult<Activity> {
    // From the practice's follow-ups that could have had a questionnaire filled
    // in the window (under way, or ended since: an ended follow-up takes no
    // more), each read by follow-up and instant from its index, never through
    // the whole region's day. `CROSS JOIN` keeps SQLite's planner to that
    // order. At most a day back, whatever is asked.
    let filled: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.followup_id, f.first_name || ' ' || f.last_name, d.day, s.submitted_at
         FROM (SELECT id, first_name, last_name FROM followups WHERE organisation_id = $1 AND ended_at IS NULL
               UNION ALL
               SELECT id, first_name, last_name FROM followups WHERE organisation_id = $1 AND ended_at > $2) f
         CROSS JOIN followup_submissions s
         JOIN followup_dues d ON d.followup_id = s.followup_id AND d.idx = s.idx
         WHERE s.followup_id = f.id AND s.submitted_at > $2
         ORDER BY s.submitted_at DESC LIMIT 20",
    )
    .bind(organisation_id)
    .bind(since.max(now_ms() - ACTIVITY_WINDOW_MS))
    .fetch_all(db)
    .await?;
    let (open, red): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), SUM(CASE WHEN a.level = 'red' THEN 1 ELSE 0 END)
         FROM followup_alerts a WHERE a.acknowledged_at IS NULL AND a.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_one(db)
    .await?;
    Ok(Activity {
        filled: filled
            .into_iter()
            .map(|(followup_id, patient_name, day, submitted_at)| Filled {
                followup_id,
                patient_name,
                day: day as u32,
                submitted_at,
            })
            .collect(),
        open_alerts: open as u32,
        red_alerts: red.unwrap_or(0) as u32,
    })
}
