//! The signalling rooms of this node, and what it knows of their seats on the
//! other nodes. A room has two seats (clinician, patient); each is held by a
//! socket here, or by one on another node, known by its `SeatId`. A node keeps
//! a room while one of its sockets is in it, and tells the other nodes
//! (`cluster::ROOMS`) when a socket takes or leaves a seat, so that a signal
//! finds the other side wherever it is. When two sockets claim one seat, on one
//! node or on two at once, the latest join keeps it (`SeatId`'s order, the same
//! on every node) and the other is told it was replaced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use regard_shared::signal::{PeerRole, PeerSignal, ServerMessage};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Notify};

use super::{Subject, MAX_SOCKETS_PER_CLINICIAN};
use crate::cluster::{Link, ROOMS};
use crate::gate::PerAccount;

/// One seat's holder, the same on every node. Ordered by when it joined, then
/// by node and socket: the greatest is the latest join.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SeatId {
    at: i64,
    node: u64,
    socket: u64,
}

/// A socket of this node in a room.
pub struct Member {
    pub id: SeatId,
    pub tx: mpsc::Sender<ServerMessage>,
    /// Wakes the socket when another takes its seat.
    pub kick: Arc<Notify>,
}

enum Seat {
    Here(Member),
    There(SeatId),
}

impl Seat {
    fn id(&self) -> SeatId {
        match self {
            Seat::Here(member) => member.id,
            Seat::There(id) => *id,
        }
    }

    fn tell(&self, message: ServerMessage) {
        if let Seat::Here(member) = self {
            let _ = member.tx.try_send(message);
        }
    }
}

struct Room {
    subject: Subject,
    clinician: Option<Seat>,
    patient: Option<Seat>,
    /// Known on the clinician's node only: the clinician reports it.
    media_connected: bool,
}

fn other(role: PeerRole) -> PeerRole {
    match role {
        PeerRole::Clinician => PeerRole::Patient,
        PeerRole::Patient => PeerRole::Clinician,
    }
}

impl Room {
    fn slot(&mut self, role: PeerRole) -> &mut Option<Seat> {
        match role {
            PeerRole::Clinician => &mut self.clinician,
            PeerRole::Patient => &mut self.patient,
        }
    }

    fn has_sockets_here(&self) -> bool {
        [&self.clinician, &self.patient].into_iter().flatten().any(|seat| matches!(seat, Seat::Here(_)))
    }
}

/// What one node tells the others about a room.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Event {
    /// `seat` took the `role` seat. `ask`: whoever holds the other seat answers
    /// with its own `Seated`, so the newcomer learns its peer is there.
    Seated {
        role: PeerRole,
        seat: SeatId,
        ask: bool,
    },
    Left {
        role: PeerRole,
        seat: SeatId,
    },
    /// For the socket in the `to` seat.
    Signal {
        to: PeerRole,
        signal: PeerSignal,
    },
    /// For every socket in the room.
    Broadcast {
        message: ServerMessage,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RoomEvent {
    room: Subject,
    event: Event,
}

/// Every room with a socket of this node.
pub struct Rooms {
    rooms: Mutex<HashMap<String, Room>>,
    next_socket: AtomicU64,
    link: Link,
    /// Open sockets per clinician, to bound what one account can hold open.
    pub(super) per_clinician: Arc<PerAccount>,
}

impl Default for Rooms {
    fn default() -> Rooms {
        Rooms::new(Link::alone(), PerAccount::new(MAX_SOCKETS_PER_CLINICIAN))
    }
}

impl Rooms {
    /// `per_clinician` counts each clinician's sockets (`MAX_SOCKETS_PER_CLINICIAN`).
    pub fn new(link: Link, per_clinician: Arc<PerAccount>) -> Rooms {
        Rooms { rooms: Mutex::default(), next_socket: AtomicU64::default(), link, per_clinician }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn tell_others(&self, room: &Subject, event: Event) {
        self.link.send(ROOMS, &RoomEvent { room: room.clone(), event });
    }

    /// Seats a socket as `role` (a reconnecting device replaces its old
    /// socket) and tells the other peer. Returns the seat and whether the peer
    /// is known to be there.
    pub(super) fn join(
        &self,
        subject: &Subject,
        role: PeerRole,
        tx: mpsc::Sender<ServerMessage>,
        kick: Arc<Notify>,
    ) -> (SeatId, bool) {
        let id = SeatId {
            at: crate::db::now_ms(),
            node: self.link.node(),
            socket: self.next_socket.fetch_add(1, Ordering::Relaxed),
        };
        let peer_present = {
            let mut rooms = self.lock();
            let room = rooms.entry(subject.key()).or_insert_with(|| Room {
                subject: subject.clone(),
                clinician: None,
                patient: None,
                media_connected: false,
            });
            if let Some(Seat::Here(previous)) = room.slot(role).replace(Seat::Here(Member { id, tx, kick })) {
                previous.kick.notify_one();
            }
            let peer = room.slot(other(role)).as_ref();
            if let Some(peer) = peer {
                peer.tell(ServerMessage::PeerJoined);
            }
            peer.is_some()
        };
        self.tell_others(subject, Event::Seated { role, seat: id, ask: true });
        (id, peer_present)
    }

    /// Passes `signal` to the other peer; false when nobody is there.
    pub(super) fn relay(&self, subject: &Subject, from: PeerRole, signal: PeerSignal) -> bool {
        let to = other(from);
        let signal = {
            let mut rooms = self.lock();
            match rooms.get_mut(&subject.key()).and_then(|room| room.slot(to).as_ref()) {
                Some(Seat::Here(peer)) => return peer.tx.try_send(ServerMessage::Signal { signal }).is_ok(),
                Some(Seat::There(_)) => signal,
                None => return false,
            }
        };
        self.tell_others(subject, Event::Signal { to, signal });
        true
    }

    /// Records the media state; returns true when it changed.
    pub(super) fn set_media(&self, subject: &Subject, connected: bool) -> bool {
        let mut rooms = self.lock();
        rooms
            .get_mut(&subject.key())
            .is_some_and(|room| std::mem::replace(&mut room.media_connected, connected) != connected)
    }

    /// Frees the seat if the socket still holds it (`None` when another took
    /// it). Returns whether media was flowing (the call then ends).
    pub(super) fn leave(&self, subject: &Subject, role: PeerRole, seat: SeatId) -> Option<bool> {
        let call_ended = self.free(subject, role, seat)?;
        self.tell_others(subject, Event::Left { role, seat });
        Some(call_ended)
    }

    /// Empties `role`'s seat if `seat` holds it, telling the peer here.
    fn free(&self, subject: &Subject, role: PeerRole, seat: SeatId) -> Option<bool> {
        let key = subject.key();
        let mut rooms = self.lock();
        let room = rooms.get_mut(&key)?;
        if room.slot(role).as_ref().is_none_or(|held| held.id() != seat) {
            return None;
        }
        *room.slot(role) = None;
        if let Some(peer) = room.slot(other(role)) {
            peer.tell(ServerMessage::PeerLeft);
        }
        let call_ended = std::mem::take(&mut room.media_connected);
        if !room.has_sockets_here() {
            rooms.remove(&key);
        }
        Some(call_ended)
    }

    /// Sends `message` to everyone in the room, on every node (news from the
    /// server, e.g. a chat message).
    pub fn broadcast(&self, subject: &Subject, message: ServerMessage) {
        self.tell_here(subject, &message);
        self.tell_others(subject, Event::Broadcast { message });
    }

    fn tell_here(&self, subject: &Subject, message: &ServerMessage) {
        if let Some(room) = self.lock().get(&subject.key()) {
            for seat in [&room.clinician, &room.patient].into_iter().flatten() {
                seat.tell(message.clone());
            }
        }
    }

    /// Number of rooms with a socket of this node (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies what another node said. Returns the room whose call ended
    /// (media was flowing here when its other side left there).
    pub(super) fn apply(&self, RoomEvent { room: subject, event }: RoomEvent) -> Option<Subject> {
        match event {
            Event::Seated { role, seat, ask } => {
                self.seated_there(&subject, role, seat, ask);
                None
            }
            Event::Left { role, seat } => self.free(&subject, role, seat)?.then_some(subject),
            Event::Signal { to, signal } => {
                if let Some(Some(seat)) = self.lock().get_mut(&subject.key()).map(|room| room.slot(to).as_ref()) {
                    seat.tell(ServerMessage::Signal { signal });
                }
                None
            }
            Event::Broadcast { message } => {
                self.tell_here(&subject, &message);
                None
            }
        }
    }

    /// Another node seated `seat` as `role`.
    fn seated_there(&self, subject: &Subject, role: PeerRole, seat: SeatId, ask: bool) {
        let key = subject.key();
        let mut answer = None;
        {
            let mut rooms = self.lock();
            let Some(room) = rooms.get_mut(&key) else { return };
            let changed = match room.slot(role) {
                Some(held) if held.id() > seat => return,
                Some(held) => held.id() != seat,
                None => true,
            };
            if let Some(Seat::Here(replaced)) = room.slot(role).replace(Seat::There(seat)) {
                replaced.kick.notify_one();
            }
            if let Some(peer) = room.slot(other(role)) {
                if changed {
                    peer.tell(ServerMessage::PeerJoined);
                }
                if let (true, Seat::Here(member)) = (ask, &*peer) {
                    answer = Some(member.id);
                }
            }
            if !room.has_sockets_here() {
                rooms.remove(&key);
            }
        }
        if let Some(mine) = answer {
            self.tell_others(subject, Event::Seated { role: other(role), seat: mine, ask: false });
        }
    }

    /// Frees the seats held on nodes that stopped answering. Returns the rooms
    /// whose call ended.
    pub(super) fn forget_silent_nodes(&self) -> Vec<Subject> {
        let gone: Vec<(Subject, PeerRole, SeatId)> = self
            .lock()
            .values()
            .flat_map(|room| {
                [(PeerRole::Clinician, &room.clinician), (PeerRole::Patient, &room.patient)].into_iter().filter_map(
                    |(role, seat)| match seat {
                        Some(Seat::There(id)) if !self.link.alive(id.node) => Some((room.subject.clone(), role, *id)),
                        _ => None,
                    },
                )
            })
            .collect();
        gone.into_iter()
            .filter_map(|(subject, role, seat)| {
                tracing::warn!(?subject, ?role, "the node holding a seat went silent");
                self.free(&subject, role, seat)?.then_some(subject)
            })
            .collect()
    }
}
