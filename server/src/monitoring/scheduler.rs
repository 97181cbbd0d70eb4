//! The follow-up clock, inside the server. Each round reads everything it needs
//! from the database (no timer lives in memory), so a restart loses nothing: a
//! reminder that fell due while the server was down leaves at the first round.
//!
//! A reminder is claimed by one conditional UPDATE before it is sent, so two
//! rounds (or two nodes) never both send it; the claim re-checks that the
//! follow-up is under way, so nothing leaves after a stop. The claim is a lease:
//! the reminder is marked sent only once it has left, and a claim left by a
//! crash expires, so a later round sends it. A crash after the gateway took the
//! message but before it was marked would send it again: the gateway is given
//! the same idempotency key both times, so one that honours it drops the second.
//! A missed-questionnaire alert is claimed and raised in one transaction.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use regard_shared::monitoring::alerts;

use super::{purge, store};
use crate::db::now_ms;
use crate::error::AppResult;
use crate::sms::{About, OutgoingSms};
use crate::AppState;

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub reminders: u32,
    pub missed: u32,
    pub finished: u32,
    pub purged: u32,
}

/// Runs a round every `every`, for as long as the server runs.
pub fn spawn(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            match round(&state, now_ms()).await {
                Ok(done) if done != Round::default() => tracing::info!(?done, "follow-up round"),
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "follow-up round failed"),
            }
            state.scheduler_runs.fetch_add(1, Ordering::Relaxed);
        }
    })
}

pub async fn round(state: &AppState, now: i64) -> AppResult<Round> {
    Ok(Round {
        reminders: remind(state, now).await?,
        missed: missed(state, now).await?,
        finished: finish(state, now).await?,
        purged: purge_due(state, now).await?,
    })
}

/// Questionnaires due, still open, not filled, of follow-ups under way.
const OPEN_AND_UNFILLED: &str = "FROM followup_dues d JOIN followups f ON f.id = d.followup_id
     WHERE d.due_at <= $1 AND f.ended_at IS NULL AND f.consented_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM followup_submissions s WHERE s.followup_id = d.followup_id AND s.idx = d.idx)";

/// How long a claimed reminder waits to be sent before another round may
/// claim it again: far longer than a gateway's or mail server's timeout.
pub const REMINDER_LEASE_MS: i64 = 10 * 60 * 1000;

/// Not sent, and not claimed by a round still within its lease.
const UNCLAIMED: &str = "d.reminded_at IS NULL AND (d.reminder_claimed_at IS NULL OR d.reminder_claimed_at <= $2)";

/// Claims one reminder; `true` for the round that got it.
async fn claim_reminder(state: &AppState, followup_id: &str, index: i64, now: i64) -> AppResult<bool> {
    let done = sqlx::query(
        "UPDATE followup_dues SET reminder_claimed_at = $1 WHERE followup_id = $3 AND idx = $4
           AND reminded_at IS NULL AND (reminder_claimed_at IS NULL OR reminder_claimed_at <= $2)
           AND EXISTS (SELECT 1 FROM followups f WHERE f.id = $3 AND f.ended_at IS NULL)",
    )
    .bind(now)
    .bind(now - REMINDER_LEASE_MS)
    .bind(followup_id)
    .bind(index)
    .execute(&state.db)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn remind(state: &AppState, now: i64) -> AppResult<u32> {
    let due: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT d.followup_id, d.idx, d.day {OPEN_AND_UNFILLED} AND d.closes_at > $1 AND {UNCLAIMED}
         ORDER BY d.due_at LIMIT 500"
    ))
    .bind(now)
    .bind(now - REMINDER_LEASE_MS)
    .fetch_all(&state.db)
    .await?;
    let mut sent = 0;
    for (id, index, day) in due {
        if !claim_reminder(state, &id, index, now).await? {
            continue;
        }
        let Some(followup) = store::find(&state.db, &id).await? else { continue };
        // No secret in a reminder: the phone that joined is still signed in.
        let url = format!("{}/m", state.settings.public_url);
        let title = &followup.protocol.title;
        if let (true, Some(to)) = (followup.reminders.sms, followup.phone.as_deref()) {
            let body = format!("Regard : votre questionnaire de suivi (jour {day}) vous attend : {url}");
            let sms = OutgoingSms {
                organisation_id: &followup.organisation_id,
                about: About::Monitoring,
                assist_id: None,
                followup_id: Some(&id),
                to,
                body,
            };
            let key = format!("reminder-{id}-{index}");
            state.sms.send_once(&state.db, sms, &key).await?;
        }
        if let (true, Some(to)) = (followup.reminders.email, followup.email.as_deref()) {
            let body = format!(
                "Bonjour,\n\nVotre questionnaire de suivi « {title} » du jour {day} vous attend :\n{url}\n\n\
                 Ouvrez-le sur le téléphone avec lequel vous avez commencé le suivi.\n"
            );
            if let Err(error) = state.mailer.send(to, "Votre questionnaire de suivi vous attend", body).await {
                tracing::warn!(%error, followup = %id, "reminder not sent by e-mail");
            }
        }
        sqlx::query("UPDATE followup_dues SET reminded_at = $1 WHERE followup_id = $2 AND idx = $3")
            .bind(now)
            .bind(&id)
            .bind(index)
            .execute(&state.db)
            .await?;
        sent += 1;
    }
    Ok(sent)
}

async fn missed(state: &AppState, now: i64) -> AppResult<u32> {
    let late: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT d.followup_id, d.idx, d.due_at {OPEN_AND_UNFILLED} AND d.missed_alerted_at IS NULL ORDER BY d.due_at LIMIT 500"
    ))
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    let mut rules = HashMap::new();
    let mut raised = 0;
    for (id, index, due_at) in late {
        if !rules.contains_key(&id) {
            let followup = store::find(&state.db, &id).await?;
            rules.insert(id.clone(), followup.map(|f| f.protocol.alerts).unwrap_or_default());
        }
        let Some(alert) = alerts::missed(&rules[&id], due_at, now) else { continue };
        // Claimed and raised together: a crash between the two loses neither.
        let mut tx = state.db.begin().await?;
        let claimed = sqlx::query(
            "UPDATE followup_dues SET missed_alerted_at = $1 WHERE followup_id = $2 AND idx = $3
               AND missed_alerted_at IS NULL
               AND EXISTS (SELECT 1 FROM followups f WHERE f.id = $2 AND f.ended_at IS NULL)",
        )
        .bind(now)
        .bind(&id)
        .bind(index)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 1 {
            store::raise(&mut tx, &id, index as u32, &alert).await?;
            tx.commit().await?;
            super::tell(state, &id, true).await?;
            raised += 1;
        }
    }
    Ok(raised)
}

/// Follow-ups whose last questionnaire has closed are finished.
async fn finish(state: &AppState, now: i64) -> AppResult<u32> {
    let done = sqlx::query(
        "UPDATE followups SET ended_at = $1, end_reason = 'finished', purge_at = $2
         WHERE ended_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM followup_dues d WHERE d.followup_id = followups.id AND d.closes_at > $1)",
    )
    .bind(now)
    .bind(now + state.settings.monitoring_retention_ms)
    .execute(&state.db)
    .await?;
    Ok(done.rows_affected() as u32)
}

async fn purge_due(state: &AppState, now: i64) -> AppResult<u32> {
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM followups WHERE purge_at <= $1 LIMIT 100")
        .bind(now)
        .fetch_all(&state.db)
        .await?;
    let mut purged = 0;
    for (id,) in ids {
        if purge::purge(state, &id).await?.is_some() {
            purged += 1;
        }
    }
    Ok(purged)
}
