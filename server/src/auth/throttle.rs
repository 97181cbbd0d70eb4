//! Sign-in throttling. Every attempt is counted *before* the password is
//! checked, by one atomic compare-and-set per counter, so parallel attempts
//! cannot all slip past the limit while the slow hash runs. Counters live in
//! the database so that limits hold across restarts and server nodes.
//!
//! Three counters, each over a fixed window from its first attempt:
//! - one account from one address (5): a stranger's guesses lock the account
//!   from the stranger's address only, so the owner's own desk still signs in;
//! - one address, any account (20): one machine trying many accounts;
//! - one account, any address (50): guessing spread over many addresses.

use std::net::IpAddr;

use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult};

/// How long an attempt counts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures of one account from one address inside the window.
pub const MAX_PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Failures per address: higher, because a SAMU centre's staff share one address.
pub const MAX_PER_ADDRESS: i64 = 20;
/// Failures of one account from all addresses together.
pub const MAX_PER_ACCOUNT: i64 = 50;

/// The counters an attempt of `account` from `address` goes against.
fn counters(account: &str, address: &str) -> [(String, i64); 3] {
    let address = address_key(address);
    [
        (format!("pair:{account} {address}"), MAX_PER_ACCOUNT_AND_ADDRESS),
        (format!("address:{address}"), MAX_PER_ADDRESS),
        (format!("account:{account}"), MAX_PER_ACCOUNT),
    ]
}

/// An IPv6 client usually holds a whole /64: counting single addresses would
/// give it billions of fresh limits.
fn address_key(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        _ => address.to_owned(),
    }
}

/// Counts one attempt against every counter, or refuses it (counting nothing)
/// when one of them is full, saying how long until that one's window ends.
pub async fn reserve(db: &Db, account: &str, address: &str) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    // Keep the table as small as the window: old rows have no further use.
    sqlx::query("DELETE FROM sign_in_attempts WHERE window_start <= $1")
        .bind(now - WINDOW_MS)
        .execute(&mut *tx)
        .await?;
    for (key, max) in counters(account, address) {
        // The row is created, or restarted after its window, or counted up only
        // while under the limit: one statement, so two attempts cannot both see
        // the last free place.
        let counted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO sign_in_attempts (key, window_start, attempts) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET attempts = sign_in_attempts.attempts + 1
             WHERE sign_in_attempts.attempts < $3
             RETURNING attempts",
        )
        .bind(&key)
        .bind(now)
        .bind(max)
        .fetch_optional(&mut *tx)
        .await?;
        if counted.is_none() {
            let (start,): (i64,) = sqlx::query_as("SELECT window_start FROM sign_in_attempts WHERE key = $1")
                .bind(&key)
                .fetch_one(&mut *tx)
                .await?;
            tx.rollback().await?;
            let retry_after_secs = ((start + WINDOW_MS - now).max(1000) / 1000) as u64;
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A successful sign-in: it was no failure (its counts are given back), and it
/// forgives this address's earlier failures on this account.
pub async fn succeeded(db: &Db, account: &str, address: &str) -> AppResult<()> {
    let [(pair, _), (by_address, _), (by_account, _)] = counters(account, address);
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sign_in_attempts WHERE key = $1").bind(pair).execute(&mut *tx).await?;
    sqlx::query("UPDATE sign_in_attempts SET attempts = attempts - 1 WHERE key IN ($1, $2) AND attempts > 0")
        .bind(by_address)
        .bind(by_account)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Failed sign-ins of an account from all addresses in the current window,
/// shown to the organisation's admins.
pub async fn recent_failures(db: &Db, account: &str) -> AppResult<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT attempts FROM sign_in_attempts WHERE key = $1 AND window_start > $2")
            .bind(format!("account:{account}"))
            .bind(now_ms() - WINDOW_MS)
            .fetch_optional(db)
            .await?;
    Ok(row.map_or(0, |(n,)| n))
}

#[cfg(test)]
mod tests {
    use super::address_key;

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), address_key("2001:db8:1:2:bbbb::9"));
        assert_ne!(address_key("2001:db8:1:2::1"), address_key("2001:db8:1:3::1"));
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
    }
}
