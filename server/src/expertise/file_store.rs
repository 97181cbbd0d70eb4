//! Files of tele-expertise requests in the database: uploaded first, then
//! attached to a request or a message (`store::attach`, in the same transaction).

use regard_shared::expertise::{FileKind, FileView};

use crate::db::{enum_name, new_id, now_ms, parse_enum, Db};
use crate::error::{AppError, AppResult};

pub struct NewFile<'a> {
    pub uploaded_by: &'a str,
    pub name: &'a str,
    pub kind: FileKind,
    pub content_type: &'static str,
    pub blob: &'a str,
    pub bytes: i64,
    pub preview_blob: &'a str,
    pub width: u32,
    pub height: u32,
    pub description: Option<String>,
}

pub async fn add_file(db: &Db, new: NewFile<'_>) -> AppResult<FileView> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO expertise_files (id, uploaded_by, name, kind, content_type, blob, bytes, preview_blob, width,
            height, description, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(new.uploaded_by)
    .bind(new.name)
    .bind(enum_name(&new.kind))
    .bind(new.content_type)
    .bind(new.blob)
    .bind(new.bytes)
    .bind(new.preview_blob)
    .bind(i64::from(new.width))
    .bind(i64::from(new.height))
    .bind(&new.description)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(FileView {
        id,
        name: new.name.to_owned(),
        kind: new.kind,
        bytes: new.bytes,
        width: new.width,
        height: new.height,
        description: new.description,
    })
}

/// Files uploaded by `user_id` in the last day and not sent: bounds what an
/// account can pile up without sending anything.
pub async fn pending_files(db: &Db, user_id: &str) -> AppResult<i64> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM expertise_files WHERE uploaded_by = $1 AND request_id IS NULL AND uploaded_at > $2",
    )
    .bind(user_id)
    .bind(now_ms() - 24 * 3600 * 1000)
    .fetch_one(db)
    .await?;
    Ok(count)
}

type FileViewRow = (String, String, String, i64, i64, i64, Option<String>);

pub async fn files(db: &Db, request_id: &str) -> AppResult<Vec<FileView>> {
    let rows: Vec<FileViewRow> = sqlx::query_as(
        "SELECT id, name, kind, bytes, width, height, description FROM expertise_files
         WHERE request_id = $1 ORDER BY uploaded_at",
    )
    .bind(request_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, kind, bytes, width, height, description)| FileView {
            id,
            name,
            kind: parse_enum(&kind).unwrap_or(FileKind::Photo),
            bytes,
            width: width as u32,
            height: height as u32,
            description,
        })
        .collect())
}

/// Where a file is: (uploader, request, name, content type, original blob, preview blob).
pub type FileRow = (String, Option<String>, String, String, String, String);

pub async fn file(db: &Db, id: &str) -> AppResult<FileRow> {
    sqlx::query_as(
        "SELECT uploaded_by, request_id, name, content_type, blob, preview_blob FROM expertise_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}
