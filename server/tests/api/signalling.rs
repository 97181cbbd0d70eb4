//! Signalling over real WebSockets (tokio-tungstenite) against a server bound on port 0.

use std::net::SocketAddr;
use std::time::Duration;

use crate::common::ws::{self, next, refused_with, send, serve, Socket};
use crate::common::*;
use axum::http::StatusCode;
use futures_util::{SinkExt, StreamExt};
use regard_shared::signal::{ClientMessage, PeerRole, PeerSignal, ServerMessage};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

async fn connect(addr: SocketAddr, assist_id: &str, cookie: Option<&str>) -> Result<Socket, WsError> {
    ws::connect(addr, &format!("/ws/assist/{assist_id}"), cookie).await
}

fn offer(sdp: &str) -> ClientMessage {
    ClientMessage::Signal { signal: PeerSignal::Offer { sdp: sdp.into() } }
}

/// An assist with its regulator's cookie, id, and the accepting phone's cookie.
pub(crate) async fn accepted_assist(app: &TestApp) -> (String, String, String) {
    let (cookie, case, token) = app.start_assist().await;
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    (cookie, case["summary"]["id"].as_str().unwrap().to_owned(), device)
}

#[tokio::test]
async fn only_the_case_regulator_and_its_phone_may_join() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (_, id, device) = accepted_assist(&app).await;
    let (_, other_id, other_device) = accepted_assist(&app).await;
    let gp = app.login(GP).await;

    assert_eq!(refused_with(connect(addr, &id, None).await), StatusCode::UNAUTHORIZED);
    assert_eq!(refused_with(connect(addr, &id, Some("regard_patient=forged")).await), StatusCode::UNAUTHORIZED);
    assert_eq!(refused_with(connect(addr, &id, Some(&gp)).await), StatusCode::FORBIDDEN);
    // A phone of another case cannot reach this room.
    assert_eq!(refused_with(connect(addr, &id, Some(&other_device)).await), StatusCode::FORBIDDEN);
    assert!(connect(addr, &other_id, Some(&other_device)).await.is_ok());
    // A nursing home's tablet holds its nurse's session and the accepted link:
    // it joins as the caller, not as a clinician of the case.
    let nurse = app.login("infirmiere@demo.regard.fr").await;
    let mut tablet = connect(addr, &id, Some(&format!("{nurse}; {device}"))).await.unwrap();
    assert!(matches!(next(&mut tablet).await, ServerMessage::Welcome { role: PeerRole::Patient, .. }));
    assert_eq!(refused_with(connect(addr, &id, Some(&nurse)).await), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn signals_are_relayed_between_the_two_peers_and_the_call_is_timed() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, device) = accepted_assist(&app).await;

    let mut clinician = connect(addr, &id, Some(&cookie)).await.unwrap();
    assert_eq!(
        next(&mut clinician).await,
        ServerMessage::Welcome {
            role: PeerRole::Clinician,
            peer_present: false,
            ice_servers: vec![],
            relay_only: false
        }
    );
    let mut phone = connect(addr, &id, Some(&device)).await.unwrap();
    assert!(matches!(
        next(&mut phone).await,
        ServerMessage::Welcome { role: PeerRole::Patient, peer_present: true, .. }
    ));
    assert_eq!(next(&mut clinician).await, ServerMessage::PeerJoined);

    send(&mut clinician, &offer("v=0 clinician")).await;
    assert_eq!(
        next(&mut phone).await,
        ServerMessage::Signal { signal: PeerSignal::Offer { sdp: "v=0 clinician".into() } }
    );
    let ice = PeerSignal::Ice {
        candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    };
    send(&mut phone, &ClientMessage::Signal { signal: ice.clone() }).await;
    assert_eq!(next(&mut clinician).await, ServerMessage::Signal { signal: ice });

    // Only the clinician reports media state; it lands in the timeline once.
    send(&mut phone, &ClientMessage::MediaState { connected: true }).await;
    assert!(matches!(next(&mut phone).await, ServerMessage::Error { code, .. } if code == "forbidden"));
    send(&mut clinician, &ClientMessage::MediaState { connected: true }).await;
    send(&mut clinician, &ClientMessage::MediaState { connected: true }).await;
    send(&mut clinician, &ClientMessage::Bye).await;
    assert_eq!(next(&mut phone).await, ServerMessage::PeerLeft);
    let timeline = app.timeline(&cookie, &id).await;
    assert_eq!(&timeline[timeline.len() - 2..], ["call_started", "call_ended"]);

    // Alone in the room, the phone is told nobody hears it.
    send(&mut phone, &offer("v=0 phone")).await;
    assert!(matches!(next(&mut phone).await, ServerMessage::Error { code, .. } if code == "no_peer"));
    send(&mut phone, &ClientMessage::Bye).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !app.state.rooms.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the room was not cleaned up");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn rooms_are_isolated() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie_a, a, device_a) = accepted_assist(&app).await;
    let (cookie_b, b, device_b) = accepted_assist(&app).await;
    let mut clinician_a = connect(addr, &a, Some(&cookie_a)).await.unwrap();
    let mut phone_a = connect(addr, &a, Some(&device_a)).await.unwrap();
    let mut clinician_b = connect(addr, &b, Some(&cookie_b)).await.unwrap();
    let mut phone_b = connect(addr, &b, Some(&device_b)).await.unwrap();
    for socket in [&mut clinician_a, &mut phone_a, &mut clinician_b, &mut phone_b] {
        assert!(matches!(next(socket).await, ServerMessage::Welcome { .. }));
    }
    assert_eq!(next(&mut clinician_a).await, ServerMessage::PeerJoined);
    assert_eq!(next(&mut clinician_b).await, ServerMessage::PeerJoined);

    send(&mut phone_a, &offer("for a")).await;
    send(&mut phone_b, &offer("for b")).await;
    assert_eq!(
        next(&mut clinician_b).await,
        ServerMessage::Signal { signal: PeerSignal::Offer { sdp: "for b".into() } }
    );
    assert_eq!(
        next(&mut clinician_a).await,
        ServerMessage::Signal { signal: PeerSignal::Offer { sdp: "for a".into() } }
    );
}

#[tokio::test]
async fn bad_frames_get_errors_and_abuse_closes_the_socket() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, _) = accepted_assist(&app).await;
    let mut socket = connect(addr, &id, Some(&cookie)).await.unwrap();
    next(&mut socket).await;

    socket.send(Message::Text("not json".into())).await.unwrap();
    assert!(matches!(next(&mut socket).await, ServerMessage::Error { code, .. } if code == "bad_message"));
    socket.send(Message::Binary(vec![1, 2, 3].into())).await.unwrap();
    assert!(matches!(next(&mut socket).await, ServerMessage::Error { code, .. } if code == "bad_frame"));
    // Still open after both.
    send(&mut socket, &offer("alone")).await;
    assert!(matches!(next(&mut socket).await, ServerMessage::Error { code, .. } if code == "no_peer"));

    // A frame over the limit closes the connection instead of being buffered.
    let huge = "x".repeat(regard_shared::signal::MAX_FRAME_BYTES + 1);
    let _ = socket.send(Message::Text(huge.into())).await;
    assert!(closes(&mut socket).await);

    // Flooding is cut off with a reason.
    let mut flood = connect(addr, &id, Some(&cookie)).await.unwrap();
    next(&mut flood).await;
    for _ in 0..200 {
        if flood.send(Message::Text(serde_json::to_string(&offer("x")).unwrap().into())).await.is_err() {
            break;
        }
    }
    let mut rate_limited = false;
    while let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(Duration::from_secs(5), flood.next()).await {
        if text.contains("rate_limited") {
            rate_limited = true;
        }
    }
    assert!(rate_limited);
}

/// Whether the server ends the connection (close frame, reset or end of stream) within 5 s.
async fn closes(socket: &mut Socket) -> bool {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

#[tokio::test]
async fn a_second_tab_takes_the_seat_and_the_first_is_told() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, _) = accepted_assist(&app).await;
    let mut first = connect(addr, &id, Some(&cookie)).await.unwrap();
    next(&mut first).await;
    let mut second = connect(addr, &id, Some(&cookie)).await.unwrap();
    assert!(matches!(next(&mut second).await, ServerMessage::Welcome { .. }));
    assert!(matches!(next(&mut first).await, ServerMessage::Error { code, .. } if code == "replaced"));
    assert!(closes(&mut first).await);
}

#[tokio::test]
async fn one_clinician_holds_a_bounded_number_of_sockets() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let cookie = app.login(REGULATOR).await;
    let mut ids = Vec::new();
    for _ in 0..=regard_server::signalling::MAX_SOCKETS_PER_CLINICIAN {
        let case =
            json(app.post_json("/api/v1/assists", Some(&cookie), serde_json::json!({"phone": "0612345678"})).await)
                .await;
        ids.push(case["summary"]["id"].as_str().unwrap().to_owned());
    }
    let mut open = Vec::new();
    for id in &ids[..regard_server::signalling::MAX_SOCKETS_PER_CLINICIAN] {
        let mut socket = connect(addr, id, Some(&cookie)).await.unwrap();
        next(&mut socket).await;
        open.push(socket);
    }
    let last = ids.last().unwrap();
    assert_eq!(refused_with(connect(addr, last, Some(&cookie)).await), StatusCode::TOO_MANY_REQUESTS);

    // Closing one frees its slot once the server has seen it go.
    let mut closed = open.pop().unwrap();
    closed.close(None).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match connect(addr, last, Some(&cookie)).await {
            Ok(_) => break,
            Err(_) if tokio::time::Instant::now() < deadline => tokio::task::yield_now().await,
            Err(e) => panic!("slot never freed: {e}"),
        }
    }
}

#[tokio::test]
async fn pings_and_binary_frames_count_against_the_flood_limit() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, _) = accepted_assist(&app).await;
    for frame in [Message::Ping(vec![1].into()), Message::Binary(vec![1, 2].into())] {
        let mut flood = connect(addr, &id, Some(&cookie)).await.unwrap();
        next(&mut flood).await;
        for _ in 0..5_000 {
            if flood.send(frame.clone()).await.is_err() {
                break;
            }
        }
        let mut rate_limited = false;
        while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_secs(5), flood.next()).await {
            if let Message::Text(text) = message {
                rate_limited |= text.contains("rate_limited");
            }
        }
        assert!(rate_limited, "{frame:?} flood is cut off");
    }
}

#[tokio::test]
async fn a_page_of_another_site_cannot_open_the_socket() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, _) = accepted_assist(&app).await;
    let path = format!("/ws/assist/{id}");
    let foreign = ws::connect_from(addr, &path, Some(&cookie), Some("https://evil.example")).await;
    assert_eq!(refused_with(foreign), StatusCode::FORBIDDEN);
    let own = ws::connect_from(addr, &path, Some(&cookie), Some(PUBLIC_URL)).await;
    assert!(own.is_ok(), "the app's own pages connect");
    drop(own);
    let same_host = ws::connect_from(addr, &path, Some(&cookie), Some(&format!("http://{addr}"))).await;
    assert!(same_host.is_ok(), "a page served by this host connects");
}
