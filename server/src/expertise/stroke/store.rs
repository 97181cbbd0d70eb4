//! The stroke timeline's rows, the NIHSS changes, and the year of stroke
//! requests the usage page reads.

use std::collections::HashMap;

use regard_shared::nihss::{ItemScore, ScoreEntry};
use regard_shared::stroke::{Milestone, MilestoneEntry, Problem, Recorded, StrokeCase, StrokeTimeline, Treatment};

use crate::db::{begin_on, enum_name, new_id, now_ms, Db, Stored};
use crate::error::AppResult;

#[derive(sqlx::FromRow)]
struct Row {
    request_id: String,
    milestone: Stored<Milestone>,
    at: i64,
    treatment: Option<Stored<Treatment>>,
    reasons: String,
    by_name: String,
    recorded_at: i64,
}

impl Row {
    fn recorded(self) -> Recorded {
        Recorded {
            milestone: self.milestone.0,
            at: self.at,
            treatment: self.treatment.map(|t| t.0),
            reasons: self.reasons,
            by: self.by_name,
            recorded_at: self.recorded_at,
        }
    }
}

const SELECT: &str = "SELECT s.request_id, s.milestone, s.at, s.treatment, s.reasons, u.display_name AS by_name,
        s.recorded_at
    FROM stroke_milestones s JOIN users u ON u.id = s.recorded_by";

async fn timeline_in<'e>(db: impl sqlx::AnyExecutor<'e>, request_id: &str) -> AppResult<StrokeTimeline> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} WHERE s.request_id = $1 ORDER BY s.recorded_at, s.id"))
        .bind(request_id)
        .fetch_all(db)
        .await?;
    Ok(StrokeTimeline { recorded: rows.into_iter().map(Row::recorded).collect() })
}

pub async fn timeline(db: &Db, request_id: &str) -> AppResult<StrokeTimeline> {
    timeline_in(db, request_id).await
}

/// Adds the entry `check` makes of the timeline as it stands, the request's
/// row held meanwhile so two entries at once are checked one after the other.
pub async fn record(
    db: &Db,
    request_id: &str,
    user_id: &str,
    check: impl FnOnce(&StrokeTimeline, i64) -> Result<MilestoneEntry, Problem>,
) -> AppResult<StrokeTimeline> {
    let mut tx = begin_on(db, "expertise_requests", request_id).await?;
    let now = now_ms();
    let entry =
        check(&timeline_in(&mut *tx, request_id).await?, now).map_err(regard_shared::validate::Invalid::from)?;
    sqlx::query(
        "INSERT INTO stroke_milestones (id, request_id, milestone, at, treatment, reasons, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(request_id)
    .bind(enum_name(&entry.milestone))
    .bind(entry.at)
    .bind(entry.treatment.map(|t| enum_name(&t)))
    .bind(&entry.reasons)
    .bind(user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let timeline = timeline_in(&mut *tx, request_id).await?;
    tx.commit().await?;
    Ok(timeline)
}

/// The stroke requests `site` sent or received since `since`, each with the
/// other site's name, when it was taken and its timeline.
pub async fn cases(db: &Db, site: &str, since: i64) -> AppResult<Vec<StrokeCase>> {
    const OF_SITE: &str = "r.specialty = 'stroke' AND r.submitted_at >= $2
        AND (r.expert_org_id = $1 OR r.requesting_org_id = $1)";
    let requests: Vec<(String, i64, String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT r.id, r.submitted_at, o.name,
            (SELECT MIN(m.at) FROM expertise_messages m WHERE m.request_id = r.id AND m.step = 'take')
         FROM expertise_requests r
         JOIN organisations o ON o.id = CASE WHEN r.expert_org_id = $1 THEN r.requesting_org_id ELSE r.expert_org_id END
         WHERE {OF_SITE}"
    ))
    .bind(site)
    .bind(since)
    .fetch_all(db)
    .await?;
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} JOIN expertise_requests r ON r.id = s.request_id WHERE {OF_SITE} ORDER BY s.recorded_at, s.id"
    ))
    .bind(site)
    .bind(since)
    .fetch_all(db)
    .await?;
    let mut timelines: HashMap<String, StrokeTimeline> = HashMap::new();
    for row in rows {
        timelines.entry(row.request_id.clone()).or_default().recorded.push(row.recorded());
    }
    Ok(requests
        .into_iter()
        .map(|(id, submitted_at, site, taken_at)| StrokeCase {
            submitted_at,
            site,
            taken_at,
            timeline: timelines.remove(&id).unwrap_or_default(),
        })
        .collect())
}

/// The NIHSS changes made after the request was sent, oldest first.
pub async fn nihss_changes(db: &Db, request_id: &str) -> AppResult<Vec<ScoreEntry>> {
    let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT s.item, CAST(s.score AS BIGINT), u.display_name, s.recorded_at
         FROM nihss_scores s JOIN users u ON u.id = s.recorded_by
         WHERE s.request_id = $1 ORDER BY s.recorded_at, s.id",
    )
    .bind(request_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(item, score, by, at)| ScoreEntry { item, score: u8::try_from(score).unwrap_or(0), by, at })
        .collect())
}

pub async fn score(db: &Db, request_id: &str, user_id: &str, change: &ItemScore) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO nihss_scores (id, request_id, item, score, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(request_id)
    .bind(&change.item)
    .bind(i64::from(change.score))
    .bind(user_id)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(())
}
