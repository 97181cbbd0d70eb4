//! The access log: every time a clinician reads patient data, a row says who,
//! what and when. Rows are only ever added (the table's triggers refuse
//! changes), and each is chained to the one before by a SHA-256 hash, so a row
//! altered or deleted behind the triggers' back (by someone with the database's
//! owner rights) is found by `regard verify-access-log`.
//!
//! A person opening a record is one row: the same person looking at the same
//! record again within minutes (a page refreshing itself, a reload) is not
//! written again, so open tabs do not fill the log or the disk.
//!
//! What happens to an account (sign-ins, failures, sessions ended, members
//! disabled) is chained in the same log, its subject the member's account.

use regard_shared::account::{AccountEvent, AccountEventView};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::CurrentUser;
use crate::db::{now_ms, Db};
use crate::error::AppResult;

/// Looks at the same record by the same person closer together than this are one look.
pub const LOOK_WINDOW_MS: i64 = 10 * 60_000;

/// Records that `user` performed `action` (e.g. `view`, `view_photo`) on a
/// `subject` (e.g. `assist`) identified by `subject_id`.
pub async fn record(db: &Db, user: &CurrentUser, subject: &str, subject_id: &str, action: &str) -> AppResult<()> {
    let at = now_ms();
    let look = action.starts_with("view");
    if look && seen_lately(db, &user.id, subject, subject_id, action, at).await? {
        return Ok(());
    }
    append(db, &Entry { at, user_id: &user.id, subject, subject_id, action }).await
}

/// Records what happened to `member`'s account, done `by` them or an administrator.
pub async fn account(db: &Db, by: &str, member: &str, event: AccountEvent) -> AppResult<()> {
    append(db, &Entry { at: now_ms(), user_id: by, subject: ACCOUNT, subject_id: member, action: event.as_str() }).await
}

/// The subject of account events; its id is the member's.
const ACCOUNT: &str = "account";

/// Account events of the organisation's members, newest first, `limit` at most.
pub async fn account_events(db: &Db, organisation_id: &str, limit: i64) -> AppResult<Vec<AccountEventView>> {
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT a.at, a.action, m.display_name, b.display_name, a.user_id, a.subject_id
         FROM access_log a JOIN users m ON m.id = a.subject_id JOIN users b ON b.id = a.user_id
         WHERE a.subject = $1 AND m.organisation_id = $2 ORDER BY a.seq DESC LIMIT $3",
    )
    .bind(ACCOUNT)
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, action, member, by, by_id, member_id)| {
            let event = AccountEvent::parse(&action)?;
            let by = (by_id != member_id).then_some(by);
            Some(AccountEventView { at, event, member, by })
        })
        .collect())
}

/// Adds a row at the chain's end.
async fn append(db: &Db, entry: &Entry<'_>) -> AppResult<()> {
    let mut tx = db.begin().await?;
    // Locks the head: the rows are chained one at a time, in the order of their seq.
    let (previous,): (String,) = sqlx::query_as("UPDATE access_log_head SET hash = hash WHERE id = 1 RETURNING hash")
        .fetch_one(&mut *tx)
        .await?;
    let hash = link(&previous, entry);
    sqlx::query(
        "INSERT INTO access_log (at, user_id, subject, subject_id, action, hash) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.user_id)
    .bind(entry.subject)
    .bind(entry.subject_id)
    .bind(entry.action)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE access_log_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

async fn seen_lately(
    db: &Db,
    user_id: &str,
    subject: &str,
    subject_id: &str,
    action: &str,
    at: i64,
) -> AppResult<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT seq FROM access_log
         WHERE user_id = $1 AND subject = $2 AND subject_id = $3 AND action = $4 AND at > $5 LIMIT 1",
    )
    .bind(user_id)
    .bind(subject)
    .bind(subject_id)
    .bind(action)
    .bind(at - LOOK_WINDOW_MS)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// The fields a row's hash covers (its seq is the database's, known only after the insert).
#[derive(Serialize)]
struct Entry<'a> {
    at: i64,
    user_id: &'a str,
    subject: &'a str,
    subject_id: &'a str,
    action: &'a str,
}

/// The hash of a row following a row hashed `previous` (empty for the first).
fn link(previous: &str, entry: &Entry) -> String {
    // JSON makes the encoding unambiguous whatever the fields contain.
    let fields = serde_json::to_string(&(previous, entry)).expect("plain fields serialise");
    format!("{:x}", Sha256::digest(fields.as_bytes()))
}

/// What `verify` found.
#[derive(Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Rows written before the chain existed, not covered by it.
    pub unchained: u64,
    /// Rows whose hash was checked.
    pub checked: u64,
    /// The first row that does not follow from the one before it (altered, or
    /// the row before it deleted), or `Some(0)` when the head does not match
    /// the last row (rows deleted at the end).
    pub broken_at: Option<i64>,
    /// The last row's hash: written down elsewhere, it also proves later that
    /// no row was removed from the end.
    pub head: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: i64,
    user_id: String,
    subject: String,
    subject_id: String,
    action: String,
    hash: Option<String>,
}

/// Rows read at a time by `verify`: a region's log holds millions.
const VERIFY_BATCH: i64 = 5_000;

/// Walks the whole log in order, a batch at a time, and recomputes the chain
/// up to the head as it was when the walk began (rows written meanwhile are
/// left for the next check).
pub async fn verify(db: &Db) -> AppResult<Verdict> {
    verify_by(db, VERIFY_BATCH).await
}

/// `verify`, reading `batch` rows at a time.
pub async fn verify_by(db: &Db, batch: i64) -> AppResult<Verdict> {
    let (head,): (String,) = sqlx::query_as("SELECT hash FROM access_log_head WHERE id = 1").fetch_one(db).await?;
    let mut verdict = Verdict { unchained: 0, checked: 0, broken_at: None, head: head.clone() };
    let mut previous: Option<String> = None;
    let mut after = i64::MIN;
    'walk: loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT seq, at, user_id, subject, subject_id, action, hash FROM access_log
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(batch)
        .fetch_all(db)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows {
            let Some(hash) = row.hash else {
                if previous.is_none() {
                    verdict.unchained += 1;
                    continue;
                }
                verdict.broken_at = Some(row.seq);
                return Ok(verdict);
            };
            let entry = Entry {
                at: row.at,
                user_id: &row.user_id,
                subject: &row.subject,
                subject_id: &row.subject_id,
                action: &row.action,
            };
            if link(previous.as_deref().unwrap_or(""), &entry) != hash {
                verdict.broken_at = Some(row.seq);
                return Ok(verdict);
            }
            verdict.checked += 1;
            let reached = hash == head;
            previous = Some(hash);
            if reached {
                break 'walk;
            }
        }
    }
    if previous.unwrap_or_default() != head {
        verdict.broken_at = Some(0);
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_covers_every_field_and_the_previous_hash() {
        let entry = Entry { at: 1, user_id: "u", subject: "assist", subject_id: "a", action: "view" };
        let base = link("", &entry);
        assert_eq!(base.len(), 64);
        assert_ne!(link("x", &entry), base);
        assert_ne!(link("", &Entry { at: 2, ..entry }), base);
        let shifted = Entry { at: 1, user_id: "u", subject: "assis", subject_id: "ta", action: "view" };
        assert_ne!(link("", &shifted), base, "fields cannot trade characters");
    }
}
