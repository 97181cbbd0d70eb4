//! Sign-in throttling, per account and per client address. Failures are stored in
//! the database rather than in memory so that the limit holds across restarts and,
//! later, across several server nodes.

use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult};

/// How long a failure counts against an account or an address.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures per account inside the window before further attempts are refused.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failures per address: higher, because a SAMU centre's staff share one address.
pub const MAX_PER_ADDRESS: i64 = 20;

/// Refuses the attempt when either the account or the address is over its limit,
/// saying how long until the oldest counted failure leaves the window.
pub async fn check(db: &Db, account: &str, address: &str) -> AppResult<()> {
    let since = now_ms() - WINDOW_MS;
    for (column, key, max) in [("account", account, MAX_PER_ACCOUNT), ("address", address, MAX_PER_ADDRESS)] {
        let (count, oldest): (i64, Option<i64>) =
            sqlx::query_as(&format!("SELECT COUNT(*), MIN(at) FROM login_failures WHERE {column} = $1 AND at > $2"))
                .bind(key)
                .bind(since)
                .fetch_one(db)
                .await?;
        if count >= max {
            let until = oldest.unwrap_or(since) + WINDOW_MS;
            let retry_after_secs = ((until - now_ms()).max(1000) / 1000) as u64;
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    Ok(())
}

pub async fn record_failure(db: &Db, account: &str, address: &str) -> AppResult<()> {
    let now = now_ms();
    // Keep the table as small as the window: old rows have no further use.
    sqlx::query("DELETE FROM login_failures WHERE at <= $1").bind(now - WINDOW_MS).execute(db).await?;
    sqlx::query("INSERT INTO login_failures (account, address, at) VALUES ($1, $2, $3)")
        .bind(account)
        .bind(address)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// A successful sign-in forgives the account's earlier failures.
pub async fn clear_account(db: &Db, account: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM login_failures WHERE account = $1").bind(account).execute(db).await?;
    Ok(())
}
