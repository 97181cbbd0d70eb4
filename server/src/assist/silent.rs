//! The silent chat of a video assist, both sides: the regulator's ready
//! phrases and typed text, the caller's one-tap answers and typed text. Each
//! message is stored with its timeline event; the room's two sides are told
//! there is news and read the chat again, each in its own language.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use regard_shared::assist::EventKind;
use regard_shared::lang::Lang;
use regard_shared::signal::ServerMessage;
use regard_shared::silent::{
    phrase_keys, NewSilentMessage, Phrase, Phrasebook, SilentKind, SilentMessage, ANSWERS, TEXT_MAX_CHARS,
};
use regard_shared::validate::{required_text, Invalid};
use regard_shared::{Action, ApiError};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::messages::{self, Author};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult, Json};
use crate::links::{PatientDevice, Purpose};
use crate::signalling::Subject;
use crate::{texts, AppState};

/// The regulator's side, under `/api/v1/assists`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(phrasebook)).routes(routes!(send_to_caller))
}

/// The caller's side, under `/api/v1/patient`.
pub fn patient_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_as_caller, send_to_regulator))
}

/// The language a list is read in; French when not given.
#[derive(Deserialize, utoipa::IntoParams)]
struct ReadIn {
    /// A patient language's code (`fr`, `uk`, `ar`…).
    #[param(value_type = Option<String>)]
    lang: Option<Lang>,
}

/// The ready phrases and the caller's answers, in the console's language.
#[utoipa::path(get, path = "/phrases", tag = "assist", params(ReadIn),
    responses((status = 200, body = Phrasebook), (status = 403, body = ApiError)))]
async fn phrasebook(user: CurrentUser, Query(query): Query<ReadIn>) -> AppResult<Json<Phrasebook>> {
    user.authorize(Action::ConductAssist, &user.organisation_id)?;
    let lang = query.lang.unwrap_or(Lang::Fr);
    let book = |section: &str, keys: &mut dyn Iterator<Item = &str>| {
        keys.map(|key| Phrase { key: key.to_owned(), text: texts::text(lang, section, key, &[]) }).collect()
    };
    Ok(Json(Phrasebook {
        phrases: book("phrases", &mut phrase_keys()),
        answers: book("answers", &mut ANSWERS.into_iter()),
    }))
}

/// The regulator sends a ready phrase (read in the caller's language) or text.
#[utoipa::path(post, path = "/{id}/messages", tag = "assist", request_body = NewSilentMessage,
    params(("id" = String, Path, description = "Assist id")),
    responses(
        (status = 204, description = "Sent: the caller's page shows it"),
        (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 409, description = "A nursing home's call, or the case holds too many messages", body = ApiError),
        (status = 422, description = "Not a ready phrase, or text empty or too long", body = ApiError),
    ))]
async fn send_to_caller(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(message): Json<NewSilentMessage>,
) -> AppResult<StatusCode> {
    let phone = super::authorize_case(&state, &user, &id).await?;
    if phone.is_empty() {
        return Err(AppError::Conflict("This call comes from a nursing home's tablet: it has no caller's page."));
    }
    let (message, event) = match message.kind {
        SilentKind::Phrase if phrase_keys().any(|key| key == message.content) => (message, EventKind::PhraseSent),
        SilentKind::Phrase => return Err(invalid("This is not one of the ready phrases.")),
        SilentKind::Text => (typed(message)?, EventKind::TextSent),
        SilentKind::Answer => return Err(invalid("Answers are the caller's: send a phrase or text.")),
    };
    let author = Author::Regulator { user_id: &user.id };
    deliver(&state, &id, author, &message, event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The chat as the caller's page shows it, in the page's language.
#[utoipa::path(get, path = "/assist/messages", tag = "patient", params(ReadIn),
    responses(
        (status = 200, body = Vec<SilentMessage>),
        (status = 401, description = "No accepted link on this device", body = ApiError),
    ))]
async fn read_as_caller(
    State(state): State<AppState>,
    device: PatientDevice,
    Query(query): Query<ReadIn>,
) -> AppResult<Json<Vec<SilentMessage>>> {
    let assist_id = device.subject(Purpose::Assist)?.to_owned();
    Ok(Json(messages::list(&state.db, &assist_id, query.lang.unwrap_or(Lang::Fr)).await?))
}

/// The caller answers in one tap, or types.
#[utoipa::path(post, path = "/assist/messages", tag = "patient", request_body = NewSilentMessage,
    responses(
        (status = 204, description = "Sent: the regulator's console shows it"),
        (status = 401, description = "No accepted link on this device", body = ApiError),
        (status = 409, description = "The case holds too many messages", body = ApiError),
        (status = 422, description = "Not an answer, or text empty or too long", body = ApiError),
    ))]
async fn send_to_regulator(
    State(state): State<AppState>,
    device: PatientDevice,
    Json(message): Json<NewSilentMessage>,
) -> AppResult<StatusCode> {
    let assist_id = device.subject(Purpose::Assist)?.to_owned();
    let (message, event) = match message.kind {
        SilentKind::Answer if ANSWERS.contains(&message.content.as_str()) => (message, EventKind::AnswerReceived),
        SilentKind::Answer => return Err(invalid("This is not one of the answers.")),
        SilentKind::Text => (typed(message)?, EventKind::TextReceived),
        SilentKind::Phrase => return Err(invalid("Ready phrases are the regulator's: send an answer or text.")),
    };
    deliver(&state, &assist_id, Author::Caller, &message, event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stores the message with its timeline event (as the French record reads
/// it), then tells the room's two sides and the centre's consoles.
async fn deliver(
    state: &AppState,
    assist_id: &str,
    author: Author<'_>,
    message: &NewSilentMessage,
    event: EventKind,
) -> AppResult<()> {
    let detail = messages::read(Lang::Fr, message.kind, &message.content);
    if !messages::add(&state.db, assist_id, author, message, (event, &detail)).await? {
        return Err(AppError::Conflict("This case holds as many messages as it can."));
    }
    state.rooms.broadcast(&Subject::Assist(assist_id.to_owned()), ServerMessage::Messages);
    super::tell(state, assist_id, event).await
}

/// Free text, trimmed and bounded.
fn typed(message: NewSilentMessage) -> AppResult<NewSilentMessage> {
    let content = required_text("content", &message.content, TEXT_MAX_CHARS)?;
    Ok(NewSilentMessage { kind: SilentKind::Text, content })
}

fn invalid(message: &'static str) -> AppError {
    Invalid { field: "content", message }.into()
}
