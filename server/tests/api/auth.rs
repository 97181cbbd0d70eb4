//! Sign-in, sessions and throttling, through the router on a real SQLite file.

use crate::common::*;
use axum::http::{header, StatusCode};
use serde_json::json;

#[tokio::test]
async fn login_succeeds_and_sets_a_strict_http_only_cookie() {
    let app = TestApp::new().await;
    let response = app.login_response(REGULATOR, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response);
    assert!(cookie.starts_with("regard_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not mark the cookie Secure: {cookie}");
    let token = cookie.split(';').next().unwrap().trim_start_matches("regard_session=");
    assert!(token.len() >= 43, "at least 256 bits of token: {token}");

    let me = json(response).await;
    assert_eq!(me["user"]["email"], REGULATOR);
    assert_eq!(me["user"]["role"], "regulator");
    assert_eq!(me["organisation"]["kind"], "samu_centre");
}

#[tokio::test]
async fn cookie_is_secure_when_served_over_https() {
    let app = TestApp::with(true, 3_600_000).await;
    let response = app.login_response(REGULATOR, PASSWORD).await;
    assert!(set_cookie(&response).contains("Secure"));
}

#[tokio::test]
async fn email_is_matched_case_insensitively() {
    let app = TestApp::new().await;
    let response = app.login_response("  Regulateur@Demo.Regard.FR ", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_password_and_unknown_account_fail_alike() {
    let app = TestApp::new().await;
    for (email, password) in [(REGULATOR, "not the password"), ("nobody@demo.regard.fr", PASSWORD)] {
        let response = app.login_response(email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().get(header::SET_COOKIE).is_none());
        let body = json(response).await;
        assert_eq!(body["code"], "invalid_credentials");
        assert_eq!(body["message"], "Wrong e-mail address or password.");
    }
}

#[tokio::test]
async fn me_requires_a_session_and_logout_ends_it() {
    let app = TestApp::new().await;
    let anonymous = app.get("/api/v1/auth/me", None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(anonymous).await["code"], "unauthenticated");

    let forged = app.get("/api/v1/auth/me", Some("regard_session=forged-token")).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let cookie = app.login(GP).await;
    let me = app.get("/api/v1/auth/me", Some(&cookie)).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(json(me).await["user"]["display_name"], "Dr Paul Durand");

    let logout = app.post_json("/api/v1/auth/logout", Some(&cookie), json!({})).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(set_cookie(&logout).contains("Max-Age=0"));
    // The old cookie no longer opens anything, even if the browser kept it.
    let after = app.get("/api/v1/auth/me", Some(&cookie)).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_expire() {
    let app = TestApp::with(false, 0).await;
    let cookie = app.login(GP).await;
    let me = app.get("/api/v1/auth/me", Some(&cookie)).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let response = app.login_response(REGULATOR, "guess guess guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.login_response(REGULATOR, PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = locked.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let body = json(locked).await;
    assert_eq!(body["code"], "too_many_attempts");
    assert_eq!(body["retry_after_secs"], retry_after);

    // Another account from the same address is not affected by this account's lock.
    let other = app.login_response(GP, PASSWORD).await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn success_forgives_earlier_failures() {
    let app = TestApp::new().await;
    for _ in 0..4 {
        app.login_response(REGULATOR, "guess guess guess").await;
    }
    app.login(REGULATOR).await;
    for _ in 0..4 {
        app.login_response(REGULATOR, "guess guess guess").await;
    }
    assert_eq!(app.login_response(REGULATOR, PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let app = TestApp::new().await;
    let attacker = "198.51.100.7:40000";
    for i in 0..20 {
        let email = format!("user{i}@demo.regard.fr");
        let response = app.login_from(attacker, &email, "guess guess guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let blocked = app.login_from(attacker, REGULATOR, PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    // The regulator at their own desk still signs in.
    let elsewhere = app.login_from("203.0.113.9:50000", REGULATOR, PASSWORD).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_locked_session_opens_only_with_the_pin_and_five_wrong_pins_end_it() {
    let app = TestApp::new().await;
    let nurse = app.login("infirmiere@demo.regard.fr").await;
    let put_pin =
        |pin: &str| request(axum::http::Method::PUT, "/api/v1/auth/pin", Some(&nurse), Some(json!({"pin": pin})));

    let no_pin = app.post_json("/api/v1/auth/lock", Some(&nurse), json!({})).await;
    assert_eq!(no_pin.status(), StatusCode::CONFLICT, "a PIN first");
    let letters = app.send(put_pin("12ab")).await;
    assert_eq!(letters.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(letters).await["field"], "pin");
    assert_eq!(app.send(put_pin("4821")).await.status(), StatusCode::NO_CONTENT);
    let (stored,): (String,) = sqlx::query_as("SELECT pin_hash FROM users WHERE email = 'infirmiere@demo.regard.fr'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(stored.starts_with("$argon2id$"), "hashed like a password");

    let locked = json(app.post_json("/api/v1/auth/lock", Some(&nurse), json!({})).await).await;
    assert_eq!((locked["locked"].as_bool(), locked["pin_set"].as_bool()), (Some(true), Some(true)));
    let refused = app.get("/api/v1/residents", Some(&nurse)).await;
    assert_eq!(refused.status(), StatusCode::LOCKED);
    assert_eq!(json(refused).await["code"], "locked");
    let me = json(app.get("/api/v1/auth/me", Some(&nurse)).await).await;
    assert_eq!((me["locked"].as_bool(), me["user"]["display_name"].as_str()), (Some(true), Some("Sophie Bernard")));

    let wrong = app.post_json("/api/v1/auth/unlock", Some(&nurse), json!({"pin": "0000"})).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let opened = app.post_json("/api/v1/auth/unlock", Some(&nurse), json!({"pin": "4821"})).await;
    assert_eq!(json(opened).await["locked"], false);
    assert_eq!(app.get("/api/v1/residents", Some(&nurse)).await.status(), StatusCode::OK);

    // Unlocking forgot the wrong PIN: five more in a row end the session.
    app.post_json("/api/v1/auth/lock", Some(&nurse), json!({})).await;
    for attempt in 1..=4 {
        let wrong = app.post_json("/api/v1/auth/unlock", Some(&nurse), json!({"pin": "1111"})).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY, "attempt {attempt}");
    }
    let ended = app.post_json("/api/v1/auth/unlock", Some(&nurse), json!({"pin": "not a pin"})).await;
    assert_eq!(ended.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&ended).contains("Max-Age=0"), "the cookie is cleared");
    let gone = app.post_json("/api/v1/auth/unlock", Some(&nurse), json!({"pin": "4821"})).await;
    assert_eq!(gone.status(), StatusCode::UNAUTHORIZED, "even the right PIN is too late");
    assert_eq!(app.get("/api/v1/auth/me", Some(&nurse)).await.status(), StatusCode::UNAUTHORIZED);
}

/// Statuses of `n` wrong-password sign-ins sent at once from one address.
async fn parallel_sign_ins(app: &TestApp, n: usize, email: impl Fn(usize) -> String) -> Vec<u16> {
    let attempts = (0..n).map(|i| {
        let email = email(i);
        async move { app.login_from("198.51.100.7:40000", &email, "guess guess guess").await.status().as_u16() }
    });
    futures_util::future::join_all(attempts).await
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_checks_than_the_limit() {
    let app = TestApp::new().await;
    let statuses = parallel_sign_ins(&app, 50, |_| REGULATOR.to_owned()).await;
    assert_eq!(count(&statuses, 401), 5, "five checks, then refusals: {statuses:?}");
    assert_eq!(count(&statuses, 401) + count(&statuses, 429) + count(&statuses, 503), 50, "{statuses:?}");

    // Eighteen wrong at once (as many as the gate lets in line), then the right
    // one: it is not let through.
    let app = TestApp::new().await;
    let statuses = parallel_sign_ins(&app, 18, |_| REGULATOR.to_owned()).await;
    assert_eq!((count(&statuses, 401), count(&statuses, 429)), (5, 13), "{statuses:?}");
    let last = app.login_from("198.51.100.7:40000", REGULATOR, PASSWORD).await;
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn parallel_attempts_on_many_accounts_stop_at_the_address_limit() {
    let app = TestApp::new().await;
    // Twenty-four at a time at most are let in line (the gate on a 2-core machine
    // holds 2 running and 16 waiting, on 8 cores 8 and 16): send them in two waves.
    let mut statuses = parallel_sign_ins(&app, 15, |i| format!("user{i}@demo.regard.fr")).await;
    statuses.extend(parallel_sign_ins(&app, 15, |i| format!("other{i}@demo.regard.fr")).await);
    assert_eq!(count(&statuses, 401), 20, "{statuses:?}");
    assert_eq!(count(&statuses, 500), 0);
}

#[tokio::test]
async fn a_strangers_guesses_do_not_lock_the_owner_out_and_the_admin_sees_them() {
    let app = TestApp::new().await;
    for _ in 0..5 {
        let response = app.login_from("198.51.100.7:40000", REGULATOR, "guess guess guess").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let stranger = app.login_from("198.51.100.7:40000", REGULATOR, PASSWORD).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS, "locked from the guessing address");
    let owner = app.login_from("203.0.113.9:50000", REGULATOR, PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK, "the owner's own desk still signs in");

    let admin = app.login(ADMIN).await;
    let organisation = app.organisation_of(&admin).await;
    let members = json(app.get(&format!("/api/v1/organisations/{organisation}/members"), Some(&admin)).await).await;
    let regulator = members.as_array().unwrap().iter().find(|m| m["email"] == REGULATOR).unwrap();
    assert_eq!(regulator["failed_sign_ins"], 5, "{regulator}");
}

#[tokio::test]
async fn a_burst_of_sign_ins_is_bounded_and_never_fails_with_a_server_error() {
    let app = TestApp::new().await;
    // Distinct accounts and addresses: nothing is throttled, every attempt hashes.
    let attempts = (0..60).map(|i| {
        let app = &app;
        async move {
            let addr = format!("203.0.{}.{}:4000", i / 200, i % 200 + 1);
            app.login_from(&addr, &format!("user{i}@demo.regard.fr"), "guess guess guess").await
        }
    });
    let responses = futures_util::future::join_all(attempts).await;
    let mut busy = 0;
    for response in responses {
        match response.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(response.headers().contains_key(header::RETRY_AFTER));
                assert_eq!(json(response).await["code"], "busy");
            }
            other => panic!("unexpected {other}"),
        }
    }
    // Sixty at once against at most 8 running and 16 waiting (2 and 16 on 2 cores).
    assert!(busy >= 60 - 24, "{busy} refused as busy");
}

#[tokio::test]
async fn parallel_pins_get_five_checks_and_never_a_server_error() {
    let app = TestApp::new().await;
    let nurse = app.login("infirmiere@demo.regard.fr").await;
    let put = request(axum::http::Method::PUT, "/api/v1/auth/pin", Some(&nurse), Some(json!({"pin": "4821"})));
    assert_eq!(app.send(put).await.status(), StatusCode::NO_CONTENT);
    app.post_json("/api/v1/auth/lock", Some(&nurse), json!({})).await;
    let tries = (0..20).map(|i| {
        let (app, nurse) = (&app, &nurse);
        let pin = if i == 19 { "4821" } else { "1111" };
        async move { app.post_json("/api/v1/auth/unlock", Some(nurse), json!({"pin": pin})).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(tries).await;
    assert_eq!(count(&statuses, 500), 0, "{statuses:?}");
    assert!(count(&statuses, 422) <= 4, "{statuses:?}");
    assert!(count(&statuses, 200) + count(&statuses, 422) <= 5, "no more than five PINs checked: {statuses:?}");
    assert_eq!(count(&statuses, 200) + count(&statuses, 422) + count(&statuses, 401) + count(&statuses, 503), 20);
}
