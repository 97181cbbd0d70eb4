//! The TURN relay built into `regard serve` (`--turn-listen`): a caller on a
//! carrier's NAT and a regulator behind a hospital firewall reach each other
//! through it, over UDP or TCP, with nothing else to install. It accepts the
//! same time-limited credentials as coturn's `use-auth-secret` (username =
//! expiry timestamp and a tag, password = base64(HMAC-SHA1(secret,
//! username))), relays only to public addresses unless told otherwise, and
//! keeps each credential's allocations and the total bandwidth bounded. An
//! allocation lives at most as long as its credential: refreshing one needs a
//! credential still valid.

mod guard;
mod peers;
mod relayed;
mod tcp;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, Mac};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;
use turn::auth::{generate_auth_key, AuthHandler};
use turn::server::config::{ConnConfig, ServerConfig};
use turn::server::Server;

type TurnResult<T> = std::result::Result<T, turn::Error>;
use util::Conn;

use guard::{Guard, Quotas};
pub use peers::PeerPolicy;
use relayed::{Bandwidth, Relays};
use tcp::TcpTurn;

/// How the relay runs.
#[derive(Clone, Debug)]
pub struct RelaySettings {
    /// UDP and TCP, on the same port (port 0: any free one).
    pub listen: SocketAddr,
    /// The address browsers reach the relay at, announced in its answers.
    pub public_ip: IpAddr,
    pub realm: String,
    /// The secret credentials are signed with (coturn's static-auth-secret).
    pub secret: String,
    pub peers: PeerPolicy,
    pub allocations_per_credential: usize,
    /// Every allocation's traffic together, both ways.
    pub bytes_per_second: u64,
}

/// A running relay; dropping it does not stop it, `close` does.
pub struct Relay {
    server: Server,
    /// Where it listens (UDP and TCP).
    pub local: SocketAddr,
    public_ip: IpAddr,
}

/// A UDP socket and a TCP listener on the same port. With port 0, the port
/// the system picked for UDP may be taken on TCP (by another program asking
/// for any port at the same moment): another port is tried then.
async fn bind_both(listen: SocketAddr) -> anyhow::Result<(UdpSocket, TcpListener, SocketAddr)> {
    let mut tries = 0;
    loop {
        let udp = UdpSocket::bind(listen).await.with_context(|| format!("TURN on UDP {listen}"))?;
        let local = udp.local_addr()?;
        match TcpListener::bind(local).await {
            Ok(tcp) => return Ok((udp, tcp, local)),
            Err(e) if listen.port() == 0 && e.kind() == std::io::ErrorKind::AddrInUse && tries < 10 => tries += 1,
            Err(e) => return Err(anyhow::Error::new(e).context(format!("TURN on TCP {local}"))),
        }
    }
}

impl Relay {
    pub async fn start(settings: RelaySettings) -> anyhow::Result<Relay> {
        let (udp, tcp, local) = bind_both(settings.listen).await?;
        let quotas = Arc::new(Quotas::default());
        let bandwidth = Arc::new(Bandwidth::new(settings.bytes_per_second));
        let listener = |conn: Arc<dyn Conn + Send + Sync>| ConnConfig {
            conn: Arc::new(Guard::new(
                conn,
                settings.peers.clone(),
                settings.allocations_per_credential,
                quotas.clone(),
            )),
            relay_addr_generator: Box::new(Relays {
                bind: local.ip(),
                public: settings.public_ip,
                bandwidth: bandwidth.clone(),
            }),
        };
        let (closed_tx, mut closed_rx) = mpsc::channel(256);
        let server = Server::new(ServerConfig {
            conn_configs: vec![listener(Arc::new(udp)), listener(TcpTurn::new(tcp)?)],
            realm: settings.realm.clone(),
            auth_handler: Arc::new(Credentials { secret: settings.secret.clone() }),
            // Zero: the crate's default (10 minutes).
            channel_bind_timeout: std::time::Duration::ZERO,
            alloc_close_notify: Some(closed_tx),
        })
        .await?;
        tokio::spawn(async move {
            while let Some(ended) = closed_rx.recv().await {
                quotas.closed(&ended.username, ended.five_tuple.src_addr);
            }
        });
        tracing::info!(%local, public = %settings.public_ip, "TURN relay listening on UDP and TCP");
        Ok(Relay { server, local, public_ip: settings.public_ip })
    }

    /// The URLs browsers are given for this relay.
    pub fn urls(&self) -> Vec<String> {
        let address = SocketAddr::new(self.public_ip, self.local.port());
        ["udp", "tcp"].iter().map(|transport| format!("turn:{address}?transport={transport}")).collect()
    }

    pub async fn close(&self) -> anyhow::Result<()> {
        Ok(self.server.close().await?)
    }
}

/// The password of a time-limited TURN username (coturn's `use-auth-secret`).
pub fn password(secret: &str, username: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks the credentials signalling handed out: signed with the secret, not expired.
struct Credentials {
    secret: String,
}

impl AuthHandler for Credentials {
    fn auth_handle(&self, username: &str, realm: &str, _client: SocketAddr) -> TurnResult<Vec<u8>> {
        let expires: u64 = username
            .split(':')
            .next()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| turn::Error::Other("not a time-limited username".into()))?;
        if expires < SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() {
            return Err(turn::Error::Other("expired credential".into()));
        }
        Ok(generate_auth_key(username, realm, &password(&self.secret, username)))
    }
}
