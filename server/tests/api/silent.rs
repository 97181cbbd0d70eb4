//! The silent chat of a video assist through the API and the room's socket: the
//! regulator's ready phrases read in the caller's language, the caller's
//! one-tap answers read in French, free text as typed, all in the timeline.

use crate::common::ws::{self, next, serve};
use crate::common::*;
use axum::http::{Method, StatusCode};
use regard_shared::signal::ServerMessage;
use serde_json::{json, Value};

/// An accepted assist: the regulator's cookie, the case's id, the phone's cookie.
async fn accepted(app: &TestApp) -> (String, String, String) {
    let (cookie, case, token) = app.start_assist().await;
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    (cookie, case["summary"]["id"].as_str().unwrap().to_owned(), device)
}

fn message(kind: &str, content: &str) -> Value {
    json!({"kind": kind, "content": content})
}

async fn from_caller(app: &TestApp, device: &str, kind: &str, content: &str) -> StatusCode {
    app.post_json("/api/v1/patient/assist/messages", Some(device), message(kind, content)).await.status()
}

async fn from_regulator(app: &TestApp, cookie: &str, id: &str, kind: &str, content: &str) -> StatusCode {
    app.post_json(&format!("/api/v1/assists/{id}/messages"), Some(cookie), message(kind, content)).await.status()
}

#[tokio::test]
async fn a_ready_phrase_is_read_in_ukrainian_and_a_tapped_yes_in_french() {
    let app = TestApp::new().await;
    let addr = serve(&app).await;
    let (cookie, id, device) = accepted(&app).await;
    let mut phone = ws::connect(addr, &format!("/ws/assist/{id}"), Some(&device)).await.unwrap();
    assert!(matches!(next(&mut phone).await, ServerMessage::Welcome { .. }));

    assert_eq!(from_regulator(&app, &cookie, &id, "phrase", "is_breathing").await, StatusCode::NO_CONTENT);
    // The phone hears there is news, and reads the chat in its page's language.
    assert_eq!(next(&mut phone).await, ServerMessage::Messages);
    let read = json(app.get("/api/v1/patient/assist/messages?lang=uk", Some(&device)).await).await;
    assert_eq!(read[0]["text"], "Людина дихає?", "{read}");
    assert_eq!((read[0]["from_caller"].clone(), read[0]["kind"].clone()), (json!(false), json!("phrase")));

    assert_eq!(from_caller(&app, &device, "answer", "yes").await, StatusCode::NO_CONTENT);
    assert_eq!(next(&mut phone).await, ServerMessage::Messages);
    assert_eq!(from_caller(&app, &device, "text", "  3e étage, porte B  ").await, StatusCode::NO_CONTENT);
    assert_eq!(from_regulator(&app, &cookie, &id, "text", "Я йду").await, StatusCode::NO_CONTENT);

    let case = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    let texts: Vec<_> = case["messages"].as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["La personne respire-t-elle ?", "Oui", "3e étage, porte B", "Я йду"]);
    // Typed text stays as typed for either reader; the phone reads its own answer in Ukrainian.
    let read = json(app.get("/api/v1/patient/assist/messages?lang=uk", Some(&device)).await).await;
    let texts: Vec<_> = read.as_array().unwrap().iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Людина дихає?", "Так", "3e étage, porte B", "Я йду"]);
    assert_eq!(read[2]["kind"], "text");

    // Every message is in the case's timeline, in French, with its author.
    let said: Vec<_> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["kind"].as_str().unwrap().ends_with("_sent") || e["kind"].as_str().unwrap().ends_with("_received")
        })
        .map(|e| (e["kind"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .filter(|(kind, _)| *kind != "sms_sent")
        .collect();
    assert_eq!(
        said,
        [
            ("phrase_sent", "La personne respire-t-elle ?"),
            ("answer_received", "Oui"),
            ("text_received", "3e étage, porte B"),
            ("text_sent", "Я йду"),
        ]
    );
}

#[tokio::test]
async fn the_phrasebook_is_in_the_consoles_language() {
    let app = TestApp::new().await;
    let cookie = app.login(REGULATOR).await;
    let book = json(app.get("/api/v1/assists/phrases?lang=en", Some(&cookie)).await).await;
    let phrases = book["phrases"].as_array().unwrap();
    assert!(phrases.len() >= 30, "{book}");
    assert!(phrases.iter().any(|p| p["key"] == "press_wound" && p["text"] == "Press hard on the wound with a cloth."));
    assert_eq!(book["answers"][0], json!({"key": "yes", "text": "Yes"}));
    let french = json(app.get("/api/v1/assists/phrases", Some(&cookie)).await).await;
    assert_eq!(french["answers"][3]["text"], "Je ne peux pas parler");
    // Only a regulator reads it.
    let gp = app.login(GP).await;
    assert_eq!(app.get("/api/v1/assists/phrases", Some(&gp)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn each_side_sends_only_its_own_kinds_and_bounded_text() {
    let app = TestApp::new().await;
    let (cookie, id, device) = accepted(&app).await;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    assert_eq!(from_regulator(&app, &cookie, &id, "phrase", "sing_a_song").await, unprocessable);
    assert_eq!(from_regulator(&app, &cookie, &id, "answer", "yes").await, unprocessable);
    assert_eq!(from_regulator(&app, &cookie, &id, "text", "   ").await, unprocessable);
    assert_eq!(from_caller(&app, &device, "phrase", "open_door").await, unprocessable);
    assert_eq!(from_caller(&app, &device, "answer", "maybe").await, unprocessable);
    assert_eq!(from_caller(&app, &device, "text", &"a".repeat(501)).await, unprocessable);
    assert_eq!(from_caller(&app, &device, "text", &"a".repeat(500)).await, StatusCode::NO_CONTENT);
    // Nothing refused was kept.
    let case = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    assert_eq!(case["messages"].as_array().unwrap().len(), 1);

    // No accepted link, another case's regulator, someone not a regulator: nothing.
    assert_eq!(from_caller(&app, "regard_patient=forged", "answer", "yes").await, StatusCode::UNAUTHORIZED);
    let gp = app.login(GP).await;
    assert_eq!(from_regulator(&app, &gp, &id, "phrase", "open_door").await, StatusCode::FORBIDDEN);
    let read = request(Method::GET, "/api/v1/patient/assist/messages", None, None);
    assert_eq!(app.send(read).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn two_answers_tapped_at_once_are_both_kept_in_order() {
    let app = TestApp::new().await;
    let (cookie, id, device) = accepted(&app).await;
    let tap = |answer: &str| {
        request(Method::POST, "/api/v1/patient/assist/messages", Some(&device), Some(message("answer", answer)))
    };
    let answers = app.at_once(vec![tap("yes"), tap("no")]).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::NO_CONTENT));
    let case = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    let mut texts: Vec<_> = case["messages"].as_array().unwrap().iter().map(|m| m["text"].clone()).collect();
    texts.sort_by_key(|t| t.to_string());
    assert_eq!(texts, [json!("Non"), json!("Oui")]);
    let events = app.timeline(&cookie, &id).await;
    assert_eq!(events.iter().filter(|k| *k == "answer_received").count(), 2);
}
