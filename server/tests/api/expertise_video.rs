//! Live video between the two sites of a request, over real sockets: the
//! requesting site's device takes the patient's seat (it shows the patient and
//! offers), the specialist who took the request the clinician's; nobody else
//! gets in, and the first connected video is kept on the request. The
//! specialist asks the bedside to move the camera over the console's channel.

use crate::common::ws::{connect, next, next_as, refused_with, send, serve};
use crate::common::{json, member, stroke_request, TestApp, GP};
use axum::http::StatusCode;
use regard_shared::live::{CameraAsk, LiveMessage, News};
use regard_shared::signal::{ClientMessage, PeerRole, PeerSignal, ServerMessage};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

const NEUROLOGIST: &str = "specialiste@demo.regard.fr";
const OTHER_NEUROLOGIST: &str = "neurologue@demo.regard.fr";

async fn step(app: &TestApp, cookie: &str, id: &str, step: &str) {
    let body = json!({"step": step, "body": "Thrombolyse recommandée."});
    let done = app.post_json(&format!("/api/v1/expertise/{id}/steps"), Some(cookie), body).await;
    assert_eq!(done.status(), StatusCode::OK, "{step}");
}

async fn video_started_at(app: &TestApp, cookie: &str, id: &str) -> Value {
    json(app.get(&format!("/api/v1/expertise/{id}"), Some(cookie)).await).await["video_started_at"].clone()
}

#[tokio::test]
async fn the_bedside_and_the_specialist_who_took_it_meet_and_the_first_video_is_kept() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (gp, neuro, other) = (app.login(GP).await, app.login(NEUROLOGIST).await, app.login(OTHER_NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "urgent").await;
    let room = format!("/ws/expertise/{id}");
    assert_eq!(refused_with(connect(addr, &room, Some(&gp)).await), StatusCode::CONFLICT, "not taken yet");
    step(&app, &neuro, &id, "take").await;
    assert_eq!(refused_with(connect(addr, &room, Some(&other)).await), StatusCode::CONFLICT, "not the taker");
    let stranger = member(&app, "Cabinet des Tilleuls", OrganisationKind::GpPractice, "gp@tilleuls.fr", Role::Gp).await;
    assert_eq!(refused_with(connect(addr, &room, Some(&stranger)).await), StatusCode::FORBIDDEN);
    assert_eq!(refused_with(connect(addr, &room, None).await), StatusCode::UNAUTHORIZED);

    let mut bedside = connect(addr, &room, Some(&gp)).await.unwrap();
    assert!(matches!(
        next(&mut bedside).await,
        ServerMessage::Welcome { role: PeerRole::Patient, peer_present: false, .. }
    ));
    let mut specialist = connect(addr, &room, Some(&neuro)).await.unwrap();
    assert!(matches!(
        next(&mut specialist).await,
        ServerMessage::Welcome { role: PeerRole::Clinician, peer_present: true, .. }
    ));
    assert_eq!(next(&mut bedside).await, ServerMessage::PeerJoined);
    let offer = PeerSignal::Offer { sdp: "v=0 bedside".into() };
    send(&mut bedside, &ClientMessage::Signal { signal: offer.clone() }).await;
    assert_eq!(next(&mut specialist).await, ServerMessage::Signal { signal: offer });

    assert_eq!(video_started_at(&app, &gp, &id).await, Value::Null);
    send(&mut specialist, &ClientMessage::MediaState { connected: true }).await;
    // Read back once the server has handled the frame: the bedside hears the
    // specialist's next signal only after it.
    let answer = PeerSignal::Answer { sdp: "v=0 specialist".into() };
    send(&mut specialist, &ClientMessage::Signal { signal: answer.clone() }).await;
    assert_eq!(next(&mut bedside).await, ServerMessage::Signal { signal: answer });
    let first = video_started_at(&app, &gp, &id).await;
    assert!(first.as_i64().is_some(), "the first video is kept");
    send(&mut specialist, &ClientMessage::MediaState { connected: false }).await;
    send(&mut specialist, &ClientMessage::MediaState { connected: true }).await;
    let again = PeerSignal::Answer { sdp: "v=0 again".into() };
    send(&mut specialist, &ClientMessage::Signal { signal: again.clone() }).await;
    assert_eq!(next(&mut bedside).await, ServerMessage::Signal { signal: again });
    assert_eq!(video_started_at(&app, &neuro, &id).await, first, "a reconnection does not move it");

    // Closed: no more video.
    step(&app, &neuro, &id, "answer").await;
    step(&app, &gp, &id, "close").await;
    send(&mut bedside, &ClientMessage::Bye).await;
    assert_eq!(refused_with(connect(addr, &room, Some(&gp)).await), StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_specialist_who_took_it_asks_the_bedside_to_move_the_camera() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (gp, neuro, other) = (app.login(GP).await, app.login(NEUROLOGIST).await, app.login(OTHER_NEUROLOGIST).await);
    let id = stroke_request(&app, &gp, "urgent").await;
    let ask = |cookie: String| {
        let (app, id) = (&app, &id);
        async move { app.post_json(&format!("/api/v1/expertise/{id}/camera"), Some(&cookie), json!({"ask": "arms"})).await }
    };
    assert_eq!(ask(neuro.clone()).await.status(), StatusCode::CONFLICT, "not taken yet");
    step(&app, &neuro, &id, "take").await;
    let mut bedside = connect(addr, "/ws/console", Some(&gp)).await.unwrap();
    assert_eq!(next_as::<LiveMessage>(&mut bedside).await, LiveMessage::Welcome);

    assert_eq!(ask(other).await.status(), StatusCode::CONFLICT, "not the taker");
    assert_eq!(ask(gp.clone()).await.status(), StatusCode::CONFLICT, "the bedside does not ask itself");
    let stranger = member(&app, "Cabinet des Tilleuls", OrganisationKind::GpPractice, "gp@tilleuls.fr", Role::Gp).await;
    assert_eq!(ask(stranger).await.status(), StatusCode::FORBIDDEN);
    let unknown = app.post_json(&format!("/api/v1/expertise/{id}/camera"), Some(&neuro), json!({"ask": "dance"})).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);

    assert_eq!(ask(neuro.clone()).await.status(), StatusCode::NO_CONTENT);
    // The bedside's console hears the ask (past any heartbeat), and nothing came before it.
    let heard = loop {
        match next_as::<LiveMessage>(&mut bedside).await {
            LiveMessage::Heartbeat => continue,
            other => break other,
        }
    };
    assert_eq!(heard, LiveMessage::News { news: News::CameraAsk { id: id.clone(), ask: CameraAsk::Arms } });

    step(&app, &neuro, &id, "answer").await;
    step(&app, &gp, &id, "close").await;
    assert_eq!(ask(neuro).await.status(), StatusCode::CONFLICT, "closed");
}
