//! Which PACS each organisation's series are fetched from.

use crate::db::Db;
use crate::error::AppResult;

/// Where the PACS's DICOMweb service is, and the account Regard uses there.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Connection {
    /// Without a trailing slash, e.g. `https://pacs.chu.example/dicom-web`.
    pub base_url: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

pub async fn connection(db: &Db, organisation: &str) -> AppResult<Option<Connection>> {
    Ok(sqlx::query_as("SELECT base_url, username, password FROM pacs_connections WHERE organisation_id = $1")
        .bind(organisation)
        .fetch_optional(db)
        .await?)
}

/// Connects `organisation` to a PACS, replacing any earlier connection.
pub async fn connect(db: &Db, organisation: &str, connection: &Connection) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO pacs_connections (organisation_id, base_url, username, password) VALUES ($1, $2, $3, $4)
         ON CONFLICT (organisation_id) DO UPDATE
         SET base_url = excluded.base_url, username = excluded.username, password = excluded.password",
    )
    .bind(organisation)
    .bind(connection.base_url.trim_end_matches('/'))
    .bind(&connection.username)
    .bind(&connection.password)
    .execute(db)
    .await?;
    Ok(())
}
