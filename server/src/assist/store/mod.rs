//! Assist cases in the database: the case, its append-only timeline, its photos.

use regard_shared::assist::{
    order_timeline, AssistDetail, AssistSummary, EventKind, Outcome, SnapshotView, TimelineEvent,
};
use regard_shared::lang::Lang;
use regard_shared::page::Page;
use regard_shared::phone;
use regard_shared::usage;
use regard_shared::validate::Invalid;
use sqlx::{AnyConnection, FromRow};

use crate::blobs::{owner_of, BlobStore};
use crate::db::{begin_on, enum_name, new_id, now_ms, Db, Stored};
use crate::error::{AppError, AppResult};
use crate::links::{self, Purpose};
use crate::paging::{self, Cursor};
use crate::sms;

mod calls;
mod counters;
pub mod messages;
pub use calls::{ringing, take, Taking};
pub use counters::usage;

pub struct NewCase<'a> {
    pub organisation_id: &'a str,
    pub created_by: &'a str,
    /// E.164.
    pub phone: &'a str,
    pub case_reference: Option<&'a str>,
    pub note: Option<&'a str>,
    /// A nursing home's call: the resident it is about, and why.
    pub resident: Option<(&'a str, &'a str)>,
    /// The language the caller reads, when the regulator chose one.
    pub language: Option<Lang>,
}

/// A case just opened, and the token of its patient link.
pub struct Opened {
    pub id: String,
    pub token: String,
}

/// Opens a case in one transaction: the case, its first timeline event
/// (`created` or a nursing home's `requested`), its patient link and the
/// month's usage count.
pub async fn open(db: &Db, case: NewCase<'_>, first: (EventKind, &str), link_ttl_ms: i64) -> AppResult<Opened> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO assists (id, organisation_id, created_by, phone, case_reference, note, created_at, resident_id, reason,
                              language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(case.organisation_id)
    .bind(case.created_by)
    .bind(case.phone)
    .bind(case.case_reference)
    .bind(case.note)
    .bind(now)
    .bind(case.resident.map(|(resident, _)| resident))
    .bind(case.resident.map(|(_, reason)| reason))
    .bind(case.language.map(Lang::code))
    .execute(&mut *tx)
    .await?;
    record_on(&mut tx, &id, first.0, first.1, Some(case.created_by)).await?;
    let token = links::mint_on(&mut tx, Purpose::Assist, &id, link_ttl_ms).await?;
    counters::add(&mut tx, case.organisation_id, now, usage::ASSISTS, 1).await?;
    tx.commit().await?;
    Ok(Opened { id, token })
}

/// Records a text message about the case and its timeline event, together;
/// returns the event (sent or failed).
pub async fn record_sms(db: &Db, delivery: sms::Delivery<'_>, actor: &str) -> AppResult<EventKind> {
    let mut tx = db.begin().await?;
    let sent = delivery.record(&mut tx).await?;
    let (kind, detail) = match &sent.error {
        None => (EventKind::SmsSent, sent.to.clone()),
        Some(error) => (EventKind::SmsFailed, format!("{}: {error}", sent.to)),
    };
    record_on(&mut tx, &sent.assist_id, kind, &detail, Some(actor)).await?;
    tx.commit().await?;
    Ok(kind)
}

/// Appends an event to the case's timeline. There is no way to change or remove
/// one: the table's triggers refuse it.
pub async fn record(db: &Db, assist_id: &str, kind: EventKind, detail: &str, actor: Option<&str>) -> AppResult<()> {
    if kind != EventKind::CallStarted {
        return record_on(&mut *db.acquire().await?, assist_id, kind, detail, actor).await;
    }
    // The case's first video counts in its month's figures, once.
    let mut tx = db.begin().await?;
    let first: Option<(String, i64)> = sqlx::query_as(
        "UPDATE assists SET reached_video_at = $1 WHERE id = $2 AND reached_video_at IS NULL
         RETURNING organisation_id, created_at",
    )
    .bind(now_ms())
    .bind(assist_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((organisation_id, created_at)) = first {
        counters::add(&mut tx, &organisation_id, created_at, usage::REACHED_VIDEO, 1).await?;
    }
    record_on(&mut tx, assist_id, kind, detail, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// `record`, on a connection or inside a transaction.
async fn record_on(
    conn: &mut AnyConnection,
    assist_id: &str,
    kind: EventKind,
    detail: &str,
    actor: Option<&str>,
) -> AppResult<()> {
    sqlx::query("INSERT INTO assist_events (assist_id, at, kind, detail, actor) VALUES ($1, $2, $3, $4, $5)")
        .bind(assist_id)
        .bind(now_ms())
        .bind(enum_name(&kind))
        .bind(detail)
        .bind(actor)
        .execute(conn)
        .await?;
    Ok(())
}

/// Position reports one case takes per minute, and in all: enough to follow a
/// caller who moves, bounded against a script that floods the timeline.
pub const LOCATIONS_PER_MINUTE: i64 = 6;
pub const LOCATIONS_PER_CASE: i64 = 200;

/// Records a caller's position unless the case had too many lately or in all.
/// The transaction starts by locking the case's row: counting and inserting in
/// one statement is not enough on PostgreSQL, where a burst's concurrent
/// statements do not see each other's rows and would all pass the count.
pub async fn record_location(db: &Db, assist_id: &str, detail: &str) -> AppResult<bool> {
    let now = now_ms();
    let mut tx = begin_on(db, "assists", assist_id).await?;
    let done = sqlx::query(
        "INSERT INTO assist_events (assist_id, at, kind, detail, actor)
         SELECT $1, $2, 'location', $3, NULL
         WHERE (SELECT COUNT(*) FROM assist_events WHERE assist_id = $1 AND kind = 'location' AND at > $4) < $5
           AND (SELECT COUNT(*) FROM assist_events WHERE assist_id = $1 AND kind = 'location') < $6",
    )
    .bind(assist_id)
    .bind(now)
    .bind(detail)
    .bind(now - 60_000)
    .bind(LOCATIONS_PER_MINUTE)
    .bind(LOCATIONS_PER_CASE)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// The case's organisation and caller number, for authorization and messages.
pub async fn owner(db: &Db, assist_id: &str) -> AppResult<(String, String)> {
    let row: Option<(String, String)> = sqlx::query_as("SELECT organisation_id, phone FROM assists WHERE id = $1")
        .bind(assist_id)
        .fetch_optional(db)
        .await?;
    row.ok_or(AppError::NotFound)
}

#[derive(FromRow)]
struct SummaryRow {
    id: String,
    phone: String,
    case_reference: Option<String>,
    created_at: i64,
    created_by: String,
    outcome: Option<Stored<Outcome>>,
    nursing_home: Option<String>,
    note: Option<String>,
}

const SUMMARY_SELECT: &str =
    "SELECT a.id, a.phone, a.case_reference, a.created_at, u.display_name AS created_by, a.outcome,
        (SELECT o.name FROM residents r JOIN organisations o ON o.id = r.organisation_id WHERE r.id = a.resident_id)
            AS nursing_home,
        a.note
     FROM assists a JOIN users u ON u.id = a.created_by";

fn summary(row: SummaryRow) -> AssistSummary {
    AssistSummary {
        id: row.id,
        // A tablet's call has no number: the home that called stands for it.
        phone: row.nursing_home.unwrap_or_else(|| phone::display(&row.phone)),
        case_reference: row.case_reference,
        created_at: row.created_at,
        created_by: row.created_by,
        outcome: row.outcome.map(|o| o.0),
        note: row.note,
    }
}

/// A page of the organisation's cases, newest first.
pub async fn page(db: &Db, organisation_id: &str, start: &Cursor, limit: u32) -> AppResult<Page<AssistSummary>> {
    let sql = format!(
        "{SUMMARY_SELECT} WHERE a.organisation_id = $1 AND {} ORDER BY a.created_at DESC, a.id LIMIT $5",
        // Every case has rank 0: the list is by date only.
        paging::after("0", "a.created_at", "a.id", 2)
    );
    let rows: Vec<SummaryRow> = paging::rows(db, &sql, organisation_id, start, limit, |q| q).await?;
    let total = counters::cases(db, organisation_id).await?;
    let cursor = |r: &SummaryRow| Cursor { rank: 0, at: r.created_at, id: r.id.clone() };
    Ok(paging::page(rows, limit, total as u32, cursor, summary))
}

pub async fn detail(db: &Db, assist_id: &str) -> AppResult<AssistDetail> {
    let row: Option<SummaryRow> =
        sqlx::query_as(&format!("{SUMMARY_SELECT} WHERE a.id = $1")).bind(assist_id).fetch_optional(db).await?;
    let summary = summary(row.ok_or(AppError::NotFound)?);
    let (decision_note, language): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT decision_note, language FROM assists WHERE id = $1")
            .bind(assist_id)
            .fetch_one(db)
            .await?;
    // Strict: an event of an unknown kind fails the whole read rather than
    // silently vanishing from the audit trail.
    let events: Vec<(i64, i64, Stored<EventKind>, String)> =
        sqlx::query_as("SELECT at, seq, kind, detail FROM assist_events WHERE assist_id = $1")
            .bind(assist_id)
            .fetch_all(db)
            .await?;
    let mut timeline: Vec<(i64, i64, TimelineEvent)> = events
        .into_iter()
        .map(|(at, seq, kind, detail)| (at, seq, TimelineEvent { at, kind: kind.0, detail }))
        .collect();
    order_timeline(&mut timeline);
    Ok(AssistDetail {
        summary,
        language: language.as_deref().and_then(Lang::from_tag),
        decision_note,
        timeline: timeline.into_iter().map(|(_, _, event)| event).collect(),
        // The case's record is French.
        messages: messages::list(db, assist_id, Lang::Fr).await?,
        call: calls::nursing_home_call(db, &format!("{} WHERE a.id = $1", calls::CALL_SELECT), assist_id).await?.pop(),
        snapshots: photos(db, assist_id).await?,
        sms: sms::for_assist(db, assist_id).await?,
    })
}

/// The language the caller reads, if known.
pub async fn language(db: &Db, assist_id: &str) -> AppResult<Option<Lang>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT language FROM assists WHERE id = $1").bind(assist_id).fetch_optional(db).await?;
    Ok(row.and_then(|(language,)| Lang::from_tag(&language?)))
}

/// The caller chose `lang` on their page: kept with the case, and said in its
/// timeline when it changes.
pub async fn choose_language(db: &Db, assist_id: &str, lang: Lang) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let changed =
        sqlx::query("UPDATE assists SET language = $1 WHERE id = $2 AND (language IS NULL OR language <> $3)")
            .bind(lang.code())
            .bind(assist_id)
            .bind(lang.code())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    if changed {
        record_on(&mut tx, assist_id, EventKind::LanguageChosen, lang.code(), None).await?;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Records (or revises) the decision; the month's figures move from the
/// previous outcome to this one in the same transaction.
pub async fn decide(db: &Db, assist_id: &str, outcome: Outcome, note: &str) -> AppResult<()> {
    let mut tx = begin_on(db, "assists", assist_id).await?;
    let (organisation_id, created_at, previous): (String, i64, Option<String>) =
        sqlx::query_as("SELECT organisation_id, created_at, outcome FROM assists WHERE id = $1")
            .bind(assist_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let outcome = enum_name(&outcome);
    sqlx::query("UPDATE assists SET outcome = $1, decision_note = $2 WHERE id = $3")
        .bind(&outcome)
        .bind(note)
        .bind(assist_id)
        .execute(&mut *tx)
        .await?;
    if previous.as_deref() != Some(outcome.as_str()) {
        if let Some(previous) = previous {
            counters::add(&mut tx, &organisation_id, created_at, &format!("{}{previous}", usage::OUTCOME), -1).await?;
        }
        counters::add(&mut tx, &organisation_id, created_at, &format!("{}{outcome}", usage::OUTCOME), 1).await?;
    }
    tx.commit().await?;
    Ok(())
}

type PhotoRow = (String, i64, String, i64, String);

fn photo_view((id, taken_at, content_type, bytes, source): PhotoRow) -> SnapshotView {
    SnapshotView { id, taken_at, content_type, bytes, source }
}

/// How many clips (`clips`), or else stills and photos, the case holds.
/// A photo or clip from the caller's device, checked and ready to store.
pub struct NewMedia<'a> {
    pub bytes: &'a [u8],
    pub content_type: &'a str,
    /// `snapshot`, `photo` or `clip`.
    pub source: &'a str,
    pub kind: EventKind,
    /// How many of its sort (clips, or stills) the case may hold.
    pub max: i64,
}

/// Stores a photo or clip in the case, with its file and its timeline event, in
/// one transaction that first checks the case has room: a refused upload
/// leaves nothing behind.
pub async fn add_media(db: &Db, blobs: &BlobStore, assist_id: &str, media: NewMedia<'_>) -> AppResult<SnapshotView> {
    let mut tx = begin_on(db, "assists", assist_id).await?;
    let same_sort = if media.source == "clip" { "source = 'clip'" } else { "source <> 'clip'" };
    let (count,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM assist_photos WHERE assist_id = $1 AND {same_sort}"))
            .bind(assist_id)
            .fetch_one(&mut *tx)
            .await?;
    if count >= media.max {
        return Err(if media.source == "clip" {
            Invalid { field: "clip", message: "This case already has as many clips as it can hold." }
        } else {
            Invalid { field: "photo", message: "This case already has as many photos as it can hold." }
        }
        .into());
    }
    let bytes = media.bytes.len() as i64;
    let view = photo_view((new_id(), now_ms(), media.content_type.to_owned(), bytes, media.source.to_owned()));
    let blob = blobs.store_owned(&mut tx, &owner_of("assist_photos", &view.id), media.bytes).await?;
    sqlx::query(
        "INSERT INTO assist_photos (id, assist_id, blob, content_type, bytes, source, taken_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&view.id)
    .bind(assist_id)
    .bind(blob)
    .bind(&view.content_type)
    .bind(bytes)
    .bind(&view.source)
    .bind(view.taken_at)
    .execute(&mut *tx)
    .await?;
    record_on(&mut tx, assist_id, media.kind, &view.id, None).await?;
    tx.commit().await?;
    Ok(view)
}

async fn photos(db: &Db, assist_id: &str) -> AppResult<Vec<SnapshotView>> {
    let rows: Vec<PhotoRow> = sqlx::query_as(
        "SELECT id, taken_at, content_type, bytes, source FROM assist_photos WHERE assist_id = $1 ORDER BY taken_at",
    )
    .bind(assist_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(photo_view).collect())
}

/// The stored file and type of one photo of the case.
pub async fn photo_blob(db: &Db, assist_id: &str, photo_id: &str) -> AppResult<(String, String)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT blob, content_type FROM assist_photos WHERE id = $1 AND assist_id = $2")
            .bind(photo_id)
            .bind(assist_id)
            .fetch_optional(db)
            .await?;
    row.ok_or(AppError::NotFound)
}
