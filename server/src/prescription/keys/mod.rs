//! The Ed25519 key that signs prescriptions. A single node keeps it in
//! `<data-dir>/keys/`, readable by the server's user only, generated at first
//! start. The nodes of a cluster keep it in the database, sealed with a key
//! encryption key every node is given (`sealed`), so that each signs with the
//! same key and verifies what any signed. Rotation
//! (`regard rotate-prescription-key`) keeps the old public key, so
//! prescriptions signed before still verify.

mod sealed;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard};

use anyhow::{bail, Context};
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::Db;
pub use sealed::Kek;

const SIGNING_FILE: &str = "prescription-signing.key";

pub struct Signer {
    keys: RwLock<Keys>,
    /// The database, when the keys are kept there.
    shared: Option<(Db, Kek)>,
}

struct Keys {
    key: SigningKey,
    key_id: String,
    /// Every public key that may have signed a stored prescription, by id.
    known: HashMap<String, VerifyingKey>,
}

/// A short name for a public key: the first 8 bytes of its SHA-256, in hex.
pub fn key_id(key: &VerifyingKey) -> String {
    Sha256::digest(key.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn new_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    seed
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

fn rotate_in_directory(data_dir: &Path) -> anyhow::Result<String> {
    let current = Keys::from_directory(data_dir)?;
    let dir = keys_dir(data_dir);
    let retired = dir.join("retired").join(format!("{}.pub", current.key_id));
    std::fs::write(&retired, current.key.verifying_key().as_bytes())?;
    std::fs::remove_file(dir.join(SIGNING_FILE))?;
    Ok(Keys::from_directory(data_dir)?.key_id)
}

impl Keys {
    /// The keys of `data_dir`, the signing one created on first start.
    fn from_directory(data_dir: &Path) -> anyhow::Result<Keys> {
        let dir = keys_dir(data_dir);
        std::fs::create_dir_all(dir.join("retired")).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(SIGNING_FILE);
        if !path.exists() {
            write_private(&path, &new_seed())?;
            tracing::info!(path = %path.display(), "created the prescription signing key");
        }
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let Ok(seed) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            bail!("{} must hold exactly 32 bytes", path.display());
        };
        let key = SigningKey::from_bytes(&seed);
        let mut known = HashMap::new();
        for entry in std::fs::read_dir(dir.join("retired"))? {
            let path = entry?.path();
            let bytes = std::fs::read(&path)?;
            let public = <[u8; 32]>::try_from(bytes.as_slice())
                .ok()
                .and_then(|b| VerifyingKey::from_bytes(&b).ok())
                .with_context(|| format!("{} is not an Ed25519 public key", path.display()))?;
            known.insert(key_id(&public), public);
        }
        let public = key.verifying_key();
        let key_id = key_id(&public);
        known.insert(key_id.clone(), public);
        Ok(Keys { key, key_id, known })
    }
}

impl Signer {
    /// A single node's key, from its data directory (created on first start).
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Signer> {
        Ok(Signer { keys: RwLock::new(Keys::from_directory(data_dir)?), shared: None })
    }

    /// The cluster's keys, from the database: created by the first node to
    /// start, or moved there from `data_dir` when a single node becomes a cluster.
    pub async fn shared(db: &Db, kek: Kek, data_dir: &Path) -> anyhow::Result<Signer> {
        sealed::ensure_current(db, &kek, data_dir).await?;
        let keys = sealed::load(db, &kek).await?;
        Ok(Signer { keys: RwLock::new(keys), shared: Some((db.clone(), kek)) })
    }

    /// Retires the current key (its public half stays, to verify what it
    /// signed) and creates a new one. Returns the new key's id.
    pub async fn rotate(db: &Db, kek: Option<Kek>, data_dir: &Path) -> anyhow::Result<String> {
        if let Some(kek) = kek {
            sealed::ensure_current(db, &kek, data_dir).await?;
            return sealed::rotate(db, &kek).await;
        }
        rotate_in_directory(data_dir)
    }

    fn keys(&self) -> RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the cluster's keys again, when another node rotated them.
    async fn reload(&self) -> anyhow::Result<()> {
        if let Some((db, kek)) = &self.shared {
            let keys = sealed::load(db, kek).await?;
            *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
        }
        Ok(())
    }

    /// Signs `message` with the current key (the cluster's, if rotated since):
    /// (key id, base64 signature).
    pub async fn sign(&self, message: &[u8]) -> anyhow::Result<(String, String)> {
        if let Some((db, _)) = &self.shared {
            if sealed::current_id(db).await? != self.keys().key_id {
                self.reload().await?;
            }
        }
        let keys = self.keys();
        let signature = keys.key.sign(message);
        Ok((keys.key_id.clone(), base64::engine::general_purpose::STANDARD.encode(signature.to_bytes())))
    }

    /// Whether `signature` (base64) by key `key_id` is valid for `message`;
    /// a key this node does not know yet is looked for among the cluster's.
    pub async fn verify(&self, key_id: &str, message: &[u8], signature: &str) -> anyhow::Result<bool> {
        if self.shared.is_some() && !self.keys().known.contains_key(key_id) {
            self.reload().await?;
        }
        let keys = self.keys();
        let Some(key) = keys.known.get(key_id) else { return Ok(false) };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature) else { return Ok(false) };
        let Ok(signature) = Signature::from_slice(&bytes) else { return Ok(false) };
        Ok(key.verify(message, &signature).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn signatures_verify_across_rotation_and_fail_on_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let signer = Signer::load_or_create(dir.path()).unwrap();
        let (old_id, signature) = signer.sign(b"content").await.unwrap();
        assert!(signer.verify(&old_id, b"content", &signature).await.unwrap());
        assert!(!signer.verify(&old_id, b"contenT", &signature).await.unwrap());
        assert!(!signer.verify("unknown", b"content", &signature).await.unwrap());
        // The same key after a restart.
        assert!(Signer::load_or_create(dir.path()).unwrap().verify(&old_id, b"content", &signature).await.unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys").join(SIGNING_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the private key is readable by others");
        }

        let new_id = rotate_in_directory(dir.path()).unwrap();
        assert_ne!(new_id, old_id);
        let rotated = Signer::load_or_create(dir.path()).unwrap();
        assert!(rotated.verify(&old_id, b"content", &signature).await.unwrap(), "old prescriptions still verify");
        assert_eq!(rotated.sign(b"x").await.unwrap().0, new_id);
    }
}
