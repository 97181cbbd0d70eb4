//! Argon2id password hashing, run off the async runtime because each hash costs
//! tens of milliseconds of CPU and 19 MiB of memory by design; a gate bounds how
//! many run and wait at once.

use std::sync::LazyLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::AppResult;
use crate::gate::{Admitted, Gate};

/// Hash compared against when the account does not exist, so that an unknown
/// e-mail takes as long to reject as a wrong password and accounts cannot be
/// enumerated by timing.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("no account has this password").expect("argon2 hashes a constant"));

/// Hashes of new passwords and PINs (accounts created, PINs chosen) running
/// and waiting at once. Sign-ins and unlocks go through the server's own gate
/// (`AppState::hashing`).
static NEW_HASHES: LazyLock<Gate> = LazyLock::new(|| Gate::per_core(16));

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

pub async fn hash(password: String) -> AppResult<String> {
    Ok(NEW_HASHES.admit()?.run(move || hash_blocking(&password)).await??)
}

/// Checks `password` against `stored` (or against a dummy hash when there is no
/// account), always spending the same effort, once admitted.
pub async fn verify(admitted: Admitted<'_>, password: String, stored: Option<String>) -> AppResult<bool> {
    let matches = admitted
        .run(move || {
            let exists = stored.is_some();
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
            anyhow::Ok(exists && matches)
        })
        .await??;
    Ok(matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let stored = hash("correct horse battery".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        let gate = Gate::new(1, 0);
        assert!(verify(gate.admit().unwrap(), "correct horse battery".into(), Some(stored.clone())).await.unwrap());
        assert!(!verify(gate.admit().unwrap(), "wrong horse battery".into(), Some(stored)).await.unwrap());
        assert!(!verify(gate.admit().unwrap(), "no account has this password".into(), None).await.unwrap());
    }
}
