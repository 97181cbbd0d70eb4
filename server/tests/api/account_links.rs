//! Members choose their own passwords: an administrator invites them by
//! e-mail, a forgotten password is reset by e-mail, each link used once.
//! The mail goes through a real SMTP server (aiosmtpd) on loopback.

use crate::common::consultation::token_after;
use crate::common::smtp::SmtpServer;
use crate::common::*;
use axum::http::{Method, StatusCode};
use regard_server::mail::Mailer;
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "une phrase de passe assez longue";

async fn app_with_mail(smtp: &SmtpServer) -> TestApp {
    let mailer = Mailer::new(Some(&smtp.url()), "Regard <no-reply@example.org>").unwrap();
    TestApp::customised(|state| state.mailer = mailer).await
}

fn link_token(mail: &str) -> String {
    token_after(mail, &format!("{PUBLIC_URL}/account/"))
}

async fn choose(app: &TestApp, token: &str, password: &str) -> StatusCode {
    let path = format!("/api/v1/auth/account-links/{token}");
    app.post_json(&path, None, json!({"password": password})).await.status()
}

#[tokio::test]
async fn an_invited_member_chooses_their_password_and_signs_in() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let admin = app.login(ADMIN).await;
    let samu = app.organisation_of(&admin).await;
    let member = json!({"email": "Jeanne.Petit@samu54.fr", "display_name": "Dr Jeanne Petit", "role": "regulator"});
    let created = app.post_json(&format!("/api/v1/organisations/{samu}/members"), Some(&admin), member).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = json(created).await["id"].as_str().unwrap().to_owned();
    // No password opens the account before its member chooses one.
    assert_eq!(app.login_response("jeanne.petit@samu54.fr", "").await.status(), StatusCode::UNAUTHORIZED);
    let listed = json(app.get(&format!("/api/v1/organisations/{samu}/members"), Some(&admin)).await).await;
    let listed: Vec<&Value> = listed.as_array().unwrap().iter().filter(|m| m["id"] == id.as_str()).collect();
    assert_eq!(listed[0]["invited"], true);

    let mails = smtp.to("jeanne.petit@samu54.fr", 1).await;
    assert!(mails[0].contains("SAMU 54"), "the mail names the organisation: {}", mails[0]);
    let first = link_token(&mails[0]);
    // Sent again: the first link works no more.
    let again = format!("/api/v1/organisations/{samu}/members/{id}/invite");
    assert_eq!(app.post_json(&again, Some(&admin), json!({})).await.status(), StatusCode::NO_CONTENT);
    let mails = smtp.to("jeanne.petit@samu54.fr", 2).await;
    let token = link_token(mails.iter().find(|m| !m.contains(&first)).unwrap());
    assert_eq!(app.get(&format!("/api/v1/auth/account-links/{first}"), None).await.status(), StatusCode::GONE);

    let info = json(app.get(&format!("/api/v1/auth/account-links/{token}"), None).await).await;
    assert_eq!(info["purpose"], "invitation");
    assert_eq!(info["display_name"], "Dr Jeanne Petit");
    assert_eq!(choose(&app, &token, "court").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(choose(&app, &token, NEW_PASSWORD).await, StatusCode::NO_CONTENT);
    assert_eq!(app.login_response("jeanne.petit@samu54.fr", NEW_PASSWORD).await.status(), StatusCode::OK);
    // Used once, the link works no more, and no invitation is left to send.
    assert_eq!(choose(&app, &token, "une autre phrase de passe").await, StatusCode::GONE);
    assert_eq!(app.post_json(&again, Some(&admin), json!({})).await.status(), StatusCode::CONFLICT);
    assert_eq!(
        events_of(&app, &admin, "Dr Jeanne Petit").await,
        ["signed_in", "invitation_accepted", "invited", "sign_in_failed", "invited"],
        "newest first"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_mail_and_the_old_one_opens_nothing() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    let gp = app.login(GP).await;
    // The same answer for an address with an account and one without.
    for email in [GP, "nobody@example.org"] {
        let asked = app.post_json("/api/v1/auth/password-reset", None, json!({"email": email})).await;
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
        assert_eq!(text(asked).await, "");
    }
    let token = link_token(&smtp.to(GP, 1).await[0]);
    assert_eq!(json(app.get(&format!("/api/v1/auth/account-links/{token}"), None).await).await["purpose"], "reset");
    assert_eq!(choose(&app, &token, NEW_PASSWORD).await, StatusCode::NO_CONTENT);
    // Every session of the account ended with the old password.
    assert_eq!(app.get("/api/v1/auth/me", Some(&gp)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login_response(GP, PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login_response(GP, NEW_PASSWORD).await.status(), StatusCode::OK);
    assert!(smtp.messages().iter().all(|m| !m.contains("nobody@example.org")), "no mail to an unknown address");

    // A stranger cannot flood a member's mailbox: three links per half hour.
    for _ in 0..4 {
        app.post_json("/api/v1/auth/password-reset", None, json!({"email": GP})).await;
    }
    assert_eq!(smtp.to(GP, 3).await.len(), 3, "the first, then two more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_link_sent_twice_at_once_sets_one_password() {
    let smtp = SmtpServer::start();
    let app = app_with_mail(&smtp).await;
    app.post_json("/api/v1/auth/password-reset", None, json!({"email": REGULATOR})).await;
    let token = link_token(&smtp.to(REGULATOR, 1).await[0]);
    let path = format!("/api/v1/auth/account-links/{token}");
    let [a, b] = ["première phrase de passe", "seconde phrase de passe"]
        .map(|password| request(Method::POST, &path, None, Some(json!({"password": password}))));
    let mut statuses: Vec<StatusCode> = app.at_once(vec![a, b]).await.iter().map(|r| r.status()).collect();
    statuses.sort();
    assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::GONE]);
}

#[tokio::test]
async fn an_invitation_that_cannot_leave_is_said() {
    // No mail server: the account exists, invited, and the administrator is told.
    let app = TestApp::new().await;
    let admin = app.login(ADMIN).await;
    let samu = app.organisation_of(&admin).await;
    let member = json!({"email": "r9@samu54.fr", "display_name": "Dr Neuf", "role": "regulator"});
    let refused = app.post_json(&format!("/api/v1/organisations/{samu}/members"), Some(&admin), member).await;
    assert_eq!(refused.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(json(refused).await["field"], "mail");
    let listed = json(app.get(&format!("/api/v1/organisations/{samu}/members"), Some(&admin)).await).await;
    assert!(listed.as_array().unwrap().iter().any(|m| m["email"] == "r9@samu54.fr" && m["invited"] == true));
}
