//! The access log: every time a clinician reads patient data, a row says who,
//! what and when. Rows are only ever added (the table's triggers refuse changes).

use crate::auth::CurrentUser;
use crate::db::{now_ms, Db};
use crate::error::AppResult;

/// Records that `user` performed `action` (e.g. `view`, `view_photo`) on a
/// `subject` (e.g. `assist`) identified by `subject_id`.
pub async fn record(db: &Db, user: &CurrentUser, subject: &str, subject_id: &str, action: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO access_log (at, user_id, subject, subject_id, action) VALUES ($1, $2, $3, $4, $5)")
        .bind(now_ms())
        .bind(&user.id)
        .bind(subject)
        .bind(subject_id)
        .bind(action)
        .execute(db)
        .await?;
    Ok(())
}
