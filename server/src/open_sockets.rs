//! The sockets open on every node of a cluster, per account and kind, so that
//! an account's cap (`gate::PerAccount`) holds across nodes: one row per open
//! socket, written when it opens and deleted when it closes. Opening counts and
//! inserts under a lock on the account's row of `socket_accounts`, so two
//! openings at once, on two nodes, are counted one after the other. The rows
//! of a node that stopped answering (`cluster::Link::alive`) are not counted,
//! and go with the scheduler's cleanup once older than any session.

use crate::cluster::Link;
use crate::db::{new_id, now_ms, Db};
use crate::error::AppResult;

/// Older than this, a row cannot be a live socket: sockets close with their
/// session, and no session lasts a day.
const STALE_MS: i64 = 24 * 3600 * 1000;

#[derive(Clone)]
pub struct Counter {
    db: Db,
    link: Link,
    kind: &'static str,
}

impl Counter {
    pub fn new(db: Db, link: Link, kind: &'static str) -> Counter {
        Counter { db, link, kind }
    }

    /// Records one more socket of `account`, unless it holds `max` already
    /// (`None`). Returns the row to give back with `close`.
    pub async fn open(&self, account: &str, max: usize) -> AppResult<Option<String>> {
        let mut tx = self.db.begin().await?;
        sqlx::query("INSERT INTO socket_accounts (account_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(account)
            .bind(self.kind)
            .execute(&mut *tx)
            .await?;
        // Locks the account's row until this transaction ends.
        sqlx::query("UPDATE socket_accounts SET kind = kind WHERE account_id = $1 AND kind = $2")
            .bind(account)
            .bind(self.kind)
            .execute(&mut *tx)
            .await?;
        let per_node: Vec<(String, i64)> =
            sqlx::query_as("SELECT node, COUNT(*) FROM open_sockets WHERE account_id = $1 AND kind = $2 GROUP BY node")
                .bind(account)
                .bind(self.kind)
                .fetch_all(&mut *tx)
                .await?;
        let open: i64 = per_node
            .iter()
            .filter(|(node, _)| u64::from_str_radix(node, 16).is_ok_and(|node| self.link.alive(node)))
            .map(|(_, count)| count)
            .sum();
        if open >= max as i64 {
            return Ok(None);
        }
        let id = new_id();
        sqlx::query("INSERT INTO open_sockets (id, account_id, kind, node, opened_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(account)
            .bind(self.kind)
            .bind(format!("{:016x}", self.link.node()))
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Gives the socket's place back (in the background: a closing socket
    /// does not wait for the database).
    pub fn close(&self, row: String) {
        let db = self.db.clone();
        // A node shutting down has no runtime left to delete with: its rows
        // stop counting with its heartbeats.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            if let Err(error) = sqlx::query("DELETE FROM open_sockets WHERE id = $1").bind(&row).execute(&db).await {
                tracing::warn!(?error, "giving a socket's place back");
            }
        });
    }
}

/// Deletes the rows no live socket can have left (a node killed with its
/// sockets open).
pub async fn forget_stale(db: &Db) -> AppResult<u64> {
    let deleted =
        sqlx::query("DELETE FROM open_sockets WHERE opened_at < $1").bind(now_ms() - STALE_MS).execute(db).await?;
    Ok(deleted.rows_affected())
}
