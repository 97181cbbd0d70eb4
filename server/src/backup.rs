//! Online backup and restore of what a Regard server keeps: the database, the
//! stored files (`blobs/`) and the prescription signing keys (`keys/`).
//!
//! A backup is taken while Regard serves. It holds the blob store's backup
//! lock (so no file can be deleted while it is copied), snapshots the database
//! (SQLite's `VACUUM INTO`, a transactionally consistent copy; PostgreSQL's
//! `pg_dump`, one snapshot), then copies every file the snapshot names whose
//! bytes are in the data directory (those kept in the database are in its
//! snapshot), checking each against its name (a SHA-256), and the keys. `manifest.json`, written
//! last, lists every file of the backup with its size and SHA-256: a backup
//! without it is unfinished. A restore checks every file against the manifest
//! before it writes anything, and only into an empty data directory and database.

use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::blobs::{self, BackupHold};
use crate::db::{self, Backend};

const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;
const SQLITE_COPY: &str = "regard.db";
const POSTGRES_COPY: &str = "database.pgdump";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The version of Regard that wrote the backup; a newer one restores it
    /// (its migrations bring the schema up to date), an older one may not.
    pub regard_version: String,
    /// When the database snapshot was taken, RFC 3339 in UTC.
    pub taken_at: String,
    pub database: String,
    pub files: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the backup directory, with `/` separators.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Backs up the server whose database is `database_url` and whose files are in
/// `data_dir` into `out`, which must not exist or be empty.
pub async fn backup(database_url: &str, data_dir: &Path, out: &Path) -> anyhow::Result<Manifest> {
    ensure_empty(out)?;
    private_dir(out)?;
    // Held until the manifest is written: deletions of files wait, uploads go on.
    let _hold = BackupHold::exclusive(data_dir).await?;
    let taken_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (database, copy, names) = match Backend::of(database_url) {
        Some(Backend::Sqlite) => {
            let copy = out.join(SQLITE_COPY);
            let names = db::snapshot_sqlite(database_url, &copy).await?;
            ("sqlite", SQLITE_COPY, names)
        }
        Some(Backend::Postgres) => {
            let copy = out.join(POSTGRES_COPY);
            pg_tool("pg_dump", &["--format=custom", "--no-owner", "--file", path_str(&copy)?], database_url)?;
            // Read after the dump: a superset of the files it names, all still
            // there since deletions wait for the hold.
            ("postgresql", POSTGRES_COPY, db::blob_names(database_url).await?)
        }
        None => bail!("unsupported database URL: use sqlite://PATH or postgres://…"),
    };
    #[cfg(unix)]
    std::fs::set_permissions(out.join(copy), std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    let mut files = vec![entry(out, copy)?];
    for name in names {
        let relative =
            blobs::relative_path(&name).with_context(|| format!("invalid file name {name:?} in the database"))?;
        let from = data_dir.join(&relative);
        let to = out.join(&relative);
        let sha256 = copy_file(&from, &to)?;
        ensure!(sha256 == name, "{} is damaged: its content no longer matches its name", from.display());
        files.push(Entry { path: unix_path(&relative), bytes: std::fs::metadata(&to)?.len(), sha256 });
    }
    for relative in key_files(data_dir)? {
        copy_file(&data_dir.join(&relative), &out.join(&relative))?;
        files.push(entry(out, &unix_path(&relative))?);
    }
    let manifest = Manifest {
        format: FORMAT,
        regard_version: env!("CARGO_PKG_VERSION").to_owned(),
        taken_at,
        database: database.to_owned(),
        files,
    };
    write_synced(&out.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Restores the backup in `from` into an empty `data_dir` and database
/// (`database_url`); refuses a backup that is unfinished or damaged before
/// writing anything.
pub async fn restore(from: &Path, database_url: &str, data_dir: &Path) -> anyhow::Result<Manifest> {
    let manifest = check(from)?;
    ensure_empty(data_dir)?;
    let backend = Backend::of(database_url).context("unsupported database URL: use sqlite://PATH or postgres://…")?;
    match (backend, manifest.database.as_str()) {
        (Backend::Sqlite, "sqlite") | (Backend::Postgres, "postgresql") => {}
        (_, taken) => bail!("this backup holds a {taken} database; restore it into one of the same kind"),
    }
    // Every check before the first write: a refused restore leaves nothing behind.
    let sqlite_target = match backend {
        Backend::Sqlite => {
            let target = db::sqlite_path(database_url).context("the SQLite URL names no file")?;
            ensure!(!target.exists(), "{} already exists: restore into a new database", target.display());
            Some(target)
        }
        Backend::Postgres => {
            ensure!(db::is_empty_postgres(database_url).await?, "the database is not empty: restore into a new one");
            None
        }
    };
    for file in &manifest.files {
        if file.path == SQLITE_COPY || file.path == POSTGRES_COPY {
            continue;
        }
        copy_file(&from.join(&file.path), &data_dir.join(&file.path))?;
    }
    match sqlite_target {
        Some(target) => drop(copy_file(&from.join(SQLITE_COPY), &target)?),
        None => {
            let dump = from.join(POSTGRES_COPY);
            pg_tool("pg_restore", &["--no-owner", "--exit-on-error", path_str(&dump)?], database_url)?
        }
    }
    // Opening it checks it and brings an older backup's schema up to date.
    db::connect(database_url).await?.close().await;
    Ok(manifest)
}

/// Reads the manifest and checks every file it lists (size and SHA-256).
pub fn check(from: &Path) -> anyhow::Result<Manifest> {
    let path = from.join(MANIFEST);
    let bytes = std::fs::read(&path)
        .with_context(|| format!("{} is missing: the backup is unfinished or this is not a backup", path.display()))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).with_context(|| format!("{} is damaged", path.display()))?;
    ensure!(manifest.format == FORMAT, "backup format {} is not one this Regard reads ({FORMAT})", manifest.format);
    let mut damaged = Vec::new();
    for file in &manifest.files {
        ensure!(is_safe_relative(&file.path), "the manifest names a file outside the backup: {:?}", file.path);
        let path = from.join(&file.path);
        match hash_file(&path) {
            Ok((bytes, sha256)) if bytes == file.bytes && sha256 == file.sha256 => {}
            Ok(_) => damaged.push(format!("{} (altered)", file.path)),
            Err(_) => damaged.push(format!("{} (missing)", file.path)),
        }
    }
    if !damaged.is_empty() {
        let shown: Vec<_> = damaged.iter().take(5).map(String::as_str).collect();
        bail!(
            "the backup is damaged, nothing was restored: {} file(s) do not match the manifest: {}",
            damaged.len(),
            shown.join(", ")
        );
    }
    Ok(manifest)
}

fn ensure_empty(dir: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => ensure!(entries.next().is_none(), "{} is not empty", dir.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    }
    Ok(())
}

/// The signing key and the retired public keys, relative to the data directory.
fn key_files(data_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::from("keys")];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(data_dir.join(&dir)) else { continue };
        for entry in entries {
            let entry = entry?;
            let relative = dir.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                pending.push(relative);
            } else {
                files.push(relative);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn entry(out: &Path, relative: &str) -> anyhow::Result<Entry> {
    let (bytes, sha256) = hash_file(&out.join(relative))?;
    Ok(Entry { path: relative.to_owned(), bytes, sha256 })
}

fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok((bytes, hex(&hasher.finalize())))
}

/// Copies `from` to `to` (creating its directory, syncing it to disk) and
/// returns the SHA-256 of what was copied. Health data and a signing key:
/// readable by their owner only (files 0600, folders 0700), whoever's umask.
fn copy_file(from: &Path, to: &Path) -> anyhow::Result<String> {
    let mut source = std::fs::File::open(from).with_context(|| format!("reading {}", from.display()))?;
    if let Some(parent) = to.parent() {
        private_dir(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut target = options.open(to).with_context(|| format!("creating {}", to.display()))?;
    let mut hashing = HashingWriter { inner: &mut target, hasher: Sha256::new() };
    std::io::copy(&mut source, &mut hashing).with_context(|| format!("copying {}", from.display()))?;
    let sha256 = hex(&hashing.hasher.finalize());
    target.sync_all()?;
    Ok(sha256)
}

struct HashingWriter<'a> {
    inner: &'a mut std::fs::File,
    hasher: Sha256,
}

impl std::io::Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Creates `dir` and its missing parents, readable by their owner only.
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("creating {}", dir.display()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create_new(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unix_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn is_safe_relative(path: &str) -> bool {
    !path.is_empty() && Path::new(path).components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))
}

/// Runs one of PostgreSQL's client tools on the database at `url`, with the
/// password in its environment rather than on its command line, where any
/// user could read it. `REGARD_PG_BIN` names the
/// tools' directory, else they are looked up in `PATH` (Debian: `postgresql-client`).
fn pg_tool(tool: &str, args: &[&str], url: &str) -> anyhow::Result<()> {
    let program = match std::env::var_os("REGARD_PG_BIN") {
        Some(dir) => PathBuf::from(dir).join(tool),
        None => PathBuf::from(tool),
    };
    let mut url = url::Url::parse(url).context("the database URL")?;
    let mut command = std::process::Command::new(&program);
    if let Some(password) = url.password() {
        command.env("PGPASSWORD", percent_encoding::percent_decode_str(password).decode_utf8_lossy().as_ref());
        let _ = url.set_password(None);
    }
    command.args(args).arg("--dbname").arg(url.as_str());
    let output = command
        .output()
        .with_context(|| format!("running {tool} (install postgresql-client, or set REGARD_PG_BIN)"))?;
    ensure!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    Ok(())
}
