//! Files (photos, consultation documents; PDFs later) stored in the data directory,
//! named by the SHA-256 of their content: identical uploads are stored once and
//! a name can never point at altered bytes.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore { root: data_dir.join("blobs") }
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        // Names come from our database, but check anyway: only hex reaches the disk.
        if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.root.join(&name[..2]).join(&name[2..]))
    }

    /// Stores `bytes` and returns their name.
    pub async fn put(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let name: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let path = self.path(&name).expect("a SHA-256 hex name is valid");
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(name);
        }
        let dir = path.parent().expect("blob paths have a parent");
        tokio::fs::create_dir_all(dir).await.with_context(|| format!("creating {}", dir.display()))?;
        // Write then rename, so a crash never leaves a truncated file under a valid name.
        let partial = dir.join(format!(".{}.partial", &name[2..]));
        tokio::fs::write(&partial, bytes).await.with_context(|| format!("writing {}", partial.display()))?;
        tokio::fs::rename(&partial, &path).await.context("storing blob")?;
        Ok(name)
    }

    /// Removes a file; one already gone is not an error (a purge may be retried).
    pub async fn delete(&self, name: &str) -> anyhow::Result<()> {
        let path = self.path(name).context("invalid blob name")?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("deleting {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// Whether a file is stored under `name`.
    pub async fn exists(&self, name: &str) -> bool {
        match self.path(name) {
            Some(path) => tokio::fs::try_exists(path).await.unwrap_or(false),
            None => false,
        }
    }

    pub async fn get(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.path(name).context("invalid blob name")?;
        tokio::fs::read(&path).await.with_context(|| format!("reading {}", path.display()))
    }
}

/// The image type of `bytes`, judged by their first bytes and not by what the
/// sender claims.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The type of a short video clip by its content: WebM (Chromium, Firefox) or
/// MP4 (Safari), the containers MediaRecorder writes.
pub fn sniff_video(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        Some("video/webm")
    } else if bytes.len() > 12 && &bytes[4..8] == b"ftyp" {
        Some("video/mp4")
    } else {
        None
    }
}

/// The type of a document exchanged in a consultation (PDF, JPEG or PNG), by
/// its content.
pub fn sniff_document(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    sniff_image(bytes).filter(|t| *t != "image/webp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let a = store.put(b"first").await.unwrap();
        assert_eq!(store.put(b"first").await.unwrap(), a);
        assert_ne!(store.put(b"second").await.unwrap(), a);
        assert_eq!(store.get(&a).await.unwrap(), b"first");
        store.delete(&a).await.unwrap();
        assert!(!store.exists(&a).await && store.get(&a).await.is_err());
        store.delete(&a).await.unwrap();
        assert!(store.get("../../etc/passwd").await.is_err());
    }

    #[test]
    fn sniffs_images() {
        assert_eq!(sniff_image(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(b"%PDF-1.7"), None);
        assert_eq!(sniff_document(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff_document(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        // A renamed text file is not a PDF, whatever its name says.
        assert_eq!(sniff_document(b"hello.pdf"), None);
    }
}
