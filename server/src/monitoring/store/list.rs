//! The organisation's follow-ups, a page at a time, ordered by the database:
//! who needs attention is decided before any row is cut, so an alert on the
//! thousandth patient is on the first page.

use regard_shared::monitoring::wire::{EndReason, FollowUpSummary, Status};
use sqlx::FromRow;

use crate::db::{Db, Stored};
use crate::error::AppResult;

/// Where a page starts: the last row of the previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    attention: i64,
    created_at: i64,
    id: String,
}

impl Cursor {
    /// Reads `after=`; `None` when it is not one this server wrote.
    pub fn parse(text: &str) -> Option<Cursor> {
        let mut parts = text.splitn(3, '.');
        let attention = parts.next()?.parse().ok().filter(|a| (0..=3).contains(a))?;
        let created_at = parts.next()?.parse().ok()?;
        let id = parts.next().filter(|id| !id.is_empty() && id.len() <= 64)?.to_owned();
        Some(Cursor { attention, created_at, id })
    }

    fn text(&self) -> String {
        format!("{}.{}.{}", self.attention, self.created_at, self.id)
    }
}

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
              AND d.idx = (SELECT MAX(c.idx) FROM followup_dues c WHERE c.followup_id = f.id AND c.closes_at <= $2)
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

/// Up to `limit` follow-ups of the organisation after `after`, and where the
/// next page starts. Only the rows of the page have their figures counted.
pub async fn page(
    db: &Db,
    organisation_id: &str,
    after: Option<&Cursor>,
    limit: u32,
    now: i64,
) -> AppResult<(Vec<FollowUpSummary>, Option<String>)> {
    let sql = format!(
        "SELECT p.id, p.attention, p.created_at, p.first_name, p.last_name, p.protocol_title, p.start_date,
                p.consented_at, p.end_reason,
                (SELECT COUNT(*) FROM followup_alerts a WHERE a.followup_id = p.id AND a.acknowledged_at IS NULL)
                    AS open_alerts,
                (SELECT MAX(s.submitted_at) FROM followup_submissions s WHERE s.followup_id = p.id) AS last_filled_at,
                CASE WHEN p.ended_at IS NULL THEN
                    (SELECT MIN(d.due_at) FROM followup_dues d WHERE d.followup_id = p.id AND d.due_at > $2)
                END AS next_due_at
         FROM (SELECT f.id, f.created_at, f.first_name, f.last_name, f.protocol_title, f.start_date, f.consented_at,
                      f.end_reason, f.ended_at, {ATTENTION} AS attention
               FROM followups f WHERE f.organisation_id = $1) p
         WHERE p.attention > $3 OR (p.attention = $3 AND (p.created_at < $4 OR (p.created_at = $4 AND p.id > $5)))
         ORDER BY p.attention, p.created_at DESC, p.id
         LIMIT $6"
    );
    // One row more than asked says whether there is a next page.
    let start = after.cloned().unwrap_or(Cursor { attention: -1, created_at: 0, id: String::new() });
    let mut rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(organisation_id)
        .bind(now)
        .bind(start.attention)
        .bind(start.created_at)
        .bind(&start.id)
        .bind(i64::from(limit) + 1)
        .fetch_all(db)
        .await?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|r| Cursor { attention: r.attention, created_at: r.created_at, id: r.id.clone() }.text());
    let items = rows
        .into_iter()
        .map(|row| FollowUpSummary {
            status: row.status(),
            patient_name: format!("{} {}", row.first_name, row.last_name),
            id: row.id,
            protocol_title: row.protocol_title,
            start_date: row.start_date,
            open_alerts: row.open_alerts as u32,
            last_filled_at: row.last_filled_at,
            next_due_at: row.next_due_at,
        })
        .collect();
    Ok((items, next))
}

/// How many follow-ups the organisation has, on every page.
pub async fn total(db: &Db, organisation_id: &str) -> AppResult<u32> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followups WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(db)
        .await?;
    Ok(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_what_they_wrote_and_nothing_else() {
        let cursor = Cursor { attention: 2, created_at: 1_764_000_000_000, id: "0b7f3c1e-8f2a".into() };
        assert_eq!(Cursor::parse(&cursor.text()), Some(cursor));
        for bad in ["", "2", "2.x.id", "4.1.id", "-1.1.id", "2.1.", "2.1"] {
            assert_eq!(Cursor::parse(bad), None, "{bad}");
        }
    }
}
