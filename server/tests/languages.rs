//! The caller's language through the API: chosen by the regulator (the text
//! message and the page are in it), else the phone's, and changed by the
//! caller on their page (the case keeps it, its timeline says so).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use serde_json::json;

/// The caller's page for `token`, from a phone with these headers.
async fn caller_page(app: &TestApp, token: &str, headers: &[(header::HeaderName, &str)]) -> String {
    let mut builder = Request::builder().uri(format!("/v/{token}"));
    for (name, value) in headers {
        builder = builder.header(name, *value);
    }
    let response = app.send(builder.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    text(response).await
}

fn choose(token: &str, language: &str) -> Request<Body> {
    request(Method::PUT, &format!("/api/v1/patient/assist/{token}/language"), None, Some(json!({"language": language})))
}

#[tokio::test]
async fn a_link_sent_in_arabic_is_texted_in_arabic_and_opens_right_to_left() {
    let app = TestApp::new().await;
    let cookie = app.login(REGULATOR).await;
    let created =
        app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "0612345678", "language": "ar"})).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let case = json(created).await;
    assert_eq!(case["language"], "ar");
    let sms = case["sms"][0]["body"].as_str().unwrap();
    assert!(sms.starts_with("SAMU 54") && sms.contains("افتح هذا الرابط") && sms.contains("30 دقيقة"), "{sms}");
    // A phone set to French: the regulator's choice wins.
    let html = caller_page(&app, &token_in(sms), &[(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")]).await;
    assert!(html.contains(r#"<html lang="ar" dir="rtl" data-build=""#), "{html}");
    assert!(html.contains(r#"href="/caller/texts/ar.json?v="#), "{html}");
}

#[tokio::test]
async fn without_the_regulators_choice_the_page_follows_the_phone() {
    let app = TestApp::new().await;
    let (_, case, token) = app.start_assist().await;
    assert_eq!(case["language"], serde_json::Value::Null);
    // French when nothing is known, as the text message was.
    assert!(case["sms"][0]["body"].as_str().unwrap().contains("ouvrez ce lien"));
    assert!(caller_page(&app, &token, &[]).await.contains(r#"<html lang="fr" dir="ltr""#));
    let phone = [(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9,uk;q=0.8,en;q=0.7")];
    assert!(caller_page(&app, &token, &phone).await.contains(r#"<html lang="uk" dir="ltr""#));
    // A language this phone chose on Regard before comes before its settings.
    let chosen = [(header::ACCEPT_LANGUAGE, "uk"), (header::COOKIE, "regard_lang=ro")];
    assert!(caller_page(&app, &token, &chosen).await.contains(r#"<html lang="ro""#));
}

#[tokio::test]
async fn the_caller_picks_a_language_and_the_case_keeps_it() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.send(choose(&token, "uk")).await.status(), StatusCode::NO_CONTENT);
    // Said once in the timeline; choosing it again changes nothing.
    assert_eq!(app.send(choose(&token, "uk")).await.status(), StatusCode::NO_CONTENT);
    let detail = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    assert_eq!(detail["language"], "uk");
    let chosen: Vec<_> =
        detail["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "language_chosen").collect();
    assert_eq!(chosen.len(), 1, "{detail}");
    assert_eq!(chosen[0]["detail"], "uk");
    // The page opens in it, and a new link is texted in it.
    assert!(caller_page(&app, &token, &[]).await.contains(r#"lang="uk""#));
    let resent = json(app.post_json(&format!("/api/v1/assists/{id}/resend"), Some(&cookie), json!({})).await).await;
    let last =
        resent["sms"].as_array().unwrap().iter().map(|s| s["body"].as_str().unwrap()).find(|b| b.contains("посилання"));
    assert!(last.is_some(), "{resent}");

    // A language Regard does not have, or a link that is not one, is refused.
    assert_eq!(app.send(choose(&token, "de")).await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.send(choose("AAAAAAAAAAAAAAAAAAAAAA", "uk")).await.status(), StatusCode::NOT_FOUND);
}
