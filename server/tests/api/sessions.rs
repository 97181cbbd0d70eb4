//! Sessions a member and their administrator control: the idle timeout, the
//! member's list of sessions, disabling a member (their calls and consoles
//! closed at once) and the account events an administrator reads.

use crate::common::ws::{self, next, next_as};
use crate::common::*;
use axum::http::{header, Method, StatusCode};
use regard_shared::live::LiveMessage;
use regard_shared::signal::ServerMessage;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const MINUTE: i64 = 60_000;
const NURSE: &str = "infirmiere@demo.regard.fr";

async fn me_status(app: &TestApp, cookie: &str) -> StatusCode {
    app.get("/api/v1/auth/me", Some(cookie)).await.status()
}

/// Signs in from a browser that describes itself as `agent`.
async fn login_with_agent(app: &TestApp, email: &str, agent: &str) -> String {
    let mut request =
        request(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": email, "password": PASSWORD})));
    request.headers_mut().insert(header::USER_AGENT, agent.parse().unwrap());
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    set_cookie(&response)
}

#[tokio::test]
async fn an_unused_session_ends_after_its_idle_time_but_not_a_nursing_homes() {
    let app = TestApp::with(false, 120 * MINUTE).await;
    let gp = app.login(GP).await;
    let nurse = app.login(NURSE).await;
    // Used every 29 minutes, the GP's session lasts.
    for _ in 0..2 {
        app.state.sessions.advance(29 * MINUTE);
        assert_eq!(me_status(&app, &gp).await, StatusCode::OK);
    }
    // Unused for 31 minutes, it ends.
    app.state.sessions.advance(31 * MINUTE);
    assert_eq!(me_status(&app, &gp).await, StatusCode::UNAUTHORIZED);
    // The nursing home's tablet is locked by its PIN instead: it lasts its shift
    // (two hours in this app), then ends too.
    assert_eq!(me_status(&app, &nurse).await, StatusCode::OK, "89 minutes unused, still signed in");
    let again = app.login(GP).await;
    app.state.sessions.advance(61 * MINUTE);
    assert_eq!(me_status(&app, &nurse).await, StatusCode::UNAUTHORIZED, "past its absolute lifetime");
    assert_eq!(me_status(&app, &again).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_member_lists_their_sessions_and_ends_one() {
    let app = TestApp::new().await;
    let phone = login_with_agent(&app, GP, "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile").await;
    let desk = login_with_agent(&app, GP, "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0").await;
    let listed = json(app.get("/api/v1/auth/sessions", Some(&desk)).await).await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let current: Vec<&Value> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert!(current[0]["device"].as_str().unwrap().contains("Firefox"));
    assert_eq!(current[0]["address"], "192.0.2.1");
    let other = listed.iter().find(|s| s["current"] == false).unwrap()["id"].as_str().unwrap().to_owned();
    // Nobody else's session can be ended by its id, not even by an administrator.
    let admin = app.login(ADMIN).await;
    let path = format!("/api/v1/auth/sessions/{other}");
    let response = app.send(request(Method::DELETE, &path, Some(&admin), None)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(me_status(&app, &phone).await, StatusCode::OK);
    // Its member ends it: the phone is signed out, the desk is not.
    let response = app.send(request(Method::DELETE, &path, Some(&desk), None)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &desk).await, StatusCode::OK);
    let listed = json(app.get("/api/v1/auth/sessions", Some(&desk)).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_disabled_member_is_refused_at_once_and_their_sockets_close() {
    let app = TestApp::new().await;
    let addr = ws::serve(&app).await;
    let (regulator, case, _) = app.start_assist().await;
    let organisation = app.organisation_of(&regulator).await;
    let me = json(app.get("/api/v1/auth/me", Some(&regulator)).await).await;
    let regulator_id = me["user"]["id"].as_str().unwrap().to_owned();
    let mut console = ws::connect(addr, "/ws/console", Some(&regulator)).await.unwrap();
    assert_eq!(next_as::<LiveMessage>(&mut console).await, LiveMessage::Welcome);
    let path = format!("/ws/assist/{}", case["summary"]["id"].as_str().unwrap());
    let mut call = ws::connect(addr, &path, Some(&regulator)).await.unwrap();
    assert!(matches!(next(&mut call).await, ServerMessage::Welcome { .. }));

    // Only the organisation's administrator may disable, and not themselves.
    let disable = format!("/api/v1/organisations/{organisation}/members/{regulator_id}/disable");
    assert_eq!(app.post_json(&disable, Some(&regulator), json!({})).await.status(), StatusCode::FORBIDDEN);
    let admin = app.login(ADMIN).await;
    let admin_id = json(app.get("/api/v1/auth/me", Some(&admin)).await).await["user"]["id"].clone();
    let own = format!("/api/v1/organisations/{organisation}/members/{}/disable", admin_id.as_str().unwrap());
    assert_eq!(app.post_json(&own, Some(&admin), json!({})).await.status(), StatusCode::CONFLICT);

    assert_eq!(app.post_json(&disable, Some(&admin), json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &regulator).await, StatusCode::UNAUTHORIZED);
    let frames = ws::until_closed(&mut call).await;
    let said = frames.iter().any(|f| matches!(f, Message::Text(t) if t.contains("session_ended")));
    assert!(said, "the call was told why it closed: {frames:?}");
    let frames = ws::until_closed(&mut console).await;
    let code = frames.iter().find_map(|f| match f {
        Message::Close(Some(frame)) => Some(u16::from(frame.code)),
        _ => None,
    });
    assert_eq!(code, Some(4401), "the console closed as a session ending: {frames:?}");

    // A disabled member's right password opens nothing, and says why.
    let response = app.login_response(REGULATOR, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(json(response).await["message"].as_str().unwrap().contains("disabled"));
    let members = json(app.get(&format!("/api/v1/organisations/{organisation}/members"), Some(&admin)).await).await;
    let listed = members.as_array().unwrap().iter().find(|m| m["id"] == regulator_id.as_str()).unwrap().clone();
    assert_eq!(listed["disabled"], true);

    // Enabled again, they sign in.
    let enable = format!("/api/v1/organisations/{organisation}/members/{regulator_id}/enable");
    assert_eq!(app.post_json(&enable, Some(&admin), json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.login_response(REGULATOR, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_administrator_reads_their_members_account_events_and_only_theirs() {
    let app = TestApp::new().await;
    assert_eq!(app.login_response(REGULATOR, "not the password").await.status(), StatusCode::UNAUTHORIZED);
    let regulator = app.login(REGULATOR).await;
    let admin = app.login(ADMIN).await;
    let organisation = app.organisation_of(&admin).await;
    let me = json(app.get("/api/v1/auth/me", Some(&regulator)).await).await;
    let id = me["user"]["id"].as_str().unwrap();
    let disable = format!("/api/v1/organisations/{organisation}/members/{id}/disable");
    assert_eq!(app.post_json(&disable, Some(&admin), json!({})).await.status(), StatusCode::NO_CONTENT);

    let path = format!("/api/v1/organisations/{organisation}/account-events");
    assert_eq!(app.get(&path, Some(&regulator)).await.status(), StatusCode::UNAUTHORIZED, "disabled");
    let events = json(app.get(&path, Some(&admin)).await).await;
    let name = me["user"]["display_name"].as_str().unwrap();
    let of_regulator: Vec<(String, Value)> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["member"] == name)
        .map(|e| (e["event"].as_str().unwrap().to_owned(), e["by"].clone()))
        .collect();
    let admin_name = json(app.get("/api/v1/auth/me", Some(&admin)).await).await["user"]["display_name"].clone();
    assert_eq!(
        of_regulator,
        vec![
            ("disabled".to_owned(), admin_name),
            ("signed_in".to_owned(), Value::Null),
            ("sign_in_failed".to_owned(), Value::Null),
        ],
        "newest first, the administrator named where they acted"
    );
    // Nobody but the organisation's administrators reads them.
    let gp = app.login(GP).await;
    assert_eq!(app.get(&path, Some(&gp)).await.status(), StatusCode::FORBIDDEN);
    // The events are chained in the access log like every look at patient data.
    let verdict = regard_server::audit::verify(&app.state.db).await.unwrap();
    assert_eq!(verdict.broken_at, None);
    assert!(verdict.checked >= 4);
}
