//! Storage. Stores talk to `sqlx::AnyPool` with SQL both SQLite and PostgreSQL
//! accept (`$n` parameters, TEXT ids minted by the server, BIGINT millisecond
//! timestamps, no booleans): one set of queries, so no feature can behave
//! differently on the two backends. Each backend has its own migrations, in its
//! own idioms, and the dialect-specific parts live here: connecting and migrating.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;

use crate::error::AppResult;

pub type Db = sqlx::AnyPool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Opens the database at `url` (creating an SQLite file if needed) and brings
/// its schema up to date with that backend's migrations.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    match Backend::of(url) {
        Some(Backend::Sqlite) => connect_sqlite(url).await,
        Some(Backend::Postgres) => connect_postgres(url).await,
        None => bail!(
            "unsupported database URL {:?}: use sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE",
            redacted(url)
        ),
    }
}

/// The file an SQLite URL names (`sqlite://data/regard.db?mode=rwc`: `data/regard.db`).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

async fn connect_sqlite(url: &str) -> anyhow::Result<Db> {
    let path = sqlite_path(url).context("the SQLite URL names no file")?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the database directory {}", parent.display()))?;
    }
    let url = if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
    // A connection to a local file cannot go stale: testing each one before use
    // would cost a round trip to its worker thread on every query.
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect(&url)
        .await
        .with_context(|| format!("opening the database {}", path.display()))?;
    // WAL lets readers proceed while a request writes; the setting is stored in
    // the file, so running it at each start is cheap and idempotent.
    sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
    SQLITE_MIGRATIONS.run(&pool).await.context("running database migrations")?;
    Ok(pool)
}

async fn connect_postgres(url: &str) -> anyhow::Result<Db> {
    // A server's connections are shared by every node and every other client:
    // a modest pool per node. Connections are not pinged before each use: that
    // doubles the round trips of every statement (without the ping, questionnaire
    // submissions went from about 1,460 to 1,610 a second, p99 16 to 12 ms); a
    // connection a restart or failover killed fails its statement once and is
    // then dropped, and connections are renewed every half hour anyway.
    let pool = AnyPoolOptions::new()
        .max_connections(16)
        .test_before_acquire(false)
        .max_lifetime(std::time::Duration::from_secs(30 * 60))
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(url)
        .await
        .with_context(|| format!("connecting to the database {}", redacted(url)))?;
    POSTGRES_MIGRATIONS.run(&pool).await.context("running database migrations")?;
    Ok(pool)
}

/// Copies the live SQLite database at `url` into the new file `copy` in one
/// read transaction (`VACUUM INTO`: consistent while others write, compacted),
/// and returns the names of the stored files that copy records.
pub async fn snapshot_sqlite(url: &str, copy: &Path) -> anyhow::Result<Vec<String>> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let target = copy.to_str().context("the backup path is not UTF-8")?.replace('\'', "''");
    let mut live = sqlx::AnyConnection::connect(url).await.context("opening the database")?;
    sqlx::query(&format!("VACUUM INTO '{target}'")).execute(&mut live).await.context("copying the database")?;
    live.close().await?;
    let mut snapshot = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", copy.display())).await?;
    let names = sqlx::query_scalar(FILES_IN_DIRECTORY).fetch_all(&mut snapshot).await?;
    snapshot.close().await?;
    Ok(names)
}

/// The stored files whose bytes are in the data directory: those kept in the
/// database (`blob_contents`) are in its snapshot already.
const FILES_IN_DIRECTORY: &str = "SELECT name FROM blobs WHERE NOT EXISTS \
     (SELECT 1 FROM blob_contents WHERE blob_contents.name = blobs.name) ORDER BY name";

/// The names of the stored files in the data directory that the database at `url` records.
pub async fn blob_names(url: &str) -> anyhow::Result<Vec<String>> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut connection = sqlx::AnyConnection::connect(url).await.context("opening the database")?;
    let names = sqlx::query_scalar(FILES_IN_DIRECTORY).fetch_all(&mut connection).await?;
    connection.close().await?;
    Ok(names)
}

/// Whether the PostgreSQL database at `url` has no table yet (a restore's target).
pub async fn is_empty_postgres(url: &str) -> anyhow::Result<bool> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut connection = sqlx::AnyConnection::connect(url).await.context("opening the database")?;
    let (tables,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_one(&mut connection)
            .await?;
    connection.close().await?;
    Ok(tables == 0)
}

/// A database URL fit for a log or an error message: without its password.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Starts a transaction that holds the row `id` of `table` (a record whose
/// children the transaction counts and adds to) until it ends. On PostgreSQL it
/// locks that row, so checks on its children (counts, caps) hold until commit.
/// SQLite has one writer at a time: `BEGIN IMMEDIATE` takes the write lock at
/// once (a transaction that reads first and writes later fails when another
/// commits in between), and writes nothing: an `id = id` update would make
/// SQLite check every child table's foreign keys, scanning those without an
/// index (a user's row has a dozen such children, some of millions of rows).
pub async fn begin_on(db: &Db, table: &str, id: &str) -> AppResult<sqlx::Transaction<'static, sqlx::Any>> {
    if db.connect_options().database_url.scheme() == "sqlite" {
        return Ok(db.begin_with("BEGIN IMMEDIATE").await?);
    }
    let mut tx = db.begin().await?;
    sqlx::query(&format!("UPDATE {table} SET id = id WHERE id = $1")).bind(id).execute(&mut *tx).await?;
    Ok(tx)
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &Db) -> bool {
    sqlx::query("SELECT 1").execute(db).await.is_ok()
}

/// How far behind the wall clock `now_ms` reads: always 0 in the server. The
/// data generator (`examples/bench_scale`) sets it to lay a region's year in
/// the past through the same code the server runs.
static CLOCK_BEHIND_MS: AtomicI64 = AtomicI64::new(0);

/// The data generator only: `now_ms` reads `ms` behind the wall clock.
pub fn set_clock_behind(ms: i64) {
    CLOCK_BEHIND_MS.store(ms, Ordering::Relaxed);
}

/// Milliseconds since the Unix epoch: the one timestamp format stored.
pub fn now_ms() -> i64 {
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    wall - CLOCK_BEHIND_MS.load(Ordering::Relaxed)
}

/// An instant on the clock of the French users Regard serves (appointment
/// times in messages, dates on prescriptions, receipts and claims).
pub fn in_paris(ms: i64) -> chrono::DateTime<chrono_tz::Tz> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().with_timezone(&chrono_tz::Europe::Paris)
}

/// A fresh random identifier for a row.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The stored name of a unit enum variant: its serde name (`"medical_advice"`).
pub fn enum_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The variant a stored name stands for.
pub fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A stored enum name, decoded strictly: a name this build does not know (a row
/// written by a newer version, a hand edit) fails the row's decoding, which is
/// logged and answered as a 500, never read as some default variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored<T>(pub T);

impl<T> sqlx::Type<sqlx::Any> for Stored<T> {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r, T: serde::de::DeserializeOwned> sqlx::Decode<'r, sqlx::Any> for Stored<T> {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let name = <String as sqlx::Decode<sqlx::Any>>::decode(value)?;
        parse_enum(&name)
            .map(Stored)
            .ok_or_else(|| format!("unknown stored {} {name:?}", std::any::type_name::<T>()).into())
    }
}
