//! A second factor for password sign-ins: an authenticator app enrolled with
//! a first code, then a code at each sign-in (once each), ten recovery codes
//! (once each), an organisation's requirement (enrolment at sign-in) and an
//! administrator's reset.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

/// The code an authenticator app shows for `secret`, `ahead_ms` after the
/// server's clock (which tests move).
fn code(app: &TestApp, secret: &str, ahead_ms: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, String::new()).unwrap();
    totp.generate(((app.state.sessions.now() + ahead_ms) / 1000) as u64)
}

async fn post(app: &TestApp, path: &str, cookie: Option<&str>, body: Value) -> Response<Body> {
    app.post_json(&format!("/api/v1/auth{path}"), cookie, body).await
}

/// Signs in with the password: the sign-in halfway's cookie and whether it
/// asks for enrolment.
async fn halfway(app: &TestApp, email: &str) -> (String, bool) {
    let answer = app.login_response(email, PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED, "{email}: the code is awaited");
    let cookie = cookie_named(&answer, "regard_sign_in").expect("the sign-in halfway's cookie");
    assert!(cookie_named(&answer, "regard_session").is_none(), "no session on the password alone");
    (cookie, json(answer).await["enrol"].as_bool().unwrap())
}

/// Enrols the signed-in member: their secret, recovery codes, and the code
/// that confirmed the enrolment.
async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>, String) {
    let started = json(post(app, "/second-factor/enrolment", Some(cookie), json!({})).await).await;
    let secret = started["secret"].as_str().unwrap().to_owned();
    assert!(started["uri"].as_str().unwrap().starts_with("otpauth://totp/Regard:"));
    assert!(started["qr"]["size"].as_u64().unwrap() >= 21);
    let wrong = post(app, "/second-factor/enrolment/confirm", Some(cookie), json!({"code": "000000"})).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let first = code(app, &secret, 0);
    let done = json(post(app, "/second-factor/enrolment/confirm", Some(cookie), json!({"code": first})).await).await;
    let codes: Vec<String> = serde_json::from_value(done["recovery_codes"].clone()).unwrap();
    (secret, codes, first)
}

#[tokio::test]
async fn codes_from_the_app_and_recovery_codes_sign_in_once_each() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let (secret, recovery, first) = enrol(&app, &gp).await;
    assert_eq!(recovery.len(), 10);

    // The password alone no longer signs in; a wrong code is refused.
    let (pending, enrol) = halfway(&app, GP).await;
    assert!(!enrol);
    let wrong = post(&app, "/second-factor", Some(&pending), json!({"code": "123456"})).await;
    assert_eq!(json(wrong).await["code"], "invalid_credentials");
    // The code the enrolment was confirmed with has been used; the next one works.
    let stale = post(&app, "/second-factor", Some(&pending), json!({"code": first})).await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED, "a code opens one sign-in");
    app.state.sessions.advance(30_000);
    let signed_in = post(&app, "/second-factor", Some(&pending), json!({"code": code(&app, &secret, 0)})).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let session = cookie_named(&signed_in, "regard_session").unwrap();
    assert_eq!(json(signed_in).await["user"]["email"], GP);
    assert_eq!(app.get("/api/v1/auth/me", Some(&session)).await.status(), StatusCode::OK);
    // The sign-in halfway ended with it.
    let again = post(&app, "/second-factor", Some(&pending), json!({"code": code(&app, &secret, 30_000)})).await;
    assert_eq!(json(again).await["code"], "unauthenticated");

    // A recovery code, typed loosely, works once.
    let (pending, _) = halfway(&app, GP).await;
    let typed = recovery[3].to_lowercase().replace('-', " ");
    assert_eq!(post(&app, "/second-factor", Some(&pending), json!({"code": typed})).await.status(), StatusCode::OK);
    let (pending, _) = halfway(&app, GP).await;
    let reused = post(&app, "/second-factor", Some(&pending), json!({"code": recovery[3]})).await;
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(&app, "/second-factor", Some(&pending), json!({"code": recovery[4]})).await.status(),
        StatusCode::OK
    );

    let me = json(app.get("/api/v1/auth/me", Some(&gp)).await).await;
    let admin =
        member(&app, "Cabinet médical du Parc", OrganisationKind::GpPractice, "admin@parc.fr", Role::Admin).await;
    let events = events_of(&app, &admin, me["user"]["display_name"].as_str().unwrap()).await;
    for event in ["second_factor_enabled", "second_factor_failed", "recovery_code_used", "signed_in"] {
        assert!(events.iter().any(|e| e == event), "{event} in {events:?}");
    }
}

#[tokio::test]
async fn a_few_wrong_codes_end_the_sign_in_halfway_and_two_right_ones_sign_in_once() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let (secret, _, _) = enrol(&app, &gp).await;
    app.state.sessions.advance(30_000);
    let (pending, _) = halfway(&app, GP).await;
    let answers: Vec<Value> = {
        let mut answers = Vec::new();
        for _ in 0..3 {
            answers.push(
                json(post(&app, "/second-factor", Some(&pending), json!({"code": "999999"})).await).await["code"]
                    .clone(),
            );
        }
        answers
    };
    assert!(answers[..2].iter().all(|a| a == "invalid_credentials"), "{answers:?}");
    assert_eq!(answers[2], "unauthenticated", "the password is asked again");
    let late = post(&app, "/second-factor", Some(&pending), json!({"code": code(&app, &secret, 0)})).await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);

    // The same right code sent twice at once: one session.
    let (pending, _) = halfway(&app, GP).await;
    let body = json!({"code": code(&app, &secret, 0)});
    let send = || request(Method::POST, "/api/v1/auth/second-factor", Some(&pending), Some(body.clone()));
    let answers = app.at_once(vec![send(), send()]).await;
    let signed_in = answers.iter().filter(|a| a.status() == StatusCode::OK).count();
    assert_eq!(signed_in, 1, "{:?}", answers.iter().map(|a| a.status()).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_organisation_requiring_a_second_factor_has_its_members_enrol_at_sign_in() {
    let app = TestApp::new().await;
    let admin = app.login(ADMIN).await;
    let organisation = app.organisation_of(&admin).await;
    let path = format!("/api/v1/organisations/{organisation}/security");
    let required = json!({"second_factor_required": true, "psc_eidas1_required": true});
    let set = app.send(request(Method::PUT, &path, Some(&admin), Some(required.clone()))).await;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(json(app.get(&path, Some(&admin)).await).await, required);
    let gp = app.login(GP).await;
    assert_eq!(app.get(&path, Some(&gp)).await.status(), StatusCode::FORBIDDEN, "another organisation's");

    let (pending, enrol) = halfway(&app, REGULATOR).await;
    assert!(enrol);
    let premature = post(&app, "/second-factor", Some(&pending), json!({"code": "123456"})).await;
    assert_eq!(premature.status(), StatusCode::CONFLICT);
    let started = json(post(&app, "/second-factor/enrolment", Some(&pending), json!({})).await).await;
    let secret = started["secret"].as_str().unwrap();
    let confirm = json!({"code": code(&app, secret, 0)});
    let done = post(&app, "/second-factor/enrolment/confirm", Some(&pending), confirm).await;
    assert_eq!(done.status(), StatusCode::OK);
    let session = cookie_named(&done, "regard_session").expect("signed in once enrolled");
    let done = json(done).await;
    assert_eq!(done["me"]["user"]["email"], REGULATOR);
    assert_eq!(done["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(app.get("/api/v1/auth/me", Some(&session)).await.status(), StatusCode::OK);

    // The password alone does not replace an enrolled second factor.
    let (pending, enrol) = halfway(&app, REGULATOR).await;
    assert!(!enrol);
    let replaced = post(&app, "/second-factor/enrolment", Some(&pending), json!({})).await;
    assert_eq!(replaced.status(), StatusCode::CONFLICT);

    // A lost phone: the administrator resets it, the member enrols again.
    let members = json(app.get(&format!("/api/v1/organisations/{organisation}/members"), Some(&admin)).await).await;
    let listed = members.as_array().unwrap().iter().find(|m| m["email"] == REGULATOR).unwrap();
    assert_eq!(listed["second_factor"], true);
    let reset =
        format!("/api/v1/organisations/{organisation}/members/{}/second-factor/reset", listed["id"].as_str().unwrap());
    assert_eq!(app.post_json(&reset, Some(&gp), json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post_json(&reset, Some(&admin), json!({})).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(events_of(&app, &admin, "Dr Claire Martin").await[0], "second_factor_reset");
    let (_, enrol) = halfway(&app, REGULATOR).await;
    assert!(enrol);
}
