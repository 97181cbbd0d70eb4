//! Files (photos, consultation documents, DICOM files and their previews),
//! named by the SHA-256 of their content: identical uploads are stored once and
//! a name can never point at altered bytes. The bytes are in the data directory
//! (one node, the default) or in the database (`--blob-store database`), where
//! every node of a cluster reads them and where they are written in the
//! transaction of the record that owns them.
//!
//! Because one file may serve several records, files know their owners: the
//! `blob_owners` table holds one row per record naming a file, written in that
//! record's transaction (`store_owned`), and a file is deleted only when its last
//! owner is gone (`collect`). No table of records can be forgotten.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::db::{now_ms, Db};
use crate::error::AppResult;

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
    /// The database, when the bytes are kept there.
    shared: Option<Db>,
}

/// Where the bytes of stored files are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Place {
    /// The data directory of this node.
    Directory,
    /// The database, shared by every node.
    Database,
}

impl BlobStore {
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore { root: data_dir.join(STORE_DIR), shared: None }
    }

    /// A store whose bytes are in `db`, which every node reads.
    pub fn shared(data_dir: &Path, db: Db) -> BlobStore {
        BlobStore { root: data_dir.join(STORE_DIR), shared: Some(db) }
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        Some(self.root.join(in_store(name)?))
    }

    /// Stores `bytes` for `owner` (`owner_of(table, id)`), inside the
    /// transaction that writes the owning record, after that transaction's checks
    /// passed: a refused upload writes nothing. The transaction must already
    /// hold its write lock (it has written), so that `collect` cannot run between
    /// the owner row and the file.
    pub async fn store_owned(&self, tx: &mut AnyConnection, owner: &str, bytes: &[u8]) -> AppResult<String> {
        let name = name_of(bytes);
        sqlx::query("INSERT INTO blobs (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(&name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO blob_owners (owner, blob) VALUES ($1, $2) ON CONFLICT (owner, blob) DO NOTHING")
            .bind(owner)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        match self.shared {
            Some(_) => put_row(tx, &name, bytes).await?,
            None => drop(self.put(bytes).await?),
        }
        Ok(name)
    }

    /// Deletes the files that `names` name and that no record owns any more.
    /// Run after the transaction that removed owners has committed. Each file is
    /// removed while a transaction holds its `blobs` row, so an upload of the same
    /// bytes either comes first (and keeps the file) or after (and writes it again).
    /// Waits while a backup copies the files (`BackupHold`).
    pub async fn collect(&self, db: &Db, names: impl IntoIterator<Item = String>) -> AppResult<u32> {
        let _hold = BackupHold::take(self.root.clone(), false).await?;
        let mut deleted = 0;
        for name in names {
            let mut tx = db.begin().await?;
            let unowned = sqlx::query(
                "DELETE FROM blobs WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM blob_owners WHERE blob = $1)",
            )
            .bind(&name)
            .execute(&mut *tx)
            .await?;
            if unowned.rows_affected() == 1 {
                match self.shared {
                    Some(_) => {
                        sqlx::query("DELETE FROM blob_contents WHERE name = $1").bind(&name).execute(&mut *tx).await?;
                    }
                    None => self.delete(&name).await?,
                }
                deleted += 1;
            }
            tx.commit().await?;
        }
        Ok(deleted)
    }

    /// Writes `bytes` ahead of the transaction that will own them, so that a
    /// large upload (a series' hundreds of slices) does not hold the database's
    /// write lock while its files are written: `store_owned` then finds them
    /// there. Safe against `collect`: should it delete one in between,
    /// `store_owned` writes it again inside the transaction.
    /// Nothing to do when the bytes go to the database: they are written in
    /// the owning transaction, which holds no lock on other writers there.
    pub async fn write_ahead(&self, bytes: &[u8]) -> anyhow::Result<()> {
        match self.shared {
            Some(_) => Ok(()),
            None => self.put(bytes).await.map(drop),
        }
    }

    /// Writes `bytes` under their name unless already there; returns the name.
    async fn put(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let name = name_of(bytes);
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
    /// Only `collect` calls it, once no record owns the file.
    async fn delete(&self, name: &str) -> anyhow::Result<()> {
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
        match (&self.shared, self.path(name)) {
            (Some(db), _) => matches!(row(db, name).await, Ok(Some(_))),
            (None, Some(path)) => tokio::fs::try_exists(path).await.unwrap_or(false),
            (None, None) => false,
        }
    }

    pub async fn get(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        if let Some(db) = &self.shared {
            return row(db, name).await?.with_context(|| format!("no stored file {name}"));
        }
        let path = self.path(name).context("invalid blob name")?;
        tokio::fs::read(&path).await.with_context(|| format!("reading {}", path.display()))
    }

    /// Deletes what a crash left between a purge's commit and its `collect`:
    /// files no record owns any more. Run by the scheduler of every node.
    pub async fn collect_unowned(&self, db: &Db) -> AppResult<u32> {
        let names: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM blobs WHERE NOT EXISTS (SELECT 1 FROM blob_owners WHERE blob = blobs.name) LIMIT 500",
        )
        .fetch_all(db)
        .await?;
        if names.is_empty() {
            return Ok(0);
        }
        self.collect(db, names.into_iter().map(|(name,)| name)).await
    }
}

/// Writes the bytes of `name` into the database, unless already there.
async fn put_row(tx: &mut AnyConnection, name: &str, bytes: &[u8]) -> AppResult<()> {
    let stored: Option<(String,)> =
        sqlx::query_as("SELECT name FROM blob_contents WHERE name = $1").bind(name).fetch_optional(&mut *tx).await?;
    if stored.is_none() {
        sqlx::query("INSERT INTO blob_contents (name, bytes) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(bytes)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn row(db: &Db, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let found: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT bytes FROM blob_contents WHERE name = $1").bind(name).fetch_optional(db).await?;
    Ok(found.map(|(bytes,)| bytes))
}

/// Where the file named `name` is, relative to the store's directory. Names
/// come from our database, but check anyway: only hex reaches the disk.
fn in_store(name: &str) -> Option<PathBuf> {
    if name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Path::new(&name[..2]).join(&name[2..]))
}

/// Where the file named `name` is, relative to the data directory.
pub fn relative_path(name: &str) -> Option<PathBuf> {
    Some(Path::new(STORE_DIR).join(in_store(name)?))
}

const STORE_DIR: &str = "blobs";

/// A lock on the store's files, across processes: a backup holds it alone
/// while it copies, `collect` shares it while it deletes. Uploads never take
/// it: a backup copies the files its database snapshot names, and only a
/// deletion could take one of those away before it is copied.
pub struct BackupHold {
    _file: std::fs::File,
}

impl BackupHold {
    /// Waits until no deletion runs, then holds off new ones until dropped.
    pub async fn exclusive(data_dir: &Path) -> anyhow::Result<BackupHold> {
        BackupHold::take(data_dir.join(STORE_DIR), true).await
    }

    async fn take(root: PathBuf, exclusive: bool) -> anyhow::Result<BackupHold> {
        tokio::task::spawn_blocking(move || {
            // Beside the store, not in it: the store holds only files named by their hash.
            let path = root.with_extension("lock");
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .with_context(|| format!("opening {}", path.display()))?;
            if exclusive { file.lock() } else { file.lock_shared() }
                .with_context(|| format!("locking {}", path.display()))?;
            Ok(BackupHold { _file: file })
        })
        .await?
    }
}

/// The owner key of a record that names files: its table and id.
pub fn owner_of(table: &str, id: &str) -> String {
    format!("{table}:{id}")
}

/// Drops, in the caller's transaction, the owners whose key is `owner_of` of a
/// row returned by `records` (a `SELECT id ...` bound to `$1 = key`); returns
/// the files they held, to `collect` once committed.
pub async fn disown(tx: &mut AnyConnection, table: &str, records: &str, key: &str) -> AppResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(&format!(
        "DELETE FROM blob_owners WHERE owner IN (SELECT '{table}:' || id FROM ({records}) AS owned) RETURNING blob"
    ))
    .bind(key)
    .fetch_all(&mut *tx)
    .await?;
    let mut names: Vec<String> = rows.into_iter().map(|(name,)| name).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// The name bytes are stored under: their SHA-256, in hex.
pub fn name_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
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
