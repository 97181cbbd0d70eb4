//! Signing keys kept in the database, for a cluster whose nodes all sign and
//! verify: each private key sealed with AES-256-GCM under the key encryption
//! key (`REGARD_KEY_ENCRYPTION_KEY`, given to every node, never stored with
//! the data), bound to its key id. A retired key keeps only its public half.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};

use super::{key_id, new_seed, Keys, SIGNING_FILE};
use crate::db::{now_ms, Db};

/// The key that seals the signing keys in the database.
pub struct Kek(LessSafeKey);

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Kek(…)")
    }
}

impl Kek {
    /// 32 bytes in hex (64 characters), e.g. `openssl rand -hex 32`.
    pub fn parse(hex: &str) -> anyhow::Result<Kek> {
        let hex = hex.trim();
        let bytes: Option<Vec<u8>> = (hex.len() == 64)
            .then(|| (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect())
            .flatten();
        let Some(bytes) = bytes else { bail!("the key encryption key must be 64 hexadecimal characters (32 bytes)") };
        let key = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| anyhow::anyhow!("unusable key encryption key"))?;
        Ok(Kek(LessSafeKey::new(key)))
    }

    fn seal(&self, key_id: &str, seed: &[u8; 32]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut sealed = seed.to_vec();
        self.0
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(key_id.as_bytes()), &mut sealed)
            .expect("sealing 32 bytes cannot fail");
        STANDARD.encode([nonce.as_slice(), &sealed].concat())
    }

    fn open(&self, key_id: &str, sealed: &str) -> anyhow::Result<[u8; 32]> {
        let bytes = STANDARD.decode(sealed).context("a sealed signing key that is not base64")?;
        let (nonce, sealed) = bytes.split_at_checked(NONCE_LEN).context("a sealed signing key too short")?;
        let mut sealed = sealed.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let seed = self.0.open_in_place(nonce, Aad::from(key_id.as_bytes()), &mut sealed).map_err(|_| {
            anyhow::anyhow!(
                "the key encryption key does not open signing key {key_id}: is it the one the other nodes have?"
            )
        })?;
        <[u8; 32]>::try_from(&*seed).context("a sealed signing key of the wrong length")
    }
}

/// Makes sure the database holds a current key: the one of `data_dir` when
/// a single node's keys move to the database (prescriptions it signed still
/// verify), else a new one. Two nodes starting at once create one: the
/// `current` column is unique.
pub async fn ensure_current(db: &Db, kek: &Kek, data_dir: &Path) -> anyhow::Result<()> {
    let (keys,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM signing_keys").fetch_one(db).await?;
    if keys > 0 {
        return Ok(());
    }
    let imported = match data_dir.join("keys").join(SIGNING_FILE).exists() {
        true => Some(Keys::from_directory(data_dir)?),
        false => None,
    };
    let key = imported.as_ref().map_or_else(|| SigningKey::from_bytes(&new_seed()), |keys| keys.key.clone());
    let id = key_id(&key.verifying_key());
    let mut tx = db.begin().await?;
    for (retired, public) in imported.iter().flat_map(|keys| &keys.known).filter(|(retired, _)| **retired != id) {
        insert(&mut tx, retired, public, None).await?;
    }
    insert(&mut tx, &id, &key.verifying_key(), Some(kek.seal(&id, &key.to_bytes()))).await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a key: current when sealed, retired otherwise. Nothing when either
/// exists already (another node got there first).
async fn insert(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    public: &VerifyingKey,
    sealed: Option<String>,
) -> anyhow::Result<()> {
    let (current, retired_at) = if sealed.is_some() { (Some(1i64), None) } else { (None, Some(now_ms())) };
    sqlx::query(
        "INSERT INTO signing_keys (key_id, public_key, sealed_seed, current, created_at, retired_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(STANDARD.encode(public.as_bytes()))
    .bind(sealed)
    .bind(current)
    .bind(now_ms())
    .bind(retired_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The id of the key that signs now.
pub async fn current_id(db: &Db) -> anyhow::Result<String> {
    let (id,): (String,) = sqlx::query_as("SELECT key_id FROM signing_keys WHERE current = 1").fetch_one(db).await?;
    Ok(id)
}

/// Every key: the current one opened, the others' public halves.
pub async fn load(db: &Db, kek: &Kek) -> anyhow::Result<Keys> {
    let rows: Vec<(String, String, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT key_id, public_key, sealed_seed, current FROM signing_keys").fetch_all(db).await?;
    let mut known = HashMap::new();
    let mut signing = None;
    for (id, public, sealed, current) in rows {
        let public = STANDARD
            .decode(&public)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
            .with_context(|| format!("signing key {id} has no valid public key"))?;
        if let (Some(1), Some(sealed)) = (current, sealed) {
            let key = SigningKey::from_bytes(&kek.open(&id, &sealed)?);
            anyhow::ensure!(key.verifying_key() == public, "signing key {id} does not match its public key");
            signing = Some((key, id.clone()));
        }
        known.insert(id, public);
    }
    let (key, key_id) = signing.context("the database holds no current signing key")?;
    Ok(Keys { key, key_id, known })
}

/// Retires the current key (its private half is dropped, its public half
/// kept to verify what it signed) and makes a new one current, in one
/// transaction. The other nodes sign with it from their next prescription.
pub async fn rotate(db: &Db, kek: &Kek) -> anyhow::Result<String> {
    let seed = new_seed();
    let key = SigningKey::from_bytes(&seed);
    let id = key_id(&key.verifying_key());
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE signing_keys SET current = NULL, sealed_seed = NULL, retired_at = $1 WHERE current = 1")
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    insert(&mut tx, &id, &key.verifying_key(), Some(kek.seal(&id, &seed))).await?;
    tx.commit().await?;
    Ok(id)
}
