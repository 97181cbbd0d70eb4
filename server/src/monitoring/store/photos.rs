//! The SQL of the photos patients send with their answers.

use sqlx::{AnyConnection, FromRow};

use crate::blobs;
use crate::db::Db;
use crate::error::AppResult;

/// Whether the follow-up holds this photo.
pub async fn owned(db: &Db, followup_id: &str, photo_id: &str) -> AppResult<bool> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM followup_photos WHERE id = $1 AND followup_id = $2")
        .bind(photo_id)
        .bind(followup_id)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// What an upload must know, read in its transaction (which locked the follow-up).
#[derive(FromRow)]
pub struct Room {
    pub ended_at: Option<i64>,
    pub photos: i64,
    /// The photo already holding these bytes (a retry), if any.
    pub same_bytes: Option<String>,
}

pub async fn room(tx: &mut AnyConnection, followup_id: &str, blob: &str) -> AppResult<Room> {
    Ok(sqlx::query_as(
        "SELECT f.ended_at, (SELECT COUNT(*) FROM followup_photos p WHERE p.followup_id = f.id) AS photos,
                (SELECT p.id FROM followup_photos p WHERE p.followup_id = f.id AND p.blob = $2) AS same_bytes
         FROM followups f WHERE f.id = $1",
    )
    .bind(followup_id)
    .bind(blob)
    .fetch_one(&mut *tx)
    .await?)
}

pub struct NewPhoto<'a> {
    pub id: &'a str,
    pub followup_id: &'a str,
    pub blob: &'a str,
    pub content_type: &'a str,
    pub bytes: i64,
    pub at: i64,
}

pub async fn insert(tx: &mut AnyConnection, photo: NewPhoto<'_>) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO followup_photos (id, followup_id, blob, content_type, bytes, at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(photo.id)
    .bind(photo.followup_id)
    .bind(photo.blob)
    .bind(photo.content_type)
    .bind(photo.bytes)
    .bind(photo.at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The stored file and its type.
pub async fn file(db: &Db, followup_id: &str, photo_id: &str) -> AppResult<Option<(String, String)>> {
    Ok(sqlx::query_as("SELECT blob, content_type FROM followup_photos WHERE id = $1 AND followup_id = $2")
        .bind(photo_id)
        .bind(followup_id)
        .fetch_optional(db)
        .await?)
}

/// Gives up the follow-up's photos' files (they go if nothing else owns them).
pub async fn disown_all(tx: &mut AnyConnection, followup_id: &str) -> AppResult<Vec<String>> {
    blobs::disown(tx, "followup_photos", "SELECT id FROM followup_photos WHERE followup_id = $1", followup_id).await
}
