//! Argon2id password hashing, run off the async runtime because each hash costs
//! tens of milliseconds of CPU by design.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hash compared against when the account does not exist, so that an unknown
/// e-mail takes as long to reject as a wrong password and accounts cannot be
/// enumerated by timing.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("no account has this password").expect("argon2 hashes a constant"));

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.context("password hashing task")?
}

/// Checks `password` against `stored` (or against a dummy hash when there is no
/// account), always spending the same effort.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(exists && matches)
    })
    .await
    .context("password verification task")?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify("wrong horse battery".into(), Some(stored)).await.unwrap());
        assert!(!verify("no account has this password".into(), None).await.unwrap());
    }
}
