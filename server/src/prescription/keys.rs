//! The Ed25519 key that signs prescriptions. Generated at first start in
//! `<data-dir>/keys/`, readable by the server's user only. Rotation
//! (`regard rotate-prescription-key`) keeps the old public key in
//! `keys/retired/`, so prescriptions signed before still verify.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

const SIGNING_FILE: &str = "prescription-signing.key";

pub struct Signer {
    key: SigningKey,
    key_id: String,
    /// Every public key that may have signed a stored prescription, by id.
    known: HashMap<String, VerifyingKey>,
}

/// A short name for a public key: the first 8 bytes of its SHA-256, in hex.
pub fn key_id(key: &VerifyingKey) -> String {
    Sha256::digest(key.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
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

impl Signer {
    /// Loads the signing key, creating it on first start.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Signer> {
        let dir = keys_dir(data_dir);
        std::fs::create_dir_all(dir.join("retired")).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(SIGNING_FILE);
        if !path.exists() {
            let mut seed = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut seed);
            write_private(&path, &seed)?;
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
        Ok(Signer { key, key_id, known })
    }

    /// Retires the current key (its public half stays, to verify what it
    /// signed) and creates a new one. Returns the new key's id.
    pub fn rotate(data_dir: &Path) -> anyhow::Result<String> {
        let current = Signer::load_or_create(data_dir)?;
        let dir = keys_dir(data_dir);
        let retired = dir.join("retired").join(format!("{}.pub", current.key_id));
        std::fs::write(&retired, current.key.verifying_key().as_bytes())?;
        std::fs::remove_file(dir.join(SIGNING_FILE))?;
        Ok(Signer::load_or_create(data_dir)?.key_id)
    }

    /// Signs `message`: (key id, base64 signature).
    pub fn sign(&self, message: &[u8]) -> (String, String) {
        let signature = self.key.sign(message);
        (self.key_id.clone(), base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()))
    }

    /// Whether `signature` (base64) by key `key_id` is valid for `message`.
    pub fn verify(&self, key_id: &str, message: &[u8], signature: &str) -> bool {
        let Some(key) = self.known.get(key_id) else { return false };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature) else { return false };
        let Ok(signature) = Signature::from_slice(&bytes) else { return false };
        key.verify(message, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_across_rotation_and_fail_on_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let signer = Signer::load_or_create(dir.path()).unwrap();
        let (old_id, signature) = signer.sign(b"content");
        assert!(signer.verify(&old_id, b"content", &signature));
        assert!(!signer.verify(&old_id, b"contenT", &signature));
        assert!(!signer.verify("unknown", b"content", &signature));
        // The same key after a restart.
        assert!(Signer::load_or_create(dir.path()).unwrap().verify(&old_id, b"content", &signature));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys").join(SIGNING_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the private key is readable by others");
        }

        let new_id = Signer::rotate(dir.path()).unwrap();
        assert_ne!(new_id, old_id);
        let rotated = Signer::load_or_create(dir.path()).unwrap();
        assert!(rotated.verify(&old_id, b"content", &signature), "old prescriptions still verify");
        assert_eq!(rotated.sign(b"x").0, new_id);
    }
}
