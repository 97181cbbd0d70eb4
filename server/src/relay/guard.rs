//! What a relay listener lets through to the TURN server: an allocation only
//! within its credential's quota (486 Allocation Quota Reached otherwise), a
//! permission or a channel only towards an accepted peer (403 Forbidden).
//! The TURN crate leaves both to its user (RFC 8656 §7.2 and §9).

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use stun::attributes::{ATTR_USERNAME, ATTR_XOR_PEER_ADDRESS};
use stun::error_code::{ErrorCode, ErrorCodeAttribute, CODE_ALLOC_QUOTA_REACHED, CODE_FORBIDDEN};
use stun::message::{
    is_message, Message, MessageType, Setter, CLASS_ERROR_RESPONSE, CLASS_REQUEST, CLASS_SUCCESS_RESPONSE,
    MAGIC_COOKIE, METHOD_ALLOCATE, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION,
};
use stun::textattrs::TextAttribute;
use util::Conn;

use super::peers::PeerPolicy;

/// The live allocations of each credential, shared by the relay's listeners.
#[derive(Default)]
pub struct Quotas {
    state: Mutex<QuotaState>,
}

#[derive(Default)]
struct QuotaState {
    /// Per username, the client addresses holding an allocation.
    live: HashMap<String, HashSet<SocketAddr>>,
    /// Allocate requests not answered yet: who asked, under which username.
    asked: HashMap<SocketAddr, String>,
}

impl Quotas {
    /// An allocation ended (deleted, expired or refused a refresh).
    pub fn closed(&self, username: &str, client: SocketAddr) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(clients) = state.live.get_mut(username) {
            clients.remove(&client);
            if clients.is_empty() {
                state.live.remove(username);
            }
        }
    }
}

/// A listener of the relay, checked on the way in.
pub struct Guard {
    inner: Arc<dyn Conn + Send + Sync>,
    peers: PeerPolicy,
    per_credential: usize,
    quotas: Arc<Quotas>,
}

impl Guard {
    pub fn new(
        inner: Arc<dyn Conn + Send + Sync>,
        peers: PeerPolicy,
        per_credential: usize,
        quotas: Arc<Quotas>,
    ) -> Self {
        Guard { inner, peers, per_credential, quotas }
    }

    /// The error to answer instead of passing `packet` on, if any.
    fn refusal(&self, packet: &[u8], from: SocketAddr) -> Option<Vec<u8>> {
        let checked = [METHOD_ALLOCATE, METHOD_CREATE_PERMISSION, METHOD_CHANNEL_BIND]
            .map(|method| MessageType::new(method, CLASS_REQUEST).value());
        if !is_message(packet) || !checked.contains(&message_type(packet)) {
            return None;
        }
        let mut request = Message::new();
        request.raw = packet.to_vec();
        request.decode().ok()?;
        if request.typ.class != CLASS_REQUEST {
            return None;
        }
        match request.typ.method {
            METHOD_ALLOCATE => {
                // The first attempt carries no username: the server asks for one.
                let username = TextAttribute::get_from_as(&request, ATTR_USERNAME).ok()?.text;
                let mut state = self.quotas.state.lock().unwrap_or_else(|e| e.into_inner());
                let held =
                    state.live.get(&username).map_or(0, |clients| clients.len() - usize::from(clients.contains(&from)));
                if held >= self.per_credential {
                    tracing::warn!(client = %from, "TURN allocation refused: quota of its credential reached");
                    return error(&request, CODE_ALLOC_QUOTA_REACHED);
                }
                state.asked.insert(from, username);
                None
            }
            METHOD_CREATE_PERMISSION | METHOD_CHANNEL_BIND => {
                let refused = request
                    .attributes
                    .0
                    .iter()
                    .filter(|a| a.typ == ATTR_XOR_PEER_ADDRESS)
                    .any(|a| peer_ip(&a.value, &request.transaction_id.0).is_none_or(|ip| !self.peers.accepts(ip)));
                if refused {
                    tracing::warn!(client = %from, "TURN permission refused: peer on a reserved network");
                    return error(&request, CODE_FORBIDDEN);
                }
                None
            }
            _ => None,
        }
    }

    /// Notes the server's answer to an Allocate request.
    fn answered(&self, packet: &[u8], to: SocketAddr) {
        let answers = [CLASS_SUCCESS_RESPONSE, CLASS_ERROR_RESPONSE]
            .map(|class| MessageType::new(METHOD_ALLOCATE, class).value());
        if !is_message(packet) || !answers.contains(&message_type(packet)) {
            return;
        }
        let mut response = Message::new();
        response.raw = packet.to_vec();
        if response.decode().is_err() || response.typ.method != METHOD_ALLOCATE {
            return;
        }
        let mut state = self.quotas.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(username) = state.asked.remove(&to) else { return };
        if response.typ.class == CLASS_SUCCESS_RESPONSE {
            state.live.entry(username).or_default().insert(to);
        }
    }
}

/// The type of a STUN message, read without decoding the rest (media mostly
/// flows as channel data, which is not STUN; data indications are).
fn message_type(packet: &[u8]) -> u16 {
    u16::from_be_bytes([packet[0], packet[1]])
}

/// The IP address of an XOR-PEER-ADDRESS value (RFC 8489 §14.2).
fn peer_ip(value: &[u8], transaction_id: &[u8; 12]) -> Option<IpAddr> {
    let cookie = MAGIC_COOKIE.to_be_bytes();
    match (value.get(1)?, value.get(4..)?) {
        (0x01, address) if address.len() == 4 => {
            let ip: [u8; 4] = std::array::from_fn(|i| address[i] ^ cookie[i]);
            Some(IpAddr::V4(Ipv4Addr::from(ip)))
        }
        (0x02, address) if address.len() == 16 => {
            let key: Vec<u8> = cookie.iter().chain(transaction_id).copied().collect();
            let ip: [u8; 16] = std::array::from_fn(|i| address[i] ^ key[i]);
            Some(IpAddr::V6(Ipv6Addr::from(ip)))
        }
        _ => None,
    }
}

fn error(request: &Message, code: ErrorCode) -> Option<Vec<u8>> {
    let setters: Vec<Box<dyn Setter>> = vec![
        Box::new(Message { transaction_id: request.transaction_id, ..Default::default() }),
        Box::new(MessageType::new(request.typ.method, CLASS_ERROR_RESPONSE)),
        Box::new(ErrorCodeAttribute { code, reason: Vec::new() }),
    ];
    let mut response = Message::new();
    response.build(&setters).ok()?;
    Some(response.raw)
}

#[async_trait]
impl Conn for Guard {
    async fn connect(&self, addr: SocketAddr) -> util::Result<()> {
        self.inner.connect(addr).await
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        self.inner.recv(buf).await
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        loop {
            let (n, from) = self.inner.recv_from(buf).await?;
            match self.refusal(&buf[..n], from) {
                None => return Ok((n, from)),
                Some(answer) => {
                    let _ = self.inner.send_to(&answer, from).await;
                }
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> util::Result<usize> {
        self.inner.send(buf).await
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        self.answered(buf, target);
        self.inner.send_to(buf, target).await
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        self.inner.local_addr()
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        self.inner.remote_addr()
    }

    async fn close(&self) -> util::Result<()> {
        self.inner.close().await
    }

    fn as_any(&self) -> &(dyn Any + Send + Sync) {
        self
    }
}
