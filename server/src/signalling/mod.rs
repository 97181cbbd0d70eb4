//! WebRTC signalling over WebSocket: one room per assist, consultation or
//! tele-expertise request (live video between the two sites),
//! holding at most one clinician and one patient socket. The server relays `PeerSignal`s between the
//! two and never sees media. Each socket is authenticated when it joins (session
//! cookie or patient device cookie) and can only ever reach its own room.

mod rooms;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use regard_shared::assist::EventKind;
use regard_shared::live::News;
use regard_shared::signal::{
    ClientMessage, IceServer, PeerRole, ServerMessage, MAX_FRAMES_PER_SECOND, MAX_FRAME_BYTES,
};
use regard_shared::Action;
use regard_shared::ApiError;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc, Notify};

use crate::assist::{self, store};
use crate::auth::{self, CurrentUser, Revoked};
use crate::error::{AppError, AppResult};
use crate::links::PatientDevice;
use crate::{AppState, IceConfig};

pub use rooms::Rooms;

/// Frames queued for one socket before it is considered stuck and dropped.
const QUEUE: usize = 64;

/// Signalling sockets one clinician may hold open at once (one per case on screen).
pub const MAX_SOCKETS_PER_CLINICIAN: usize = 8;

/// What a room is about. Assists and consultations share the machinery; only
/// what a change of media state means differs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Subject {
    Assist(String),
    Consultation(String),
    Expertise(String),
}

impl Subject {
    fn key(&self) -> String {
        match self {
            Subject::Assist(id) => format!("assist:{id}"),
            Subject::Consultation(id) => format!("consultation:{id}"),
            Subject::Expertise(id) => format!("expertise:{id}"),
        }
    }

    /// An assist's timeline records when video started and stopped, a
    /// tele-expertise request when it first started; a consultation's
    /// milestones are the GP's admit and end instead.
    async fn media_changed(&self, state: &AppState, connected: bool, actor: Option<&str>) {
        if connected {
            crate::metrics::call_reached_video(match self {
                Subject::Assist(_) => "assist",
                Subject::Consultation(_) => "consultation",
                Subject::Expertise(_) => "expertise",
            });
        }
        let recorded = match self {
            Subject::Assist(id) => {
                let kind = if connected { EventKind::CallStarted } else { EventKind::CallEnded };
                assist::record(state, id, kind, "", actor).await
            }
            Subject::Expertise(id) if connected => crate::expertise::live_video::started(state, id).await,
            _ => Ok(()),
        };
        if let Err(e) = recorded {
            tracing::error!(error = ?e, "recording call state");
        }
    }

    /// The regulator's desk shows whether the caller's phone is on the case:
    /// it learns when the phone joins or leaves (a reload, which replaces the
    /// socket, is neither).
    async fn caller_present(&self, state: &AppState, present: bool) {
        if let Subject::Assist(id) = self {
            match store::owner(&state.db, id).await {
                Ok((organisation_id, _)) => {
                    state.live.publish(&organisation_id, News::Caller { assist_id: id.clone(), present })
                }
                Err(e) => tracing::error!(error = ?e, "telling the caller's presence"),
            }
        }
    }
}

/// Who is joining a room, once the domain module has checked they may.
pub enum Joiner {
    Clinician(CurrentUser),
    /// A clinician's device at the patient's side (an emergency department's
    /// cart in a tele-expertise): it takes the patient's seat and, like any
    /// clinician, counts against its user's sockets.
    Bedside(CurrentUser),
    Patient,
}

/// The ICE servers a peer is given. TURN credentials follow coturn's
/// `use-auth-secret` scheme: username = expiry timestamp and `tag`, password =
/// base64(HMAC-SHA1(secret, username)), so they expire without any state. A
/// tag of its own per peer gives each its own allocation quota at the relay.
pub fn ice_servers(config: &IceConfig, now_secs: u64, tag: &str) -> Vec<IceServer> {
    let mut servers = Vec::new();
    if !config.stun_urls.is_empty() {
        servers.push(IceServer { urls: config.stun_urls.clone(), username: None, credential: None });
    }
    if let (false, Some(secret)) = (config.turn_urls.is_empty(), &config.turn_secret) {
        let username = format!("{}:{tag}", now_secs + config.turn_ttl_secs);
        let credential = crate::relay::password(secret, &username);
        servers.push(IceServer {
            urls: config.turn_urls.clone(),
            username: Some(username),
            credential: Some(credential),
        });
    }
    servers
}

/// Joins the signalling room of an assist, as its regulator or as the phone that
/// accepted its link.
#[utoipa::path(get, path = "/ws/assist/{id}", tag = "realtime",
    params(("id" = String, Path, description = "The assist")),
    responses(
        (status = 101, description = "Upgraded: signalling messages (regard_shared::signal) both ways"),
        (status = 401, description = "Neither a session nor this case's phone", body = ApiError),
        (status = 403, description = "Not allowed to join this room", body = ApiError),
        (status = 404, description = "Unknown", body = ApiError),
    ))]
pub async fn join_assist(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    Path(assist_id): Path<String>,
    user: Option<CurrentUser>,
    device: Option<PatientDevice>,
) -> AppResult<Response> {
    // The device that accepted this case's link is the caller, even when someone
    // is signed in on it too: a nursing home's tablet carries its nurse's session.
    let joiner = match (user, device) {
        (_, Some(device)) if device.purpose == "assist" && device.subject_id == assist_id => Joiner::Patient,
        (Some(user), _) => {
            let (organisation_id, _) = store::owner(&state.db, &assist_id).await?;
            user.authorize(Action::ConductAssist, &organisation_id)?;
            Joiner::Clinician(user)
        }
        (None, Some(_)) => return Err(AppError::Forbidden),
        (None, None) => return Err(AppError::Unauthenticated),
    };
    upgrade(ws, state, Subject::Assist(assist_id), joiner).await
}

/// Upgrades to the room's WebSocket for someone already authorized.
pub async fn upgrade(ws: WebSocketUpgrade, state: AppState, subject: Subject, joiner: Joiner) -> AppResult<Response> {
    let (role, holder) = match joiner {
        Joiner::Clinician(user) => (PeerRole::Clinician, Some(user)),
        Joiner::Bedside(user) => (PeerRole::Patient, Some(user)),
        Joiner::Patient => (PeerRole::Patient, None),
    };
    let slot = match &holder {
        Some(user) => Some(state.rooms.per_clinician.hold(&user.id).await?),
        None => None,
    };
    let ws = ws.max_message_size(MAX_FRAME_BYTES).max_frame_size(MAX_FRAME_BYTES).read_buffer_size(READ_BUFFER_BYTES);
    Ok(ws.on_upgrade(move |socket| async move {
        let _open = crate::metrics::OpenSocket::new("signalling");
        run(socket, state, subject, role, holder).await;
        drop(slot);
    }))
}

/// How often a clinician's socket marks its session used, and checks it is
/// still in force (ended on another node, say).
const KEEP_ALIVE: Duration = Duration::from_secs(60);

/// Resolves when the session a clinician's socket stands on ends: at once
/// when ended on this node, else at the next keep-alive. Never for a
/// patient's phone, which has no session.
async fn session_ended(
    state: &AppState,
    holder: Option<&CurrentUser>,
    revoked: &mut broadcast::Receiver<Revoked>,
    keep_alive: &mut tokio::time::Interval,
) {
    let Some(user) = holder else { return std::future::pending().await };
    loop {
        tokio::select! {
            ended = revoked.recv() => match ended {
                Ok(ended) if ended.ends(user) => return,
                _ => {}
            },
            _ = keep_alive.tick() => match auth::keep_alive(state, &user.session).await {
                Ok(false) => return,
                Ok(true) => {}
                Err(e) => tracing::warn!(error = ?e, "keeping a call's session alive"),
            },
        }
    }
}

/// How long a closing socket waits for the client's side of the close handshake.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Each socket's read buffer is allocated whole for the socket's life, and the
/// library's default (128 KiB) made an idle socket cost ~145 KiB of memory
/// (scripts/bench-signalling). Signalling frames are a few KiB at most; longer
/// ones are read in several pieces.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// Allows `MAX_FRAMES_PER_SECOND` on average with bursts of twice that.
pub(crate) struct RateLimit {
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    pub(crate) fn new() -> RateLimit {
        RateLimit { tokens: f64::from(MAX_FRAMES_PER_SECOND) * 2.0, last: Instant::now() }
    }

    pub(crate) fn allow(&mut self) -> bool {
        let rate = f64::from(MAX_FRAMES_PER_SECOND);
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * rate).min(rate * 2.0);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn error(code: &str, message: &str) -> ServerMessage {
    ServerMessage::Error { code: code.to_owned(), message: message.to_owned() }
}

async fn run(socket: WebSocket, state: AppState, subject: Subject, role: PeerRole, holder: Option<CurrentUser>) {
    let actor = holder.as_ref().map(|user| user.id.clone());
    let mut revoked = state.sessions.revoked();
    let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
    keep_alive.tick().await;
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<ServerMessage>(QUEUE);
    let kick = Arc::new(Notify::new());
    let (seat, peer_present) = state.rooms.join(&subject, role, tx.clone(), kick.clone());
    let now_secs = (crate::db::now_ms() / 1000) as u64;
    let ice_servers = ice_servers(&state.settings.ice, now_secs, &format!("{:016x}", rand::random::<u64>()));
    let _ = tx.try_send(ServerMessage::Welcome {
        role,
        peer_present,
        ice_servers,
        relay_only: state.settings.ice.relay_only,
    });
    tracing::info!(?subject, ?role, "joined signalling");
    if role == PeerRole::Patient {
        subject.caller_present(&state, true).await;
    }

    // The writer ends when every sender is gone: this socket's own (dropped at
    // the end of this function) and the room's (dropped on leave or replacement).
    let writer = tokio::spawn(async move {
        while let Some(message) = rx.recv().await {
            let text = serde_json::to_string(&message).expect("server messages serialise");
            if sink.send(Message::Text(text.into())).await.is_err() {
                return;
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    });

    let mut limit = RateLimit::new();
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            () = kick.notified() => {
                // The same person opened this case in another tab or reloaded the
                // phone's page: this socket stops, and is told why so it does not
                // fight back by reconnecting.
                let _ = tx.send(error("replaced", "This case was opened elsewhere.")).await;
                break;
            }
            () = session_ended(&state, holder.as_ref(), &mut revoked, &mut keep_alive) => {
                let _ = tx.send(error("session_ended", "Your session has ended: sign in again.")).await;
                break;
            }
        };
        let Some(Ok(frame)) = frame else { break };
        if matches!(frame, Message::Close(_)) {
            break;
        }
        // Every frame counts against the limit, pings and binary ones included:
        // otherwise a flood of them keeps the socket busy for free.
        if !limit.allow() {
            // Wait for room in the queue: this last word must not be dropped.
            let _ = tx.send(error("rate_limited", "Too many messages: the connection is closed.")).await;
            break;
        }
        let text = match frame {
            Message::Text(text) => text,
            Message::Binary(_) => {
                let _ = tx.try_send(error("bad_frame", "Send JSON text frames."));
                continue;
            }
            Message::Ping(_) | Message::Pong(_) | Message::Close(_) => continue,
        };
        match serde_json::from_str::<ClientMessage>(&text) {
            Ok(ClientMessage::Signal { signal }) => {
                if !state.rooms.relay(&subject, role, signal) {
                    let _ = tx.try_send(error("no_peer", "The other side is not connected."));
                }
            }
            Ok(ClientMessage::MediaState { connected }) if role == PeerRole::Clinician => {
                if state.rooms.set_media(&subject, connected) {
                    subject.media_changed(&state, connected, actor.as_deref()).await;
                }
            }
            Ok(ClientMessage::MediaState { .. }) => {
                let _ = tx.try_send(error("forbidden", "Only the clinician reports the call state."));
            }
            Ok(ClientMessage::Bye) => break,
            Err(_) => {
                let _ = tx.try_send(error("bad_message", "This message could not be read."));
            }
        }
    }

    if let Some(call_ended) = state.rooms.leave(&subject, role, seat) {
        if call_ended {
            subject.media_changed(&state, false, actor.as_deref()).await;
        }
        if role == PeerRole::Patient {
            subject.caller_present(&state, false).await;
        }
    }
    drop(tx);
    let _ = writer.await;
    // The writer ended with a Close frame. Read, and drop, what the client had
    // already sent until it closes in turn: closing with unread bytes resets the
    // connection, and the client would lose the last words (e.g. rate_limited).
    let _ = tokio::time::timeout(CLOSE_GRACE, async { while let Some(Ok(_)) = stream.next().await {} }).await;
    tracing::info!(?subject, ?role, "left signalling");
}

/// Delivers what the other nodes say of rooms to this node's sockets, and
/// frees the seats of nodes that went silent. Nothing to do for a node alone.
pub async fn listen(state: &AppState) -> anyhow::Result<()> {
    if state.link.state() == crate::cluster::LinkState::Alone {
        return Ok(());
    }
    let mut events = state.link.listen::<rooms::RoomEvent>(crate::cluster::ROOMS).await?;
    let heard = state.clone();
    tokio::spawn(async move {
        while let Some((_, event)) = events.next().await {
            if let Some(subject) = heard.rooms.apply(event) {
                subject.media_changed(&heard, false, None).await;
            }
        }
    });
    let state = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(crate::cluster::HEARTBEAT);
        loop {
            every.tick().await;
            for subject in state.rooms.forget_silent_nodes() {
                subject.media_changed(&state, false, None).await;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_credentials_follow_coturn_rest_scheme() {
        let config = IceConfig {
            stun_urls: vec!["stun:stun.example.org:3478".into()],
            turn_urls: vec!["turn:turn.example.org:3478".into()],
            turn_secret: Some("secret".into()),
            turn_ttl_secs: 3600,
            relay_only: false,
        };
        let servers = ice_servers(&config, 1_000, "regard");
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[1].username.as_deref(), Some("4600:regard"));
        // printf "4600:regard" | openssl dgst -sha1 -hmac secret -binary | base64
        assert_eq!(servers[1].credential.as_deref(), Some("+ngiiJzaVQ++J4PLffemqcTgeN8="));
        assert!(ice_servers(&IceConfig::default(), 0, "regard").is_empty());
    }
}
