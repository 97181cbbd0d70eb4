//! Files of tele-expertise requests in the database: uploaded first, then
//! attached to a request or a message (`store::attach`, in the same transaction).

use regard_shared::expertise::{FileKind, FileView, FILES_MAX};
use regard_shared::validate::Invalid;
use sqlx::AnyConnection;

use crate::blobs::{owner_of, BlobStore};
use crate::db::{begin_on, enum_name, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};

pub struct NewFile<'a> {
    pub uploaded_by: &'a str,
    pub name: &'a str,
    pub kind: FileKind,
    pub content_type: &'static str,
    pub original: &'a [u8],
    /// The PNG shown for a DICOM file; a photo is its own preview.
    pub preview: Option<&'a [u8]>,
    pub width: u32,
    pub height: u32,
    pub description: Option<String>,
    /// A series' slices in order (`series::Series::slices`); empty otherwise.
    pub slices: &'a [Vec<u8>],
}

/// Files one account may have uploaded in the last day without sending them:
/// bounds what an account can pile up without sending anything.
const PENDING_MAX: i64 = 2 * FILES_MAX as i64;

/// Refuses when `uploader` has too many files waiting to be sent.
async fn pending_checked(conn: &mut AnyConnection, uploader: &str) -> AppResult<()> {
    let (pending,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM expertise_files WHERE uploaded_by = $1 AND request_id IS NULL AND uploaded_at > $2",
    )
    .bind(uploader)
    .bind(now_ms() - 24 * 3600 * 1000)
    .fetch_one(&mut *conn)
    .await?;
    if pending >= PENDING_MAX {
        return Err(
            Invalid { field: "file", message: "Too many files wait to be sent: send your request first." }.into()
        );
    }
    Ok(())
}

/// Stores an uploaded file and its preview, unless its uploader has too many
/// waiting to be sent: checked first, in the transaction that stores the files.
pub async fn add_file(db: &Db, blobs: &BlobStore, new: NewFile<'_>) -> AppResult<FileView> {
    if !new.slices.is_empty() {
        // Refused early, before hundreds of slices are written for nothing.
        pending_checked(&mut *db.acquire().await?, new.uploaded_by).await?;
        for slice in new.slices {
            blobs.write_ahead(slice).await.map_err(AppError::Internal)?;
        }
    }
    let mut tx = begin_on(db, "users", new.uploaded_by).await?;
    pending_checked(&mut tx, new.uploaded_by).await?;
    let id = new_id();
    let owner = owner_of("expertise_files", &id);
    let blob = blobs.store_owned(&mut tx, &owner, new.original).await?;
    let preview_blob = match new.preview {
        Some(preview) => blobs.store_owned(&mut tx, &owner, preview).await?,
        None => blob.clone(),
    };
    sqlx::query(
        "INSERT INTO expertise_files (id, uploaded_by, name, kind, content_type, blob, bytes, preview_blob, width,
            height, description, uploaded_at, slices)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(new.uploaded_by)
    .bind(new.name)
    .bind(enum_name(&new.kind))
    .bind(new.content_type)
    .bind(&blob)
    .bind(new.original.len() as i64)
    .bind(&preview_blob)
    .bind(i64::from(new.width))
    .bind(i64::from(new.height))
    .bind(&new.description)
    .bind(now_ms())
    .bind(new.slices.len() as i64)
    .execute(&mut *tx)
    .await?;
    for (number, slice) in new.slices.iter().enumerate() {
        let blob = blobs.store_owned(&mut tx, &owner, slice).await?;
        sqlx::query("INSERT INTO expertise_series_slices (file_id, number, blob) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(number as i64)
            .bind(&blob)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(FileView {
        id,
        name: new.name.to_owned(),
        kind: new.kind,
        bytes: new.original.len() as i64,
        width: new.width,
        height: new.height,
        description: new.description,
        slices: new.slices.len() as u32,
    })
}

#[derive(sqlx::FromRow)]
struct FileViewRow {
    id: String,
    name: String,
    kind: Stored<FileKind>,
    bytes: i64,
    width: i64,
    height: i64,
    description: Option<String>,
    slices: i64,
}

pub async fn files(db: &Db, request_id: &str) -> AppResult<Vec<FileView>> {
    let rows: Vec<FileViewRow> = sqlx::query_as(
        "SELECT id, name, kind, bytes, width, height, description, slices FROM expertise_files
         WHERE request_id = $1 ORDER BY uploaded_at",
    )
    .bind(request_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| FileView {
            id: row.id,
            name: row.name,
            kind: row.kind.0,
            bytes: row.bytes,
            width: row.width as u32,
            height: row.height as u32,
            description: row.description,
            slices: row.slices as u32,
        })
        .collect())
}

/// Where a file is and who may see it.
#[derive(sqlx::FromRow)]
pub struct FileRow {
    pub uploaded_by: String,
    pub request_id: Option<String>,
    pub name: String,
    pub content_type: String,
    /// The original as sent.
    pub blob: String,
    /// What the browser shows: the photo itself, or the PNG rendered from DICOM.
    pub preview_blob: String,
}

pub async fn file(db: &Db, id: &str) -> AppResult<FileRow> {
    sqlx::query_as(
        "SELECT uploaded_by, request_id, name, content_type, blob, preview_blob FROM expertise_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// The blob of slice `number` of series `file_id`.
pub async fn slice(db: &Db, file_id: &str, number: u32) -> AppResult<String> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT blob FROM expertise_series_slices WHERE file_id = $1 AND number = $2")
            .bind(file_id)
            .bind(i64::from(number))
            .fetch_optional(db)
            .await?;
    Ok(row.ok_or(AppError::NotFound)?.0)
}
