//! Deleting a follow-up's data for real once it has ended and the retention
//! period has passed: every row (identity, schedule, answers, photos, alerts,
//! invitations, text messages) and every photo file. A receipt stays: what was
//! deleted and when, with no answer in it. The patient is told by the channels
//! they chose for reminders. The access log keeps who looked, never what.

use regard_shared::monitoring::wire::{DeletionReceipt, EndReason};

use super::store::{self, jobs};
use crate::db::now_ms;
use crate::error::AppResult;
use crate::sms::{About, OutgoingSms};
use crate::{texts, AppState};

/// Deletes the follow-up's data and returns the receipt. Safe to run again
/// after a crash: rows go in one transaction, files after, idempotently. Two
/// purges at once (two schedulers, two nodes) do it once: the transaction
/// starts by locking the follow-up's row, and the one that waited finds it gone.
pub async fn purge(state: &AppState, id: &str) -> AppResult<Option<DeletionReceipt>> {
    let Some((followup, receipt, files)) = delete_records(state, id).await? else { return Ok(None) };
    // A file goes only if no other record (of any kind) still owns the same bytes.
    state.blobs.collect(&state.db, files).await?;
    tracing::info!(followup = %id, "follow-up data deleted");
    tell_patient(state, &followup, &receipt).await;
    Ok(Some(receipt))
}

/// The purge's first step: every row, in one transaction. Returns the files
/// the follow-up owned, to collect next; a node that dies right after leaves
/// them to the next scheduler round of any node (`BlobStore::collect_unowned`).
pub async fn delete_records(
    state: &AppState,
    id: &str,
) -> AppResult<Option<(store::FollowUp, DeletionReceipt, Vec<String>)>> {
    let db = &state.db;
    let Some(followup) = store::find(db, id).await? else { return Ok(None) };
    let mut tx = db.begin().await?;
    if !jobs::lock_followup(&mut tx, id).await? {
        return Ok(None);
    }
    let [questionnaires, photos, alerts, reminders] = jobs::purge_counts(&mut tx, id).await?;
    let receipt = DeletionReceipt {
        followup_id: id.to_owned(),
        patient_name: followup.patient_name.clone(),
        protocol_title: followup.protocol.title.clone(),
        title_translations: followup.protocol.questionnaire.title_element.clone(),
        start_date: followup.start_date.clone(),
        ended_at: followup.ended_at.unwrap_or_else(now_ms),
        end_reason: followup.end_reason.unwrap_or(EndReason::Finished),
        deleted_at: now_ms(),
        questionnaires,
        photos,
        alerts,
        reminders,
    };
    let files = store::photos::disown_all(&mut tx, id).await?;
    jobs::delete_with_receipt(&mut tx, &followup.organisation_id, &receipt).await?;
    tx.commit().await?;
    Ok(Some((followup, receipt, files)))
}

/// Sends the receipt by the channels the patient chose, in their language; a
/// failure is logged, the receipt stays readable on their phone.
async fn tell_patient(state: &AppState, followup: &store::FollowUp, receipt: &DeletionReceipt) {
    let lang = followup.message_language();
    let (date, time) = texts::date_and_time(lang, receipt.deleted_at);
    let counts = [receipt.questionnaires, receipt.photos, receipt.alerts].map(|n| n.to_string());
    let values = [
        ("title", followup.protocol.title_in(lang)),
        ("date", &date),
        ("time", &time),
        ("questionnaires", &counts[0]),
        ("photos", &counts[1]),
        ("alerts", &counts[2]),
    ];
    let text = |key: &str| texts::text(lang, "monitoring", key, &values);
    if let (true, Some(to)) = (followup.reminders.sms, followup.phone.as_deref()) {
        let sms = OutgoingSms {
            organisation_id: &followup.organisation_id,
            about: About::Monitoring,
            assist_id: None,
            followup_id: None,
            to,
            body: text("receipt_sms"),
        };
        if let Err(error) = state.sms.send(&state.db, sms).await {
            tracing::warn!(?error, "deletion receipt not sent by text message");
        }
    }
    if let (true, Some(to)) = (followup.reminders.email, followup.email.as_deref()) {
        if let Err(error) = state.mailer.send(to, &text("receipt_subject"), text("receipt_body")).await {
            tracing::warn!(%error, "deletion receipt not sent by e-mail");
        }
    }
}
