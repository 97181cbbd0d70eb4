//! The silent chat's messages, each stored with its timeline event.

use regard_shared::assist::EventKind;
use regard_shared::lang::Lang;
use regard_shared::silent::{NewSilentMessage, SilentKind, SilentMessage, MAX_MESSAGES_PER_CASE};

use super::record_on;
use crate::db::{begin_on, enum_name, new_id, now_ms, parse_enum, Db};
use crate::error::AppResult;
use crate::texts;

/// Who wrote a message.
pub enum Author<'a> {
    Regulator { user_id: &'a str },
    Caller,
}

/// Adds a message and its timeline event (`event`, with the message as the
/// record reads it in `detail`) in one transaction; false when the case
/// already holds as many as it may. The case's row is locked first, so two
/// messages sent together cannot both pass the count.
pub async fn add(
    db: &Db,
    assist_id: &str,
    author: Author<'_>,
    message: &NewSilentMessage,
    event: (EventKind, &str),
) -> AppResult<bool> {
    let mut tx = begin_on(db, "assists", assist_id).await?;
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM assist_messages WHERE assist_id = $1")
        .bind(assist_id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_MESSAGES_PER_CASE {
        return Ok(false);
    }
    let (author, author_id) = match author {
        Author::Regulator { user_id } => ("regulator", Some(user_id)),
        Author::Caller => ("caller", None),
    };
    sqlx::query(
        "INSERT INTO assist_messages (id, assist_id, at, author, author_id, kind, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(assist_id)
    .bind(now_ms())
    .bind(author)
    .bind(author_id)
    .bind(enum_name(&message.kind))
    .bind(&message.content)
    .execute(&mut *tx)
    .await?;
    record_on(&mut tx, assist_id, event.0, event.1, author_id).await?;
    tx.commit().await?;
    Ok(true)
}

/// The case's messages, oldest first, the phrases and answers read in `lang`.
pub async fn list(db: &Db, assist_id: &str, lang: Lang) -> AppResult<Vec<SilentMessage>> {
    let rows: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, at, author, kind, content FROM assist_messages WHERE assist_id = $1 ORDER BY seq LIMIT $2",
    )
    .bind(assist_id)
    .bind(MAX_MESSAGES_PER_CASE)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at, author, kind, content)| {
            let kind = parse_enum(&kind)?;
            Some(SilentMessage {
                text: read(lang, kind, &content),
                id,
                at,
                from_caller: author == "caller",
                kind,
                content,
            })
        })
        .collect())
}

/// A message as a reader of `lang` reads it: a phrase or an answer in that
/// language, free text as typed.
pub fn read(lang: Lang, kind: SilentKind, content: &str) -> String {
    match kind {
        SilentKind::Phrase => texts::text(lang, "phrases", content, &[]),
        SilentKind::Answer => texts::text(lang, "answers", content, &[]),
        SilentKind::Text => content.to_owned(),
    }
}
