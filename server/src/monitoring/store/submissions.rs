//! Filled questionnaires: what a new one is checked against, the answers
//! before it, and the group commit that stores the ones arriving together.
//!
//! Storing a submission costs one commit, and a commit costs a disk flush on
//! either backend; the reads a check needs cost round trips. So the check reads
//! the follow-up and its schedule row in one statement, reads earlier answers
//! only when an alert rule needs them, and the writer below puts the
//! submissions that arrive while a commit is under way into the next one.

use std::collections::HashSet;
use std::sync::Arc;

use regard_shared::monitoring::alerts::Raised;
use regard_shared::monitoring::questionnaire::Answers;
use regard_shared::monitoring::wire::{Due, Submission};
use regard_shared::monitoring::Protocol;
use sqlx::FromRow;
use tokio::sync::{mpsc, oneshot};

use super::raise;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// What a new submission to a follow-up is checked against.
pub struct Target {
    pub organisation_id: String,
    pub protocol: Arc<Protocol>,
    pub ended: bool,
    /// The schedule row of the questionnaire sent; `None` if there is none.
    pub due: Option<Due>,
}

#[derive(FromRow)]
struct TargetRow {
    organisation_id: String,
    protocol: String,
    ended_at: Option<i64>,
    idx: Option<i64>,
    day: Option<i64>,
    opens_at: Option<i64>,
    due_at: Option<i64>,
    closes_at: Option<i64>,
    filled_at: Option<i64>,
    reminded_at: Option<i64>,
}

/// The follow-up and its questionnaire `index`, in one statement; `None` once
/// the follow-up has been deleted.
pub async fn target(db: &Db, followup_id: &str, index: u32) -> AppResult<Option<Target>> {
    let row: Option<TargetRow> = sqlx::query_as(
        "SELECT f.organisation_id, f.protocol, f.ended_at, d.idx, d.day, d.opens_at, d.due_at, d.closes_at,
                s.submitted_at AS filled_at, d.reminded_at
         FROM followups f
         LEFT JOIN followup_dues d ON d.followup_id = f.id AND d.idx = $2
         LEFT JOIN followup_submissions s ON s.followup_id = d.followup_id AND s.idx = d.idx
         WHERE f.id = $1",
    )
    .bind(followup_id)
    .bind(i64::from(index))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let due = match (row.idx, row.day, row.opens_at, row.due_at, row.closes_at) {
        (Some(idx), Some(day), Some(opens_at), Some(due_at), Some(closes_at)) => Some(Due {
            index: idx as u32,
            day: day as u32,
            opens_at,
            due_at,
            closes_at,
            filled_at: row.filled_at,
            reminded_at: row.reminded_at,
        }),
        _ => None,
    };
    Ok(Some(Target {
        organisation_id: row.organisation_id,
        protocol: super::snapshots::parse(&row.protocol)?,
        ended: row.ended_at.is_some(),
        due,
    }))
}

/// The answers of the last `count` questionnaires filled before `index`, oldest first.
pub async fn recent_answers(db: &Db, followup_id: &str, index: u32, count: usize) -> AppResult<Vec<Answers>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT answers FROM followup_submissions WHERE followup_id = $1 AND idx < $2 ORDER BY idx DESC LIMIT $3",
    )
    .bind(followup_id)
    .bind(i64::from(index))
    .bind(count as i64)
    .fetch_all(db)
    .await?;
    let mut answers = rows
        .into_iter()
        .map(|(answers,)| serde_json::from_str(&answers).map_err(|e| AppError::Internal(e.into())))
        .collect::<AppResult<Vec<Answers>>>()?;
    answers.reverse();
    Ok(answers)
}

pub async fn submissions(db: &Db, id: &str) -> AppResult<Vec<Submission>> {
    let rows: Vec<(String, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT s.id, s.idx, d.day, s.submitted_at, s.answers
         FROM followup_submissions s JOIN followup_dues d ON d.followup_id = s.followup_id AND d.idx = s.idx
         WHERE s.followup_id = $1 ORDER BY s.idx",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(id, index, day, submitted_at, answers)| {
            let answers = serde_json::from_str(&answers).map_err(anyhow::Error::from)?;
            Ok(Submission { id, index: index as u32, day: day as u32, submitted_at, answers })
        })
        .collect()
}

/// The submission stored under `id`, with the follow-up it belongs to.
pub async fn submission(db: &Db, id: &str) -> AppResult<Option<(String, Submission)>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT followup_id FROM followup_submissions WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    let Some((followup_id,)) = row else { return Ok(None) };
    let found = submissions(db, &followup_id).await?.into_iter().find(|s| s.id == id);
    Ok(found.map(|s| (followup_id, s)))
}

/// A checked submission on its way to the database, with the alerts it raises.
pub struct NewRow {
    pub id: String,
    pub followup_id: String,
    pub index: u32,
    pub submitted_at: i64,
    /// The answers as JSON, serialised by the request, not by the writer.
    pub answers: String,
    pub raised: Vec<Raised>,
}

type Reply = oneshot::Sender<AppResult<bool>>;

/// At most this many submissions share a commit.
const BATCH: usize = 64;

/// The group commit: one task owns the writing, and a commit holds every
/// submission that arrived while the previous one was under way. Nothing waits
/// for a batch to fill, so one submission alone is written at once.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(NewRow, Reply)>,
}

impl Writer {
    /// Starts the writing task on the current Tokio runtime.
    pub fn start(db: Db) -> Writer {
        let (queue, mut arrivals) = mpsc::channel::<(NewRow, Reply)>(1024);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while arrivals.recv_many(&mut batch, BATCH).await > 0 {
                let (rows, replies): (Vec<NewRow>, Vec<Reply>) = batch.drain(..).unzip();
                match write(&db, &rows).await {
                    Ok(stored) => {
                        replies.into_iter().zip(stored).for_each(|(reply, stored)| _ = reply.send(Ok(stored)))
                    }
                    // One bad row (its follow-up deleted meanwhile) must not fail the others: each alone.
                    Err(_) if rows.len() > 1 => {
                        for (row, reply) in rows.into_iter().zip(replies) {
                            _ = reply.send(write(&db, std::slice::from_ref(&row)).await.map(|stored| stored[0]));
                        }
                    }
                    Err(error) => {
                        if let Some(reply) = replies.into_iter().next() {
                            _ = reply.send(Err(error));
                        }
                    }
                }
            }
        });
        Writer { queue }
    }

    /// Stores `row` and its alerts once committed: false (and nothing written)
    /// when its id or its questionnaire is already taken.
    pub async fn store(&self, row: NewRow) -> AppResult<bool> {
        let (reply, answer) = oneshot::channel();
        let stopped = || AppError::Internal(anyhow::anyhow!("the submission writer has stopped"));
        self.queue.send((row, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Writes `rows` in one transaction; which of them were stored.
async fn write(db: &Db, rows: &[NewRow]) -> AppResult<Vec<bool>> {
    let mut stored = vec![false; rows.len()];
    let mut tx = db.begin().await?;
    // The rows of one statement have distinct keys, so what it returns names
    // each row's fate; a row repeating a key (a retry racing its first send)
    // goes into a later statement, where it meets the stored one.
    let mut left: Vec<usize> = (0..rows.len()).collect();
    while !left.is_empty() {
        let (mut ids, mut slots) = (HashSet::new(), HashSet::new());
        let (now, later): (Vec<usize>, Vec<usize>) = left.into_iter().partition(|&i| {
            let row = &rows[i];
            ids.insert(row.id.as_str()) & slots.insert((row.followup_id.as_str(), row.index))
        });
        let mut rest = now.as_slice();
        while !rest.is_empty() {
            // Statements of 1, 2, 4, … rows: a connection keeps few prepared shapes.
            let size = 1 << rest.len().ilog2();
            let (chunk, tail) = rest.split_at(size);
            for id in insert(&mut tx, rows, chunk).await? {
                if let Some(&i) = chunk.iter().find(|&&i| rows[i].id == id) {
                    stored[i] = true;
                }
            }
            rest = tail;
        }
        left = later;
    }
    for (row, _) in rows.iter().zip(&stored).filter(|(_, stored)| **stored) {
        for alert in &row.raised {
            raise(&mut tx, &row.followup_id, row.index, alert).await?;
        }
    }
    tx.commit().await?;
    Ok(stored)
}

/// One multi-row INSERT; the ids it stored.
async fn insert(tx: &mut sqlx::AnyConnection, rows: &[NewRow], chunk: &[usize]) -> AppResult<Vec<String>> {
    let values: Vec<String> = (0..chunk.len())
        .map(|n| format!("(${}, ${}, ${}, ${}, ${})", 5 * n + 1, 5 * n + 2, 5 * n + 3, 5 * n + 4, 5 * n + 5))
        .collect();
    let sql = format!(
        "INSERT INTO followup_submissions (id, followup_id, idx, submitted_at, answers) VALUES {}
         ON CONFLICT DO NOTHING RETURNING id",
        values.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String,)>(&sql);
    for &i in chunk {
        let row = &rows[i];
        query = query
            .bind(&row.id)
            .bind(&row.followup_id)
            .bind(i64::from(row.index))
            .bind(row.submitted_at)
            .bind(&row.answers);
    }
    Ok(query.fetch_all(tx).await?.into_iter().map(|(id,)| id).collect())
}
