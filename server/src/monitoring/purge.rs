//! Deleting a follow-up's data for real once it has ended and the retention
//! period has passed: every row (identity, schedule, answers, photos, alerts,
//! invitations, text messages) and every photo file. A receipt stays: what was
//! deleted and when, with no answer in it. The patient is told by the channels
//! they chose for reminders. The access log keeps who looked, never what.

use regard_shared::monitoring::wire::{DeletionReceipt, EndReason};

use super::store;
use crate::blobs;
use crate::db::{enum_name, in_paris, now_ms, Db, Stored};
use crate::error::AppResult;
use crate::sms::{About, OutgoingSms};
use crate::AppState;

/// The tables holding a follow-up's rows, children first.
const TABLES: [&str; 6] = [
    "followup_alerts",
    "followup_submissions",
    "followup_photos",
    "followup_dues",
    "followup_invitations",
    "sms_messages",
];

async fn count(tx: &mut sqlx::AnyConnection, sql: &str, id: &str) -> AppResult<u32> {
    let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(&mut *tx).await?;
    Ok(n as u32)
}

/// Deletes the follow-up's data and returns the receipt. Safe to run again
/// after a crash: rows go in one transaction, files after, idempotently. Two
/// purges at once (two schedulers, two nodes) do it once: the transaction
/// starts by locking the follow-up's row, and the one that waited finds it gone.
pub async fn purge(state: &AppState, id: &str) -> AppResult<Option<DeletionReceipt>> {
    let db = &state.db;
    let Some(followup) = store::find(db, id).await? else { return Ok(None) };
    let mut tx = db.begin().await?;
    let locked = sqlx::query("UPDATE followups SET id = id WHERE id = $1").bind(id).execute(&mut *tx).await?;
    if locked.rows_affected() == 0 {
        return Ok(None);
    }
    let receipt = DeletionReceipt {
        followup_id: id.to_owned(),
        patient_name: followup.patient_name.clone(),
        protocol_title: followup.protocol.title.clone(),
        start_date: followup.start_date.clone(),
        ended_at: followup.ended_at.unwrap_or_else(now_ms),
        end_reason: followup.end_reason.unwrap_or(EndReason::Finished),
        deleted_at: now_ms(),
        questionnaires: count(&mut tx, "SELECT COUNT(*) FROM followup_submissions WHERE followup_id = $1", id).await?,
        photos: count(&mut tx, "SELECT COUNT(*) FROM followup_photos WHERE followup_id = $1", id).await?,
        alerts: count(&mut tx, "SELECT COUNT(*) FROM followup_alerts WHERE followup_id = $1", id).await?,
        reminders: count(
            &mut tx,
            "SELECT COUNT(*) FROM followup_dues WHERE followup_id = $1 AND reminded_at IS NOT NULL",
            id,
        )
        .await?,
    };
    sqlx::query(
        "INSERT INTO followup_receipts (followup_id, organisation_id, patient_name, protocol_title, start_date, ended_at,
                                        end_reason, deleted_at, questionnaires, photos, alerts, reminders)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(id)
    .bind(&followup.organisation_id)
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
    .execute(&mut *tx)
    .await?;
    let files =
        blobs::disown(&mut tx, "followup_photos", "SELECT id FROM followup_photos WHERE followup_id = $1", id).await?;
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table} WHERE followup_id = $1")).bind(id).execute(&mut *tx).await?;
    }
    crate::consultation::store::unlink_followup(&mut tx, id).await?;
    sqlx::query("DELETE FROM followups WHERE id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    // A file goes only if no other record (of any kind) still owns the same bytes.
    state.blobs.collect(db, files).await?;
    tracing::info!(followup = %id, "follow-up data deleted");
    tell_patient(state, &followup, &receipt).await;
    Ok(Some(receipt))
}

/// Sends the receipt by the channels the patient chose; a failure is logged,
/// the receipt stays readable on their phone.
async fn tell_patient(state: &AppState, followup: &store::FollowUp, receipt: &DeletionReceipt) {
    let when = in_paris(receipt.deleted_at).format("%d/%m/%Y à %H:%M");
    let what = format!(
        "{} questionnaire(s), {} photo(s), {} alerte(s), vos coordonnées",
        receipt.questionnaires, receipt.photos, receipt.alerts
    );
    if let (true, Some(to)) = (followup.reminders.sms, followup.phone.as_deref()) {
        let body = format!("Regard : les données de votre suivi à domicile ont été effacées le {when} ({what}).");
        let sms = OutgoingSms {
            organisation_id: &followup.organisation_id,
            about: About::Monitoring,
            assist_id: None,
            followup_id: None,
            to,
            body,
        };
        if let Err(error) = state.sms.send(&state.db, sms).await {
            tracing::warn!(?error, "deletion receipt not sent by text message");
        }
    }
    if let (true, Some(to)) = (followup.reminders.email, followup.email.as_deref()) {
        let body = format!(
            "Bonjour,\n\nLes données de votre suivi à domicile « {} » ont été effacées le {when}.\n\n\
             Effacé : {what}.\nConservé : ce reçu (sans aucune de vos réponses).\n",
            receipt.protocol_title
        );
        if let Err(error) = state.mailer.send(to, "Reçu d'effacement de votre suivi à domicile", body).await {
            tracing::warn!(%error, "deletion receipt not sent by e-mail");
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReceiptRow {
    followup_id: String,
    patient_name: String,
    protocol_title: String,
    start_date: String,
    ended_at: i64,
    end_reason: Stored<EndReason>,
    deleted_at: i64,
    questionnaires: i64,
    photos: i64,
    alerts: i64,
    reminders: i64,
}

const RECEIPT_COLUMNS: &str = "followup_id, patient_name, protocol_title, start_date, ended_at, end_reason, deleted_at,
     questionnaires, photos, alerts, reminders";

fn receipt_of(row: ReceiptRow) -> DeletionReceipt {
    DeletionReceipt {
        followup_id: row.followup_id,
        patient_name: row.patient_name,
        protocol_title: row.protocol_title,
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

pub async fn receipts(db: &Db, organisation_id: &str) -> AppResult<Vec<DeletionReceipt>> {
    let rows: Vec<ReceiptRow> = sqlx::query_as(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM followup_receipts WHERE organisation_id = $1 ORDER BY deleted_at DESC LIMIT 200"
    ))
    .bind(organisation_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(receipt_of).collect())
}
