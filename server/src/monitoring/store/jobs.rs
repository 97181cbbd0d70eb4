//! The scheduler's and the purge's SQL, and the receipts a purge leaves. Every
//! job is claimed by a conditional UPDATE (or a row lock) before it is done, so
//! two rounds, on one node or two, never both do it.

use regard_shared::monitoring::wire::{DeletionReceipt, EndReason};
use regard_shared::page::Page;
use sqlx::{AnyConnection, FromRow};

use crate::db::{enum_name, Db, Stored};
use crate::error::AppResult;
use crate::paging::{self, Cursor};

/// How long a claimed reminder waits to be sent before another round may
/// claim it again: far longer than a gateway's or mail server's timeout.
pub const REMINDER_LEASE_MS: i64 = 10 * 60 * 1000;

/// Questionnaires due, still open, not filled, of follow-ups under way. Read
/// from the follow-ups under way (`followups_under_way`, a few thousand) to
/// their schedules, never from every questionnaire ever due: `CROSS JOIN`
/// keeps SQLite's planner to that order (PostgreSQL's chooses by itself, by
/// the sizes). Rounds take at most 500 rows; the next round takes the rest.
const OPEN_AND_UNFILLED: &str = "FROM followups f CROSS JOIN followup_dues d
     WHERE d.followup_id = f.id AND f.ended_at IS NULL AND f.consented_at IS NOT NULL AND d.due_at <= $1
       AND NOT EXISTS (SELECT 1 FROM followup_submissions s WHERE s.followup_id = d.followup_id AND s.idx = d.idx)";

/// A questionnaire's row, and when its patient joined the follow-up.
const DUE_COLUMNS: &str = "d.followup_id, d.idx, d.day, d.due_at, f.consented_at";

/// Not sent, and not claimed by a round still within its lease.
const UNCLAIMED: &str = "d.reminded_at IS NULL AND (d.reminder_claimed_at IS NULL OR d.reminder_claimed_at <= $2)";

/// One questionnaire of one follow-up's schedule.
#[derive(FromRow)]
pub struct DueRow {
    pub followup_id: String,
    pub idx: i64,
    pub day: i64,
    pub due_at: i64,
    pub consented_at: i64,
}

/// Reminders to send now: questionnaires due, still open, unclaimed.
pub async fn reminders_due(db: &Db, now: i64) -> AppResult<Vec<DueRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DUE_COLUMNS} {OPEN_AND_UNFILLED} AND d.closes_at > $1 AND {UNCLAIMED}
         LIMIT 500"
    ))
    .bind(now)
    .bind(now - REMINDER_LEASE_MS)
    .fetch_all(db)
    .await
    .map(oldest_first)?)
}

/// Claims one reminder; `true` for the round that got it. The claim re-checks
/// that the follow-up is under way, so nothing leaves after a stop.
pub async fn claim_reminder(db: &Db, followup_id: &str, index: i64, now: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE followup_dues SET reminder_claimed_at = $1 WHERE followup_id = $3 AND idx = $4
           AND reminded_at IS NULL AND (reminder_claimed_at IS NULL OR reminder_claimed_at <= $2)
           AND EXISTS (SELECT 1 FROM followups f WHERE f.id = $3 AND f.ended_at IS NULL)",
    )
    .bind(now)
    .bind(now - REMINDER_LEASE_MS)
    .bind(followup_id)
    .bind(index)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_reminded(db: &Db, followup_id: &str, index: i64, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE followup_dues SET reminded_at = $1 WHERE followup_id = $2 AND idx = $3")
        .bind(now)
        .bind(followup_id)
        .bind(index)
        .execute(db)
        .await?;
    Ok(())
}

/// Questionnaires due and unfilled whose missed-questionnaire alert was not raised.
pub async fn unfilled(db: &Db, now: i64) -> AppResult<Vec<DueRow>> {
    Ok(sqlx::query_as(&format!("SELECT {DUE_COLUMNS} {OPEN_AND_UNFILLED} AND d.missed_alerted_at IS NULL LIMIT 500"))
        .bind(now)
        .fetch_all(db)
        .await
        .map(oldest_first)?)
}

/// A round's rows, the longest due first. Sorted here, not in SQL: an
/// `ORDER BY due_at` would lead PostgreSQL to walk the index of every
/// questionnaire ever due, in order, rather than start from the follow-ups
/// under way.
fn oldest_first(mut rows: Vec<DueRow>) -> Vec<DueRow> {
    rows.sort_by_key(|row| row.due_at);
    rows
}

/// Claims the missed-questionnaire alert inside the transaction that raises it.
/// The claim re-checks that it is still unfilled: the patient may have sent it
/// since the round read its list.
pub async fn claim_missed(tx: &mut AnyConnection, followup_id: &str, index: i64, now: i64) -> AppResult<bool> {
    let claimed = sqlx::query(
        "UPDATE followup_dues SET missed_alerted_at = $1 WHERE followup_id = $2 AND idx = $3
           AND missed_alerted_at IS NULL
           AND EXISTS (SELECT 1 FROM followups f WHERE f.id = $2 AND f.ended_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM followup_submissions s WHERE s.followup_id = $2 AND s.idx = $3)",
    )
    .bind(now)
    .bind(followup_id)
    .bind(index)
    .execute(&mut *tx)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Ends the follow-ups whose last questionnaire has closed; how many.
pub async fn finish_closed(db: &Db, now: i64, purge_at: i64) -> AppResult<u64> {
    let done = sqlx::query(
        "UPDATE followups SET ended_at = $1, end_reason = 'finished', purge_at = $2
         WHERE ended_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM followup_dues d WHERE d.followup_id = followups.id AND d.closes_at > $1)",
    )
    .bind(now)
    .bind(purge_at)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Follow-ups whose data is due for deletion.
pub async fn purges_due(db: &Db, now: i64) -> AppResult<Vec<String>> {
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM followups WHERE purge_at <= $1 LIMIT 100").bind(now).fetch_all(db).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Locks the follow-up's row for the purge's transaction: `false` when it is
/// already gone (a purge that ran meanwhile, which this one waited for).
pub async fn lock_followup(tx: &mut AnyConnection, id: &str) -> AppResult<bool> {
    let locked = sqlx::query("UPDATE followups SET id = id WHERE id = $1").bind(id).execute(&mut *tx).await?;
    Ok(locked.rows_affected() == 1)
}

/// What the receipt counts: questionnaires, photos, alerts, reminders.
pub async fn purge_counts(tx: &mut AnyConnection, id: &str) -> AppResult<[u32; 4]> {
    let counts: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM followup_submissions WHERE followup_id = $1),
                (SELECT COUNT(*) FROM followup_photos WHERE followup_id = $1),
                (SELECT COUNT(*) FROM followup_alerts WHERE followup_id = $1),
                (SELECT COUNT(*) FROM followup_dues WHERE followup_id = $1 AND reminded_at IS NOT NULL)",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    Ok([counts.0, counts.1, counts.2, counts.3].map(|n| n as u32))
}

/// The tables holding a follow-up's rows, children first.
const TABLES: [&str; 6] = [
    "followup_alerts",
    "followup_submissions",
    "followup_photos",
    "followup_dues",
    "followup_invitations",
    "sms_messages",
];

/// Writes the receipt and deletes every row of the follow-up, in `tx`.
pub async fn delete_with_receipt(
    tx: &mut AnyConnection,
    organisation_id: &str,
    receipt: &DeletionReceipt,
) -> AppResult<()> {
    let id = receipt.followup_id.as_str();
    sqlx::query(
        "INSERT INTO followup_receipts (followup_id, organisation_id, patient_name, protocol_title, start_date, ended_at,
                                        end_reason, deleted_at, questionnaires, photos, alerts, reminders,
                                        title_translations)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(organisation_id)
    .bind(&receipt.patient_name)
    .bind(&receipt.protocol_title)
    .bind(&receipt.start_date)
    .bind(receipt.ended_at)
    .bind(enum_name(&receipt.end_reason))
    .bind(receipt.deleted_at)
    .bind(i64::from(receipt.questionnaires))
    .bind(i64::from(receipt.photos))
    .bind(i64::from(receipt.alerts))
    .bind(i64::from(receipt.reminders))
    .bind(receipt.title_translations.as_ref().and_then(|element| serde_json::to_string(element).ok()))
    .execute(&mut *tx)
    .await?;
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table} WHERE followup_id = $1")).bind(id).execute(&mut *tx).await?;
    }
    crate::consultation::store::unlink_followup(tx, id).await?;
    sqlx::query("DELETE FROM followups WHERE id = $1").bind(id).execute(&mut *tx).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    followup_id: String,
    patient_name: String,
    protocol_title: String,
    title_translations: Option<String>,
    start_date: String,
    ended_at: i64,
    end_reason: Stored<EndReason>,
    deleted_at: i64,
    questionnaires: i64,
    photos: i64,
    alerts: i64,
    reminders: i64,
}

const RECEIPT_COLUMNS: &str = "followup_id, patient_name, protocol_title, title_translations, start_date, ended_at,
     end_reason, deleted_at, questionnaires, photos, alerts, reminders";

fn receipt_of(row: ReceiptRow) -> DeletionReceipt {
    DeletionReceipt {
        followup_id: row.followup_id,
        patient_name: row.patient_name,
        protocol_title: row.protocol_title,
        // Written by `delete_with_receipt`: unreadable, the receipt reads French.
        title_translations: row.title_translations.and_then(|json| serde_json::from_str(&json).ok()),
        start_date: row.start_date,
        ended_at: row.ended_at,
        end_reason: row.end_reason.0,
        deleted_at: row.deleted_at,
        questionnaires: row.questionnaires as u32,
        photos: row.photos as u32,
        alerts: row.alerts as u32,
        reminders: row.reminders as u32,
    }
}

pub async fn receipt(db: &Db, followup_id: &str) -> AppResult<Option<DeletionReceipt>> {
    let row: Option<ReceiptRow> =
        sqlx::query_as(&format!("SELECT {RECEIPT_COLUMNS} FROM followup_receipts WHERE followup_id = $1"))
            .bind(followup_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(receipt_of))
}

/// A page of the organisation's deletion receipts, the latest first.
pub async fn receipts(db: &Db, organisation_id: &str, start: &Cursor, limit: u32) -> AppResult<Page<DeletionReceipt>> {
    let sql = format!(
        "SELECT {RECEIPT_COLUMNS} FROM followup_receipts WHERE organisation_id = $1 AND {}
         ORDER BY deleted_at DESC, followup_id LIMIT $5",
        paging::after("0", "deleted_at", "followup_id", 2)
    );
    let rows: Vec<ReceiptRow> = paging::rows(db, &sql, organisation_id, start, limit, |q| q).await?;
    let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_receipts WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(db)
        .await?;
    let cursor = |r: &ReceiptRow| Cursor { rank: 0, at: r.deleted_at, id: r.followup_id.clone() };
    Ok(paging::page(rows, limit, total as u32, cursor, receipt_of))
}
