//! The console's live channel: one WebSocket per open console (`/ws/console`)
//! carrying `News` of the member's organisation as they happen, so that no
//! page has to poll. Domains publish on the bus right after their change is
//! committed; each socket forwards what its member may see.
//!
//! The bus is a Tokio broadcast channel on each node; news published on one
//! node crosses the cluster's link (`cluster::NEWS`) to the consoles of the
//! others.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use regard_shared::live::{LiveMessage, News, HEARTBEAT_SECS};
use regard_shared::ApiError;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::auth::{self, Session};
use crate::cluster::{Link, NEWS};
use crate::error::{AppError, AppResult};
use crate::gate::{Held, PerAccount};
use crate::signalling::RateLimit;
use crate::AppState;

/// News a slow console may fall behind by before it is told to fetch everything again.
const BACKLOG: usize = 1024;

/// Consoles (tabs) one member may hold open at once.
pub const MAX_CONSOLES_PER_MEMBER: usize = 8;

/// A console that does not take a frame within this time is dropped: it will
/// reconnect, and a dead peer cannot hold the task.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// News addressed to the members of one organisation.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub organisation_id: String,
    pub news: News,
}

pub struct Bus {
    sender: broadcast::Sender<Arc<Envelope>>,
    link: Link,
    consoles: Arc<PerAccount>,
}

impl Default for Bus {
    fn default() -> Bus {
        Bus::new(Link::alone(), PerAccount::new(MAX_CONSOLES_PER_MEMBER))
    }
}

impl Bus {
    /// `consoles` counts each member's consoles (`MAX_CONSOLES_PER_MEMBER`).
    pub fn new(link: Link, consoles: Arc<PerAccount>) -> Bus {
        Bus { sender: broadcast::channel(BACKLOG).0, link, consoles }
    }

    /// Tells the organisation's open consoles, on every node. Call it once the
    /// change is committed: a console fetches as soon as it hears.
    pub fn publish(&self, organisation_id: &str, news: News) {
        tracing::debug!(organisation_id, ?news, "live news");
        let envelope = Envelope { organisation_id: organisation_id.to_owned(), news };
        self.link.send(NEWS, &envelope);
        self.tell_here(envelope);
    }

    fn tell_here(&self, envelope: Envelope) {
        // No receiver (no console open) is not an error.
        let _ = self.sender.send(Arc::new(envelope));
    }

    /// Passes the news published on the other nodes to this node's consoles.
    pub async fn listen(self: &Arc<Self>) -> anyhow::Result<()> {
        let mut heard = self.link.listen::<Envelope>(NEWS).await?;
        let bus = self.clone();
        tokio::spawn(async move {
            while let Some((_, envelope)) = heard.next().await {
                bus.tell_here(envelope);
            }
        });
        Ok(())
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Envelope>> {
        self.sender.subscribe()
    }
}

/// Opens the console's live channel for a signed-in, unlocked member.
#[utoipa::path(get, path = "/ws/console", tag = "realtime",
    responses(
        (status = 101, description = "Upgraded: news for the console (regard_shared::live::News), server to console"),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 423, description = "The session is locked", body = ApiError),
    ))]
pub async fn join(ws: WebSocketUpgrade, State(state): State<AppState>, session: Session) -> AppResult<Response> {
    if session.locked {
        return Err(AppError::Locked);
    }
    let held = state.live.consoles.hold(&session.user.id).await?;
    // Nothing but pings is expected from the console.
    let ws = ws.max_message_size(1024).max_frame_size(1024).read_buffer_size(1024);
    Ok(ws.on_upgrade(move |socket| async move {
        let _open = crate::metrics::OpenSocket::new("console");
        run(socket, state, session, held).await;
    }))
}

/// Whether `envelope` is for this member: their organisation, and a role that
/// may open what it is about.
fn concerns(session: &Session, envelope: &Envelope) -> bool {
    let user = &session.user;
    envelope.organisation_id == user.organisation_id && envelope.news.needs().iter().any(|&a| user.role.may(a))
}

async fn send(sink: &mut futures_util::stream::SplitSink<WebSocket, Message>, message: &LiveMessage) -> bool {
    let text = serde_json::to_string(message).expect("live messages serialise");
    matches!(tokio::time::timeout(SEND_TIMEOUT, sink.send(Message::Text(text.into()))).await, Ok(Ok(())))
}

/// Tells the console its session ended (close code 4401).
async fn close_ended(sink: &mut futures_util::stream::SplitSink<WebSocket, Message>) {
    let _ = sink.send(Message::Close(Some(CloseFrame { code: 4401, reason: "session ended".into() }))).await;
}

async fn run(socket: WebSocket, state: AppState, session: Session, _held: Held) {
    let (mut sink, mut stream) = socket.split();
    // Subscribed before the welcome: nothing published after it is missed.
    let mut news = state.live.subscribe();
    let mut revoked = state.sessions.revoked();
    let mut heartbeat = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECS));
    heartbeat.tick().await;
    let mut limit = RateLimit::new();
    if !send(&mut sink, &LiveMessage::Welcome).await {
        return;
    }
    loop {
        let message = tokio::select! {
            received = news.recv() => match received {
                Ok(envelope) if concerns(&session, &envelope) => LiveMessage::News { news: envelope.news.clone() },
                Ok(_) => continue,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, user = %session.user.id, "console fell behind");
                    LiveMessage::Resync
                }
                Err(RecvError::Closed) => break,
            },
            _ = heartbeat.tick() => {
                // Signed out, expired, idle or locked since (on another node,
                // say): the channel closes, and the console finds out why
                // through the API.
                match auth::session_is_open(&state, &session.user.session).await {
                    Ok(false) => break close_ended(&mut sink).await,
                    Ok(true) => {}
                    Err(e) => tracing::warn!(error = ?e, "checking a console's session"),
                }
                LiveMessage::Heartbeat
            },
            // Ended here a moment ago: closed at once. Missed ones (lagging)
            // are the heartbeat's to find.
            Ok(ended) = revoked.recv() => {
                if ended.ends(&session.user) {
                    break close_ended(&mut sink).await;
                }
                continue;
            },
            frame = stream.next() => match frame {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) if limit.allow() => continue,
                Some(Ok(_)) => break,
            },
        };
        if !send(&mut sink, &message).await {
            break;
        }
    }
}
