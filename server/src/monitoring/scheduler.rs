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

use super::purge;
use super::store::{self, jobs};
use crate::db::now_ms;
use crate::error::AppResult;
use crate::sms::{About, OutgoingSms};
use crate::{texts, AppState};

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub reminders: u32,
    pub missed: u32,
    pub finished: u32,
    pub purged: u32,
    /// Files no record owns, left by a node that stopped between a deletion
    /// and its files' (`BlobStore::collect_unowned`).
    pub collected: u32,
    /// Rows of sockets no node holds any more (`open_sockets::forget_stale`).
    pub forgotten_sockets: u64,
}

/// Runs a round every `every`, for as long as the server runs.
pub fn spawn(state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let done = round(&state, now_ms()).await;
            crate::metrics::scheduler_round(done.is_ok());
            match done {
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
        collected: state.blobs.collect_unowned(&state.db).await?,
        // Housekeeping of a cluster, done here because every node runs rounds.
        forgotten_sockets: crate::open_sockets::forget_stale(&state.db).await?,
    })
}

pub use store::jobs::REMINDER_LEASE_MS;

async fn remind(state: &AppState, now: i64) -> AppResult<u32> {
    let mut sent = 0;
    for due in jobs::reminders_due(&state.db, now).await? {
        let (id, index, day) = (due.followup_id, due.idx, due.day);
        if !jobs::claim_reminder(&state.db, &id, index, now).await? {
            continue;
        }
        let Some(followup) = store::find(&state.db, &id).await? else { continue };
        // No secret in a reminder: the phone that joined is still signed in.
        let url = format!("{}/m", state.settings.public_url);
        let lang = followup.message_language();
        let day = day.to_string();
        let values = [("title", followup.protocol.title_in(lang)), ("day", day.as_str()), ("url", url.as_str())];
        let text = |key: &str| texts::text(lang, "monitoring", key, &values);
        if let (true, Some(to)) = (followup.reminders.sms, followup.phone.as_deref()) {
            let sms = OutgoingSms {
                organisation_id: &followup.organisation_id,
                about: About::Monitoring,
                assist_id: None,
                followup_id: Some(&id),
                to,
                body: text("reminder_sms"),
            };
            let key = format!("reminder-{id}-{index}");
            state.sms.send_once(&state.db, sms, &key).await?;
        }
        if let (true, Some(to)) = (followup.reminders.email, followup.email.as_deref()) {
            if let Err(error) = state.mailer.send(to, &text("reminder_subject"), text("reminder_body")).await {
                tracing::warn!(%error, followup = %id, "reminder not sent by e-mail");
            }
        }
        jobs::mark_reminded(&state.db, &id, index, now).await?;
        sent += 1;
    }
    Ok(sent)
}

async fn missed(state: &AppState, now: i64) -> AppResult<u32> {
    let mut rules = HashMap::new();
    let mut raised = 0;
    for late in jobs::unfilled(&state.db, now).await? {
        let (id, index, due_at) = (late.followup_id, late.idx, late.due_at);
        if !rules.contains_key(&id) {
            let followup = store::find(&state.db, &id).await?;
            rules.insert(id.clone(), followup.map(|f| f.protocol));
        }
        let Some(protocol) = &rules[&id] else { continue };
        // A patient who joined after a questionnaire's time (enrolled in the
        // evening, day 1 due that morning) is given the rule's delay from
        // joining: otherwise the alert would be raised as they join.
        let Some(alert) = alerts::missed(&protocol.alerts, due_at.max(late.consented_at), now) else { continue };
        // Claimed and raised together: a crash between the two loses neither.
        let mut tx = state.db.begin().await?;
        if jobs::claim_missed(&mut tx, &id, index, now).await? {
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
    Ok(jobs::finish_closed(&state.db, now, now + state.settings.monitoring_retention_ms).await? as u32)
}

async fn purge_due(state: &AppState, now: i64) -> AppResult<u32> {
    let mut purged = 0;
    for id in jobs::purges_due(&state.db, now).await? {
        if purge::purge(state, &id).await?.is_some() {
            purged += 1;
        }
    }
    Ok(purged)
}
