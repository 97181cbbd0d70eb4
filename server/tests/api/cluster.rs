//! Two nodes on one database, linked by a real NATS server (`nats-server`):
//! a call whose two sides are on different nodes, the news of one node on the
//! consoles of the other, a session ended on one closing its sockets on the
//! other, and a node that dies without a word.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::nats::NatsServer;
use crate::common::ws::{self, next, next_as, send, serve, Socket};
use crate::common::*;
use crate::signalling::accepted_assist;
use axum::http::StatusCode;
use regard_shared::live::{LiveMessage, News};
use regard_shared::signal::{ClientMessage, PeerRole, PeerSignal, ServerMessage};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

/// Two nodes on one database and one NATS server, each serving on its own port.
async fn two_nodes(nats: &NatsServer) -> (TestApp, SocketAddr, TestApp, SocketAddr) {
    let a = TestApp::new().await.linked(&nats.url()).await;
    let b = a.second_node().await.linked(&nats.url()).await;
    let (addr_a, addr_b) = (serve(&a).await, serve(&b).await);
    (a, addr_a, b, addr_b)
}

async fn join(addr: SocketAddr, assist_id: &str, cookie: &str) -> Socket {
    ws::connect(addr, &format!("/ws/assist/{assist_id}"), Some(cookie)).await.unwrap()
}

fn ice(index: u32) -> PeerSignal {
    PeerSignal::Ice {
        candidate: format!("candidate:{index} 1 udp 1 127.0.0.1 9 typ host"),
        sdp_mid: None,
        sdp_m_line_index: Some(0),
    }
}

/// Waits, up to 5 s, for the case's timeline to end with `last`.
async fn timeline_ends_with(app: &TestApp, cookie: &str, id: &str, last: &str) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let timeline = app.timeline(cookie, id).await;
        if timeline.last().is_some_and(|kind| kind == last) {
            return timeline;
        }
        assert!(tokio::time::Instant::now() < deadline, "timeline {timeline:?} never ended with {last}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_two_sides_are_on_two_nodes() {
    let nats = NatsServer::start();
    let (a, addr_a, b, addr_b) = two_nodes(&nats).await;
    let (cookie, id, device) = accepted_assist(&a).await;

    let mut regulator = join(addr_a, &id, &cookie).await;
    assert!(matches!(
        next(&mut regulator).await,
        ServerMessage::Welcome { role: PeerRole::Clinician, peer_present: false, .. }
    ));
    let mut phone = join(addr_b, &id, &device).await;
    // Node B does not know of the regulator yet: node A answers the phone's arrival.
    assert!(matches!(
        next(&mut phone).await,
        ServerMessage::Welcome { role: PeerRole::Patient, peer_present: false, .. }
    ));
    assert_eq!(next(&mut phone).await, ServerMessage::PeerJoined, "the phone learns the regulator is there");
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerJoined, "the regulator learns the phone joined");

    // Signals cross both ways, in the order they were sent.
    send(&mut phone, &ClientMessage::Signal { signal: PeerSignal::Offer { sdp: "v=0 phone".into() } }).await;
    assert_eq!(
        next(&mut regulator).await,
        ServerMessage::Signal { signal: PeerSignal::Offer { sdp: "v=0 phone".into() } }
    );
    for index in 0..20 {
        send(&mut regulator, &ClientMessage::Signal { signal: ice(index) }).await;
    }
    for index in 0..20 {
        assert_eq!(next(&mut phone).await, ServerMessage::Signal { signal: ice(index) });
    }

    // What an API request on one node tells a room reaches the sockets on the other.
    let said = a
        .post_json(
            &format!("/api/v1/assists/{id}/messages"),
            Some(&cookie),
            json!({"kind": "phrase", "content": "is_breathing"}),
        )
        .await;
    assert_eq!(said.status(), StatusCode::NO_CONTENT);
    assert_eq!(next(&mut phone).await, ServerMessage::Messages);
    assert_eq!(next(&mut regulator).await, ServerMessage::Messages);
    let answered = b
        .post_json("/api/v1/patient/assist/messages", Some(&device), json!({"kind": "answer", "content": "yes"}))
        .await;
    assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    assert_eq!(next(&mut regulator).await, ServerMessage::Messages);
    assert_eq!(next(&mut phone).await, ServerMessage::Messages);

    // Video flows, then the phone leaves on its node: the regulator's node
    // tells the regulator and closes the call in the timeline.
    send(&mut regulator, &ClientMessage::MediaState { connected: true }).await;
    timeline_ends_with(&a, &cookie, &id, "call_started").await;
    send(&mut phone, &ClientMessage::Bye).await;
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerLeft);
    timeline_ends_with(&a, &cookie, &id, "call_ended").await;
    send(&mut regulator, &ClientMessage::Signal { signal: ice(99) }).await;
    assert!(matches!(next(&mut regulator).await, ServerMessage::Error { code, .. } if code == "no_peer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_reloaded_onto_the_other_node_replaces_its_old_socket() {
    let nats = NatsServer::start();
    let (a, addr_a, _b, addr_b) = two_nodes(&nats).await;
    let (cookie, id, device) = accepted_assist(&a).await;
    let mut regulator = join(addr_a, &id, &cookie).await;
    next(&mut regulator).await;
    let mut old_phone = join(addr_a, &id, &device).await;
    next(&mut old_phone).await;
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerJoined);

    let mut new_phone = join(addr_b, &id, &device).await;
    assert!(matches!(next(&mut new_phone).await, ServerMessage::Welcome { .. }));
    assert_eq!(next(&mut new_phone).await, ServerMessage::PeerJoined);
    assert!(matches!(next(&mut old_phone).await, ServerMessage::Error { code, .. } if code == "replaced"));
    // The regulator sees a phone join, and no phone leave: the old socket's
    // end is not the caller's.
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerJoined);
    send(&mut regulator, &ClientMessage::Signal { signal: ice(1) }).await;
    assert_eq!(next(&mut new_phone).await, ServerMessage::Signal { signal: ice(1) });
    send(&mut new_phone, &ClientMessage::Signal { signal: ice(2) }).await;
    assert_eq!(next(&mut regulator).await, ServerMessage::Signal { signal: ice(2) }, "no peer_left came first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_and_ended_sessions_reach_the_other_node() {
    let nats = NatsServer::start();
    let (a, addr_a, b, addr_b) = two_nodes(&nats).await;
    let (cookie, id, device) = accepted_assist(&a).await;
    let mut console = ws::connect(addr_a, "/ws/console", Some(&cookie)).await.unwrap();
    assert_eq!(next_as::<LiveMessage>(&mut console).await, LiveMessage::Welcome);

    // The caller's phone opens on node B; the regulator's console on node A hears it.
    let mut phone = join(addr_b, &id, &device).await;
    next(&mut phone).await;
    let news = loop {
        match next_as::<LiveMessage>(&mut console).await {
            LiveMessage::News { news } => break news,
            _ => continue,
        }
    };
    assert_eq!(news, News::Caller { assist_id: id.clone(), present: true });

    // Signed out through node B: the regulator's sockets on node A close at
    // once (without the link, only at their next check, a minute later).
    let mut call = join(addr_a, &id, &cookie).await;
    next(&mut call).await;
    let logout = axum::http::Request::post("/api/v1/auth/logout")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(b.send(logout).await.status(), StatusCode::NO_CONTENT);
    let frames = ws::until_closed(&mut call).await;
    assert!(frames.iter().any(|f| matches!(f, Message::Text(t) if t.contains("session_ended"))), "{frames:?}");
    let frames = ws::until_closed(&mut console).await;
    assert!(
        frames.iter().any(|f| matches!(f, Message::Close(Some(close)) if u16::from(close.code) == 4401)),
        "{frames:?}"
    );
}

/// A `regard serve` process on `app`'s database, linked through `nats`.
struct NodeProcess {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl NodeProcess {
    async fn start(app: &TestApp, nats: &NatsServer) -> NodeProcess {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("dist")).unwrap();
        std::fs::write(dir.path().join("dist/index.html"), "<!DOCTYPE html><title>Regard</title>").unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_regard"))
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "--database-url",
                app.database_url(),
                "serve",
                "--listen",
                &addr.to_string(),
                "--nats-url",
                &nats.url(),
            ])
            .arg("--dist-dir")
            .arg(dir.path().join("dist"))
            .args(["--public-url", PUBLIC_URL])
            .env("REGARD_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("regard serve starts");
        let node = NodeProcess { child, addr, _dir: dir };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !node.ready().await {
            assert!(tokio::time::Instant::now() < deadline, "the node did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        node
    }

    /// Serving, and linked to the other nodes.
    async fn ready(&self) -> bool {
        let Ok(answer) = reqwest::get(format!("http://{}/healthz", self.addr)).await else { return false };
        answer.status() == StatusCode::OK && answer.text().await.is_ok_and(|body| body.contains(r#""nodes":"ok""#))
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_call_frees_its_seats_on_the_other() {
    let nats = NatsServer::start();
    let a = TestApp::new().await.linked(&nats.url()).await;
    let addr_a = serve(&a).await;
    let mut b = NodeProcess::start(&a, &nats).await;
    let (cookie, id, device) = accepted_assist(&a).await;

    let mut regulator = join(addr_a, &id, &cookie).await;
    next(&mut regulator).await;
    let mut phone = join(b.addr, &id, &device).await;
    next(&mut phone).await;
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerJoined);
    send(&mut regulator, &ClientMessage::MediaState { connected: true }).await;
    timeline_ends_with(&a, &cookie, &id, "call_started").await;

    // SIGKILL: node B says nothing more. Node A stops counting on its seats
    // once its heartbeats are missed, and closes the call.
    b.child.kill().unwrap();
    b.child.wait().unwrap();
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerLeft);
    timeline_ends_with(&a, &cookie, &id, "call_ended").await;
    // The phone comes back through node A: the call goes on.
    let mut phone = join(addr_a, &id, &device).await;
    assert!(matches!(next(&mut phone).await, ServerMessage::Welcome { peer_present: true, .. }));
    assert_eq!(next(&mut regulator).await, ServerMessage::PeerJoined);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cut_from_nats_says_it_is_not_ready_until_linked_again() {
    let nats = NatsServer::start();
    let app = TestApp::new().await.linked(&nats.url()).await;
    assert_eq!(health(&app).await, (StatusCode::OK, "ok".to_owned()));
    let alone = TestApp::new().await;
    assert_eq!(health(&alone).await, (StatusCode::OK, "alone".to_owned()));

    let addr = nats.addr;
    drop(nats);
    health_becomes(&app, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    let _nats = NatsServer::start_on(addr);
    health_becomes(&app, StatusCode::OK, "ok").await;
}

async fn health(app: &TestApp) -> (StatusCode, String) {
    let response = app.get("/healthz", None).await;
    (response.status(), json(response).await["nodes"].as_str().unwrap().to_owned())
}

/// Waits, up to 15 s (NATS clients retry with a growing delay), for /healthz to say `nodes`.
async fn health_becomes(app: &TestApp, status: StatusCode, nodes: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let seen = health(app).await;
        if seen == (status, nodes.to_owned()) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "health stayed {seen:?}, not {nodes}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinicians_cap_on_sockets_holds_across_nodes() {
    let nats = NatsServer::start();
    let (a, addr_a, _b, addr_b) = two_nodes(&nats).await;
    let cookie = a.login(REGULATOR).await;
    let max = regard_server::signalling::MAX_SOCKETS_PER_CLINICIAN;
    let mut ids = Vec::new();
    for _ in 0..=max {
        let case = json(a.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "0612345678"})).await).await;
        ids.push(case["summary"]["id"].as_str().unwrap().to_owned());
    }
    // Five on node A, the rest on node B: together they hold the cap, which
    // neither node reaches alone.
    let mut open = Vec::new();
    for (i, id) in ids[..max].iter().enumerate() {
        let mut socket = join(if i < 5 { addr_a } else { addr_b }, id, &cookie).await;
        next(&mut socket).await;
        open.push(socket);
    }
    let last = &ids[max];
    for addr in [addr_a, addr_b] {
        let refused = ws::connect(addr, &format!("/ws/assist/{last}"), Some(&cookie)).await;
        assert_eq!(ws::refused_with(refused), StatusCode::TOO_MANY_REQUESTS, "one more is refused on either node");
    }
    // One closed on node B frees a place on node A.
    let mut closed = open.pop().unwrap();
    closed.close(None).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while ws::connect(addr_a, &format!("/ws/assist/{last}"), Some(&cookie)).await.is_err() {
        assert!(tokio::time::Instant::now() < deadline, "the place never came back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
