//! The console's live channel (`/ws/console`) over real WebSockets: each
//! console hears its organisation's news, as they happen, and nothing else.

use std::net::SocketAddr;

use crate::common::consultation::{self as visit, BIRTH_DATE};
use crate::common::ws::{self, next_as, refused_with, Socket};
use crate::common::*;
use axum::http::StatusCode;
use futures_util::SinkExt;
use regard_shared::assist::EventKind;
use regard_shared::live::{LiveMessage, News};
use tokio_tungstenite::tungstenite::Message;

async fn console(addr: SocketAddr, cookie: &str) -> Socket {
    let mut socket = ws::connect(addr, "/ws/console", Some(cookie)).await.expect("a console channel");
    assert_eq!(next_as::<LiveMessage>(&mut socket).await, LiveMessage::Welcome);
    socket
}

/// The next news, past heartbeats.
async fn news(socket: &mut Socket) -> News {
    loop {
        match next_as::<LiveMessage>(socket).await {
            LiveMessage::News { news } => return news,
            LiveMessage::Heartbeat => continue,
            other => panic!("expected news, got {other:?}"),
        }
    }
}

/// Skips news until one matches, failing if it never comes within 5 s a frame.
async fn until(socket: &mut Socket, wanted: impl Fn(&News) -> bool) -> News {
    loop {
        let news = news(socket).await;
        if wanted(&news) {
            return news;
        }
    }
}

#[tokio::test]
async fn only_signed_in_unlocked_members_open_a_console_channel() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    assert_eq!(refused_with(ws::connect(addr, "/ws/console", None).await), StatusCode::UNAUTHORIZED);
    let forged = "regard_session=forged";
    assert_eq!(refused_with(ws::connect(addr, "/ws/console", Some(forged)).await), StatusCode::UNAUTHORIZED);
    // A page of another site cannot open it with the member's cookie.
    let regulator = app.login(REGULATOR).await;
    let elsewhere = ws::connect_from(addr, "/ws/console", Some(&regulator), Some("https://evil.example")).await;
    assert_eq!(refused_with(elsewhere), StatusCode::FORBIDDEN);
    // A locked screen hears nothing until it is unlocked.
    let pin = request(
        axum::http::Method::PUT,
        "/api/v1/auth/pin",
        Some(&regulator),
        Some(serde_json::json!({"pin": "4821"})),
    );
    assert_eq!(app.send(pin).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.post_json("/api/v1/auth/lock", Some(&regulator), serde_json::json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(refused_with(ws::connect(addr, "/ws/console", Some(&regulator)).await), StatusCode::LOCKED);
}

#[tokio::test]
async fn the_regulator_hears_the_caller_open_consent_join_and_leave() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    let regulator = app.login(REGULATOR).await;
    let mut desk = console(addr, &regulator).await;
    let gp = app.login(GP).await;
    let mut practice = console(addr, &gp).await;

    let (_, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap().to_owned();
    let event = |kind| News::Assist { id: id.clone(), event: kind };
    assert_eq!(news(&mut desk).await, event(EventKind::Created));
    assert_eq!(news(&mut desk).await, event(EventKind::SmsSent));

    assert_eq!(app.get(&format!("/api/v1/patient/assist/{token}"), None).await.status(), StatusCode::OK);
    assert_eq!(news(&mut desk).await, event(EventKind::LinkOpened));
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    assert_eq!(news(&mut desk).await, event(EventKind::ConsentGiven));

    let phone = ws::connect(addr, &format!("/ws/assist/{id}"), Some(&device)).await.unwrap();
    assert_eq!(news(&mut desk).await, News::Caller { assist_id: id.clone(), present: true });
    drop(phone);
    assert_eq!(news(&mut desk).await, News::Caller { assist_id: id.clone(), present: false });

    // The GP's practice heard none of it: its first news is its own.
    let (_, consultation, _) = visit::schedule(&app).await;
    let consultation_id = consultation["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(news(&mut practice).await, News::Consultation { id: consultation_id });
}

#[tokio::test]
async fn the_gp_hears_a_patient_enter_the_waiting_room() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    let (gp, consultation, token) = visit::schedule(&app).await;
    let id = consultation["summary"]["id"].as_str().unwrap().to_owned();
    let mut desk = console(addr, &gp).await;
    let device = cookie_named(&visit::enter(&app, &token, BIRTH_DATE, None).await, "regard_patient").unwrap();
    let waiting = app.post_json("/api/v1/patient/consultation/waiting", Some(&device), serde_json::json!({})).await;
    assert_eq!(waiting.status(), StatusCode::OK);
    assert_eq!(until(&mut desk, |n| matches!(n, News::Consultation { .. })).await, News::Consultation { id });
}

#[tokio::test]
async fn a_console_that_floods_the_channel_is_closed() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    let regulator = app.login(REGULATOR).await;
    let mut socket = console(addr, &regulator).await;
    let mut closed = false;
    for _ in 0..500 {
        if socket.send(Message::Text("hello".into())).await.is_err() {
            closed = true;
            break;
        }
    }
    if !closed {
        // The server closed its side: reading ends instead of waiting.
        use futures_util::StreamExt;
        let end = tokio::time::timeout(std::time::Duration::from_secs(5), async {
            while let Some(Ok(frame)) = socket.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
        assert!(end.is_ok(), "the server closes a flooding console");
    }
}

#[tokio::test]
async fn a_member_holds_a_bounded_number_of_consoles() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    let regulator = app.login(REGULATOR).await;
    let mut open = Vec::new();
    for _ in 0..regard_server::live::MAX_CONSOLES_PER_MEMBER {
        open.push(console(addr, &regulator).await);
    }
    assert_eq!(refused_with(ws::connect(addr, "/ws/console", Some(&regulator)).await), StatusCode::TOO_MANY_REQUESTS);
}
