//! The TURN relay built into `regard serve`, driven by webrtc-rs's TURN client
//! over real UDP sockets: it relays for valid credentials only, never to a
//! reserved address unless allowed, and holds each credential to its quota.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use regard_server::relay::{password, PeerPolicy, Relay, RelaySettings};
use tokio::net::UdpSocket;
use tokio::time::timeout;
use turn::client::{Client, ClientConfig};
use util::Conn;

const SECRET: &str = "relay-test-secret";
/// Bounds every exchange: a relay that drops a packet fails the test, never hangs it.
const WITHIN: Duration = Duration::from_secs(10);

async fn relay(peers: PeerPolicy, allocations_per_credential: usize) -> Relay {
    Relay::start(RelaySettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        public_ip: "127.0.0.1".parse().unwrap(),
        realm: "regard".into(),
        secret: SECRET.into(),
        peers,
        allocations_per_credential,
        bytes_per_second: 10_000_000,
    })
    .await
    .unwrap()
}

fn loopback_allowed() -> PeerPolicy {
    PeerPolicy { allowed: vec!["127.0.0.0/8".parse().unwrap()] }
}

/// A credential as signalling hands it out, expiring `in_secs` from now (negative: expired).
fn credential(in_secs: i64, tag: &str) -> (String, String) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let username = format!("{}:{tag}", now + in_secs);
    let password = password(SECRET, &username);
    (username, password)
}

async fn client(relay: &Relay, (username, password): (String, String)) -> Client {
    let server = relay.local.to_string();
    let client = Client::new(ClientConfig {
        stun_serv_addr: server.clone(),
        turn_serv_addr: server,
        username,
        password,
        realm: "regard".into(),
        software: String::new(),
        rto_in_ms: 0,
        conn: Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap()),
        vnet: None,
    })
    .await
    .unwrap();
    client.listen().await.unwrap();
    client
}

#[tokio::test]
async fn media_goes_both_ways_through_the_relay_to_an_allowed_peer() {
    let relay = relay(loopback_allowed(), 4).await;
    let client = client(&relay, credential(600, "caller")).await;
    let relayed = timeout(WITHIN, client.allocate()).await.unwrap().expect("allocation for a valid credential");
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = peer.local_addr().unwrap();

    timeout(WITHIN, relayed.send_to(b"frame from the phone", peer_addr)).await.unwrap().unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = timeout(WITHIN, peer.recv_from(&mut buf)).await.unwrap().unwrap();
    assert_eq!(&buf[..n], b"frame from the phone");
    assert_eq!(from, relayed.local_addr().unwrap(), "the peer sees the relay, never the phone");
    assert_eq!(from.ip(), "127.0.0.1".parse::<std::net::IpAddr>().unwrap());

    peer.send_to(b"frame from the regulator", from).await.unwrap();
    let (n, from) = timeout(WITHIN, relayed.recv_from(&mut buf)).await.unwrap().unwrap();
    assert_eq!((&buf[..n], from), (&b"frame from the regulator"[..], peer_addr));
    client.close().await.unwrap();
}

#[tokio::test]
async fn loopback_and_private_peers_are_refused_unless_allowed() {
    let relay = relay(PeerPolicy::default(), 4).await;
    let client = client(&relay, credential(600, "caller")).await;
    let relayed = timeout(WITHIN, client.allocate()).await.unwrap().unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for target in [peer.local_addr().unwrap(), "10.1.2.3:5000".parse::<SocketAddr>().unwrap()] {
        let sent = timeout(WITHIN, relayed.send_to(b"probe", target)).await.unwrap();
        assert!(sent.is_err(), "{target}: the relay must refuse the permission");
    }
    client.close().await.unwrap();
}

#[tokio::test]
async fn wrong_and_expired_credentials_get_no_allocation() {
    let relay = relay(loopback_allowed(), 4).await;
    let (username, _) = credential(600, "caller");
    let forged = client(&relay, (username, "not-the-password".into())).await;
    assert!(timeout(WITHIN, forged.allocate()).await.unwrap().is_err(), "a wrong password");
    let expired = client(&relay, credential(-10, "caller")).await;
    assert!(timeout(WITHIN, expired.allocate()).await.unwrap().is_err(), "an expired credential");
    let other_secret = {
        let (username, _) = credential(600, "caller");
        let mac = regard_server::relay::password("another-secret", &username);
        client(&relay, (username, mac)).await
    };
    assert!(timeout(WITHIN, other_secret.allocate()).await.unwrap().is_err(), "signed with another secret");
}

#[tokio::test]
async fn a_credential_holds_at_most_its_quota_of_allocations() {
    let relay = relay(loopback_allowed(), 2).await;
    let shared = credential(600, "one-call");
    let mut held = Vec::new();
    for _ in 0..2 {
        let client = client(&relay, shared.clone()).await;
        held.push(timeout(WITHIN, client.allocate()).await.unwrap().expect("within the quota"));
    }
    let third = client(&relay, shared).await;
    assert!(timeout(WITHIN, third.allocate()).await.unwrap().is_err(), "beyond the quota");
    let other = client(&relay, credential(600, "another-call")).await;
    assert!(timeout(WITHIN, other.allocate()).await.unwrap().is_ok(), "another credential has its own quota");
}
