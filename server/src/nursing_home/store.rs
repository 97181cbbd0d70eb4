//! Residents and their calls in the database. The calls themselves are rows of
//! `assists` (the SAMU centre's cases); this module reads them per resident.

use regard_shared::assist::Outcome;
use regard_shared::nursing_home::{CallStatus, NewResident, Resident, ResidentCall};
use regard_shared::search::fold;
use regard_shared::validate::Invalid;

use crate::db::{begin_on, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};

/// Residents a home may record: far beyond any nursing home's beds and
/// years of arrivals, and what bounds the list (always given whole).
pub const RESIDENTS_MAX: i64 = 2000;

/// A resident and the nursing home they live in.
#[derive(sqlx::FromRow)]
struct ResidentRow {
    organisation_id: String,
    id: String,
    last_name: String,
    first_name: String,
    birth_date: String,
    room: String,
    gp_name: Option<String>,
}

fn resident(row: ResidentRow) -> Resident {
    Resident {
        id: row.id,
        last_name: row.last_name,
        first_name: row.first_name,
        birth_date: row.birth_date,
        room: row.room,
        gp_name: row.gp_name,
    }
}

const RESIDENT_SELECT: &str =
    "SELECT organisation_id, id, last_name, first_name, birth_date, room, gp_name FROM residents";

/// Records a resident, unless the home already has `RESIDENTS_MAX`: the
/// home's row is locked first, so two nurses adding at once cannot pass it.
pub async fn create(db: &Db, organisation_id: &str, new: &NewResident) -> AppResult<Resident> {
    let id = new_id();
    let mut tx = begin_on(db, "organisations", organisation_id).await?;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM residents WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= RESIDENTS_MAX {
        return Err(Invalid {
            field: "last_name",
            message: "This home already has as many residents as Regard records.",
        }
        .into());
    }
    sqlx::query(
        "INSERT INTO residents (id, organisation_id, last_name, first_name, birth_date, room, gp_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(&new.last_name)
    .bind(&new.first_name)
    .bind(&new.birth_date)
    .bind(&new.room)
    .bind(&new.gp_name)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Resident {
        id,
        last_name: new.last_name.clone(),
        first_name: new.first_name.clone(),
        birth_date: new.birth_date.clone(),
        room: new.room.clone(),
        gp_name: new.gp_name.clone(),
    })
}

/// The home's residents whose name or room contains `search` whatever the case
/// and the accents ("elise" finds "Élise"), by name. Matched here rather than
/// in SQL, whose lower() folds only ASCII on SQLite but all of Unicode on
/// PostgreSQL and neither removes accents: a home's residents (at most
/// `RESIDENTS_MAX`) are read whole, and every match is listed.
pub async fn list(db: &Db, organisation_id: &str, search: &str) -> AppResult<Vec<Resident>> {
    let rows: Vec<ResidentRow> = sqlx::query_as(&format!("{RESIDENT_SELECT} WHERE organisation_id = $1 LIMIT $2"))
        .bind(organisation_id)
        .bind(RESIDENTS_MAX)
        .fetch_all(db)
        .await?;
    let search = fold(search);
    let mut found: Vec<Resident> = rows
        .into_iter()
        .map(resident)
        .filter(|r| {
            let (last, first) = (fold(&r.last_name), fold(&r.first_name));
            format!("{last} {first}").contains(&search)
                || format!("{first} {last}").contains(&search)
                || fold(&r.room).contains(&search)
        })
        .collect();
    found.sort_by_cached_key(|r| (fold(&r.last_name), fold(&r.first_name), r.id.clone()));
    Ok(found)
}

/// A resident and the nursing home they live in.
pub async fn find(db: &Db, id: &str) -> AppResult<(String, Resident)> {
    let row: Option<ResidentRow> =
        sqlx::query_as(&format!("{RESIDENT_SELECT} WHERE id = $1")).bind(id).fetch_optional(db).await?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok((row.organisation_id.clone(), resident(row)))
}

type CallRow =
    (String, i64, String, Option<String>, Option<i64>, Option<String>, Option<Stored<Outcome>>, Option<String>);

/// The resident's calls to the SAMU, newest first.
pub async fn calls(db: &Db, resident_id: &str) -> AppResult<Vec<ResidentCall>> {
    let rows: Vec<CallRow> = sqlx::query_as(
        "SELECT a.id, a.created_at, n.display_name, a.reason, a.taken_at, r.display_name, a.outcome, a.decision_note
         FROM assists a JOIN users n ON n.id = a.created_by LEFT JOIN users r ON r.id = a.taken_by
         WHERE a.resident_id = $1 ORDER BY a.created_at DESC",
    )
    .bind(resident_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(assist_id, requested_at, requested_by, reason, taken_at, regulator, outcome, decision_note)| {
            let outcome = outcome.map(|o| o.0);
            ResidentCall {
                assist_id,
                requested_at,
                requested_by,
                reason: reason.unwrap_or_default(),
                status: CallStatus::of(taken_at, outcome),
                regulator,
                outcome,
                decision_note,
            }
        })
        .collect())
}
