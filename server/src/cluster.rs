//! The link between the nodes of one Regard service: NATS (`--nats-url`) when
//! several `regard serve` processes share one database, nothing when one runs
//! alone. Every fact lives in the database; only what must reach an open
//! socket this second crosses the link — a signal for a peer seated on another
//! node, a console's news, a session ended — and each node delivers what it
//! hears to its own sockets. Messages from one node arrive in the order it
//! sent them (one NATS connection per node); none is stored or replayed.
//!
//! Each node also says every `HEARTBEAT` that it is alive, so that the others
//! stop counting on the sockets of one that died without a word (SIGKILL, a
//! machine lost).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// What signalling rooms tell each other (`signalling::rooms`).
pub const ROOMS: &str = "regard.rooms";
/// The consoles' news (`live`).
pub const NEWS: &str = "regard.news";
/// Sessions ended, for the sockets they hold (`auth::Sessions`).
pub const SESSIONS: &str = "regard.sessions";
/// Heartbeats.
const NODES: &str = "regard.nodes";

/// How often a node says it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// Unheard this long, a node is taken for dead: three heartbeats missed.
const SILENCE: Duration = Duration::from_secs(3);

/// Messages waiting to leave for NATS. Beyond that (NATS unreachable for a
/// while) new ones are dropped: the node then reports itself not ready, and a
/// message of this link is only ever worth something now.
const OUTBOX: usize = 16 * 1024;

/// This node's link to the others. Cheap to clone.
#[derive(Clone)]
pub struct Link {
    node: u64,
    nats: Option<Arc<Nats>>,
}

struct Nats {
    client: async_nats::Client,
    outbox: mpsc::Sender<(&'static str, Bytes)>,
    /// Last heartbeat heard from each other node.
    seen: Mutex<HashMap<u64, Instant>>,
    /// Set while messages are being dropped, to log a burst once.
    dropping: AtomicBool,
}

/// One message on the link, with the node that sent it.
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    from: u64,
    body: T,
}

/// What `/healthz` says of the link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// A single node: nothing to reach.
    Alone,
    Connected,
    /// NATS is unreachable: this node's sockets miss what the others say.
    Unavailable,
}

impl Default for Link {
    fn default() -> Link {
        Link::alone()
    }
}

impl Link {
    /// The link of a node that runs alone.
    pub fn alone() -> Link {
        Link { node: node_id(), nats: None }
    }

    /// Connects to NATS (retrying in the background if it is not up yet) and
    /// starts the heartbeat. Must run inside the Tokio runtime.
    pub async fn connect(url: &str) -> anyhow::Result<Link> {
        let node = node_id();
        let client = async_nats::ConnectOptions::new()
            .name(format!("regard-{node:016x}"))
            // A node hears the others; its own sockets were served already.
            .no_echo()
            .retry_on_initial_connect()
            .event_callback(|event| async move { tracing::info!(%event, "NATS") })
            .connect(url)
            .await
            .with_context(|| format!("connecting to NATS at {url}"))?;
        let (outbox, mut queued) = mpsc::channel::<(&'static str, Bytes)>(OUTBOX);
        let nats = Arc::new(Nats { client, outbox, seen: Mutex::default(), dropping: AtomicBool::new(false) });
        let sender = nats.client.clone();
        tokio::spawn(async move {
            while let Some((subject, payload)) = queued.recv().await {
                if let Err(error) = sender.publish(subject, payload).await {
                    tracing::warn!(%error, subject, "publishing to NATS");
                }
            }
        });
        let link = Link { node, nats: Some(nats) };
        link.start_heartbeat().await?;
        tracing::info!(node = format!("{node:016x}"), %url, "linked to the other nodes through NATS");
        Ok(link)
    }

    /// This node's id, new at every start: a restarted node is a new node.
    pub fn node(&self) -> u64 {
        self.node
    }

    pub fn state(&self) -> LinkState {
        match &self.nats {
            None => LinkState::Alone,
            Some(nats) if nats.client.connection_state() == async_nats::connection::State::Connected => {
                LinkState::Connected
            }
            Some(_) => LinkState::Unavailable,
        }
    }

    /// Tells the other nodes; nothing when alone. Never waits.
    pub fn send<T: Serialize>(&self, subject: &'static str, body: &T) {
        let Some(nats) = &self.nats else { return };
        let payload = match serde_json::to_vec(&Envelope { from: self.node, body }) {
            Ok(payload) => Bytes::from(payload),
            Err(error) => return tracing::error!(%error, subject, "encoding a message for the other nodes"),
        };
        match nats.outbox.try_send((subject, payload)) {
            Ok(()) => nats.dropping.store(false, Ordering::Relaxed),
            Err(_) if nats.dropping.swap(true, Ordering::Relaxed) => {}
            Err(_) => tracing::error!(subject, "NATS is not taking messages: the other nodes miss them"),
        }
    }

    /// What the other nodes send on `subject`, with the node each came from.
    /// Empty when alone. Messages that cannot be read are logged and skipped.
    pub async fn listen<T: DeserializeOwned + Send + 'static>(
        &self,
        subject: &'static str,
    ) -> anyhow::Result<impl Stream<Item = (u64, T)> + Send + 'static> {
        let subscriber = match &self.nats {
            Some(nats) => {
                Some(nats.client.subscribe(subject).await.with_context(|| format!("subscribing to {subject}"))?)
            }
            None => None,
        };
        let nats = self.nats.clone();
        let messages = futures_util::stream::iter(subscriber).flatten();
        Ok(messages.filter_map(move |message| {
            let read = serde_json::from_slice::<Envelope<T>>(&message.payload);
            if let (Ok(envelope), Some(nats)) = (&read, &nats) {
                nats.heard(envelope.from);
            }
            std::future::ready(match read {
                Ok(envelope) => Some((envelope.from, envelope.body)),
                Err(error) => {
                    tracing::warn!(%error, subject, "unreadable message from another node");
                    None
                }
            })
        }))
    }

    /// Whether `node` (this one included) has been heard from lately.
    pub fn alive(&self, node: u64) -> bool {
        match &self.nats {
            _ if node == self.node => true,
            None => false,
            Some(nats) => {
                nats.seen.lock().unwrap_or_else(|e| e.into_inner()).get(&node).is_some_and(|at| at.elapsed() < SILENCE)
            }
        }
    }

    async fn start_heartbeat(&self) -> anyhow::Result<()> {
        let mut heard = self.listen::<()>(NODES).await?;
        tokio::spawn(async move { while heard.next().await.is_some() {} });
        let link = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(HEARTBEAT);
            loop {
                every.tick().await;
                link.send(NODES, &());
            }
        });
        Ok(())
    }
}

impl Nats {
    fn heard(&self, node: u64) {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(node, Instant::now());
    }
}

fn node_id() -> u64 {
    rand::random()
}
