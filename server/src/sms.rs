//! Text messages. Every message is recorded in `sms_messages`, whichever provider
//! carries it, so the console can show what was sent and what failed.
//! The default provider is the outbox itself: messages are shown in the console
//! (with their link), which is enough for a demo, tests, and a centre that reads
//! the link out over the phone.

use regard_shared::assist::SmsView;
use regard_shared::phone;

use crate::db::{new_id, now_ms, Db};
use crate::error::AppResult;

/// How messages leave Regard.
#[derive(Clone, Debug, Default)]
pub enum SmsProvider {
    /// Kept in the outbox table, shown in the console.
    #[default]
    Outbox,
}

pub struct OutgoingSms<'a> {
    pub organisation_id: &'a str,
    pub assist_id: Option<&'a str>,
    /// E.164.
    pub to: &'a str,
    pub body: String,
}

impl SmsProvider {
    /// Sends and records the message; a failure is recorded and returned as the
    /// view's `status`/`error`, never swallowed.
    pub async fn send(&self, db: &Db, sms: OutgoingSms<'_>) -> AppResult<SmsView> {
        let (status, error): (&str, Option<String>) = match self {
            SmsProvider::Outbox => ("sent", None),
        };
        let view = SmsView {
            id: new_id(),
            assist_id: sms.assist_id.unwrap_or_default().to_owned(),
            to: phone::display(sms.to),
            body: sms.body,
            created_at: now_ms(),
            status: status.to_owned(),
            error,
        };
        sqlx::query(
            "INSERT INTO sms_messages (id, organisation_id, assist_id, to_number, body, created_at, status, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&view.id)
        .bind(sms.organisation_id)
        .bind(sms.assist_id)
        .bind(sms.to)
        .bind(&view.body)
        .bind(view.created_at)
        .bind(&view.status)
        .bind(&view.error)
        .execute(db)
        .await?;
        Ok(view)
    }
}

type SmsRow = (String, Option<String>, String, String, i64, String, Option<String>);

fn view((id, assist_id, to, body, created_at, status, error): SmsRow) -> SmsView {
    SmsView { id, assist_id: assist_id.unwrap_or_default(), to: phone::display(&to), body, created_at, status, error }
}

/// The organisation's latest messages, newest first.
pub async fn outbox(db: &Db, organisation_id: &str, limit: i64) -> AppResult<Vec<SmsView>> {
    let rows: Vec<SmsRow> = sqlx::query_as(
        "SELECT id, assist_id, to_number, body, created_at, status, error FROM sms_messages
         WHERE organisation_id = $1 ORDER BY created_at DESC LIMIT $2",
    )
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// The messages of one assist, oldest first.
pub async fn for_assist(db: &Db, assist_id: &str) -> AppResult<Vec<SmsView>> {
    let rows: Vec<SmsRow> = sqlx::query_as(
        "SELECT id, assist_id, to_number, body, created_at, status, error FROM sms_messages
         WHERE assist_id = $1 ORDER BY created_at",
    )
    .bind(assist_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}
