//! Nursing homes' calls among the centre's cases: the ones still ringing, and
//! taking one (a compare-and-set: the first regulator gets it).

use regard_shared::nursing_home::IncomingCall;
use sqlx::FromRow;

use crate::db::{now_ms, Db};
use crate::error::AppResult;

pub(super) const CALL_SELECT: &str =
    "SELECT a.id AS assist_id, o.name AS nursing_home, r.first_name || ' ' || r.last_name AS resident_name,
            r.birth_date, r.room, a.reason, u.display_name AS requested_by, a.created_at AS requested_at
     FROM assists a JOIN residents r ON r.id = a.resident_id JOIN organisations o ON o.id = r.organisation_id
     JOIN users u ON u.id = a.created_by";

#[derive(FromRow)]
struct CallRow {
    assist_id: String,
    nursing_home: String,
    resident_name: String,
    birth_date: String,
    room: String,
    reason: Option<String>,
    requested_by: String,
    requested_at: i64,
}

pub(super) async fn nursing_home_call(db: &Db, query: &str, bind: &str) -> AppResult<Vec<IncomingCall>> {
    let rows: Vec<CallRow> = sqlx::query_as(query).bind(bind).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|row| IncomingCall {
            assist_id: row.assist_id,
            nursing_home: row.nursing_home,
            resident_name: row.resident_name,
            birth_date: row.birth_date,
            room: row.room,
            reason: row.reason.unwrap_or_default(),
            requested_by: row.requested_by,
            requested_at: row.requested_at,
        })
        .collect())
}

/// How long an untaken call keeps ringing. The home has dialled 15 by then;
/// the case stays in the centre's list.
const RING_MAX_MS: i64 = 3600 * 1000;

/// Nursing homes' calls ringing in the centre: no regulator has taken them yet. Oldest first.
pub async fn ringing(db: &Db, organisation_id: &str) -> AppResult<Vec<IncomingCall>> {
    let query = format!(
        "{CALL_SELECT} WHERE a.organisation_id = $1 AND a.taken_at IS NULL AND a.created_at > {}
         ORDER BY a.created_at",
        now_ms() - RING_MAX_MS
    );
    nursing_home_call(db, &query, organisation_id).await
}

pub enum Taking {
    Now,
    /// A texted caller's case: there is nothing to take.
    NotACall,
    AlreadyYours,
    ByAnother,
}

/// The regulator takes a ringing call, unless someone else took it first.
pub async fn take(db: &Db, assist_id: &str, regulator_id: &str) -> AppResult<Taking> {
    let done = sqlx::query(
        "UPDATE assists SET taken_by = $1, taken_at = $2 WHERE id = $3 AND resident_id IS NOT NULL AND taken_at IS NULL",
    )
    .bind(regulator_id)
    .bind(now_ms())
    .bind(assist_id)
    .execute(db)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Taking::Now);
    }
    let (taken_by, resident): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT taken_by, resident_id FROM assists WHERE id = $1").bind(assist_id).fetch_one(db).await?;
    Ok(match (taken_by, resident) {
        (_, None) => Taking::NotACall,
        (Some(taken_by), _) if taken_by == regulator_id => Taking::AlreadyYours,
        _ => Taking::ByAnother,
    })
}
