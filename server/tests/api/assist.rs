//! Video assist through the API: cases, links, photos, decisions, timeline.

use crate::common;
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::BodyExt;
use regard_server::assist;
use regard_shared::assist::EventKind;
use serde_json::json;

fn upload(source: &str, device: &str, bytes: &[u8]) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/patient/assist/photos?source={source}"))
        .header(header::COOKIE, device)
        .header(header::CONTENT_TYPE, "image/jpeg")
        .body(Body::from(bytes.to_vec()))
        .unwrap()
}

#[tokio::test]
async fn a_regulator_starts_an_assist_and_the_link_is_texted() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    assert_eq!(case["summary"]["phone"], "06 12 34 56 78");
    assert_eq!(case["sms"][0]["to"], "06 12 34 56 78");
    assert_eq!(case["sms"][0]["status"], "sent");
    assert!(case["sms"][0]["body"].as_str().unwrap().contains("SAMU 54"));
    assert_eq!(token.len(), 22, "128 bits in base64url: {token}");
    let id = case["summary"]["id"].as_str().unwrap();
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent"]);

    let outbox = json(app.get("/api/v1/outbox", Some(&cookie)).await).await;
    assert_eq!(outbox[0]["assist_id"], id);
    let list = json(app.get("/api/v1/assists", Some(&cookie)).await).await;
    assert_eq!(list["items"][0]["id"], id);
}

#[tokio::test]
async fn phone_numbers_are_checked() {
    let app = TestApp::new().await;
    let cookie = app.login(REGULATOR).await;
    for (phone, message) in
        [("hello", "Enter a phone number such as 06 12 34 56 78"), ("01 23 45 67 89", "is not a mobile")]
    {
        let response = app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": phone})).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error = json(response).await;
        assert_eq!(error["field"], "phone");
        assert!(error["message"].as_str().unwrap().contains(message), "{error}");
    }
    let long = json!({"phone": "0612345678", "case_reference": "x".repeat(65)});
    let response = app.post_json("/api/v1/assists", Some(&cookie), long).await;
    assert_eq!(json(response).await["field"], "case_reference");
    assert!(json(app.get("/api/v1/assists", Some(&cookie)).await).await["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn only_regulators_of_the_centre_reach_its_cases() {
    let app = TestApp::new().await;
    let (_, case, _) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let gp = app.login(GP).await;
    let create = app.post_json("/api/v1/assists", Some(&gp), json!({"phone": "0612345678"})).await;
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
    for path in [format!("/api/v1/assists/{id}"), "/api/v1/assists".into()] {
        assert_eq!(app.get(&path, Some(&gp)).await.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(app.get(&path, None).await.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // A GP reads their own practice's text messages, never the centre's.
    let gp_outbox = json(app.get("/api/v1/outbox", Some(&gp)).await).await;
    assert!(gp_outbox.as_array().unwrap().is_empty(), "{gp_outbox}");
    // The SAMU's admin is in the same organisation but does not regulate.
    let admin = app.login(ADMIN).await;
    assert_eq!(app.get(&format!("/api/v1/assists/{id}"), Some(&admin)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/outbox", Some(&admin)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn opening_the_link_consumes_nothing_and_accepting_binds_one_phone() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let link = format!("/api/v1/patient/assist/{token}");

    // A preview bot, then the caller, open the link: both see it, nothing is consumed.
    for _ in 0..2 {
        let info = json(app.get(&link, None).await).await;
        assert_eq!(info["state"], "valid");
        assert_eq!(info["organisation"], "SAMU 54 – Centre 15 de Nancy");
    }
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent", "link_opened"]);

    let accepted = app.accept(&token, None).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let device = cookie_named(&accepted, "regard_patient").expect("a device cookie");
    let set_cookie = set_cookie(&accepted);
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert_eq!(json(accepted).await["assist_id"], id);

    // The same phone may come back; another one may not.
    assert_eq!(json(app.get(&link, Some(&device)).await).await["state"], "accepted_here");
    assert_eq!(app.accept(&token, Some(&device)).await.status(), StatusCode::OK);
    assert_eq!(json(app.get(&link, None).await).await["state"], "in_use");
    let second = app.accept(&token, None).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert_eq!(json(second).await["code"], "link_in_use");

    let timeline = app.timeline(&cookie, id).await;
    assert_eq!(timeline, ["created", "sms_sent", "link_opened", "consent_given"]);
    let case = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    assert_eq!(case["timeline"][3]["detail"], "assist-v1 (fr)");
}

#[tokio::test]
async fn unknown_and_expired_links_say_so() {
    let app = TestApp::configured(false, 3_600_000, 0).await;
    let (_, _, token) = app.start_assist().await;
    let info = json(app.get(&format!("/api/v1/patient/assist/{token}"), None).await).await;
    assert_eq!(info["state"], "expired");
    let accept = app.accept(&token, None).await;
    assert_eq!(accept.status(), StatusCode::GONE);
    assert_eq!(json(accept).await["code"], "link_expired");
    let unknown = app.get("/api/v1/patient/assist/AAAAAAAAAAAAAAAAAAAAAA", None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn resending_replaces_the_link() {
    let app = TestApp::new().await;
    let (cookie, case, old) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let resent = json(app.post_json(&format!("/api/v1/assists/{id}/resend"), Some(&cookie), json!({})).await).await;
    let new = token_in(resent["sms"][1]["body"].as_str().unwrap());
    assert_ne!(new, old);
    assert_eq!(json(app.get(&format!("/api/v1/patient/assist/{old}"), None).await).await["state"], "expired");
    assert_eq!(app.accept(&old, None).await.status(), StatusCode::GONE);
    assert_eq!(app.accept(&new, None).await.status(), StatusCode::OK);
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent", "link_resent", "sms_sent", "consent_given"]);
}

#[tokio::test]
async fn photos_from_the_phone_land_in_the_case() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let jpeg = phone_jpeg(8, 6);
    assert_eq!(app.send(upload("snapshot", "regard_patient=nope", &jpeg)).await.status(), StatusCode::UNAUTHORIZED);

    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    let stored = app.send(upload("snapshot", &device, &jpeg)).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let photo = json(stored).await;
    assert_eq!(photo["content_type"], "image/jpeg");
    // Stored without the phone's metadata (its GPS position above all).
    assert!(photo["bytes"].as_u64().unwrap() < jpeg.len() as u64, "{photo}");

    let not_an_image = app.send(upload("photo", &device, b"%PDF-1.7 not an image")).await;
    assert_eq!(not_an_image.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad_source = app.send(upload("selfie", &device, &jpeg)).await;
    assert_eq!(bad_source.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_big = app.send(upload("photo", &device, &vec![0xff; regard_shared::assist::PHOTO_MAX_BYTES + 1])).await;
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let path = format!("/api/v1/assists/{id}/photos/{}", photo["id"].as_str().unwrap());
    let image = app.get(&path, Some(&cookie)).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(image.headers()[header::CACHE_CONTROL], "private, no-store");
    let shown = image.into_body().collect().await.unwrap().to_bytes();
    assert!(shown.starts_with(&[0xff, 0xd8]) && !contains(&shown, GPS_IN_EXIF), "a JPEG without its GPS position");
    assert_eq!(shown.len() as u64, photo["bytes"].as_u64().unwrap());
    let gp = app.login(GP).await;
    assert_eq!(app.get(&path, Some(&gp)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&path, Some(&device)).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.timeline(&cookie, id).await.last().unwrap(), "snapshot");
}

/// The first bytes of a WebM file as MediaRecorder writes it (EBML header, "webm" doc type).
const WEBM: &[u8] = &[0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm'];

fn clip(device: &str, bytes: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/v1/patient/assist/clips")
        .header(header::COOKIE, device)
        .header(header::CONTENT_TYPE, "video/webm")
        .body(Body::from(bytes))
        .unwrap()
}

#[tokio::test]
async fn short_clips_from_the_caller_land_in_the_case_within_limits() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();

    // Above the photo limit, below the clip limit: a clip may be larger than a photo.
    let mut bytes = WEBM.to_vec();
    bytes.resize(regard_shared::assist::PHOTO_MAX_BYTES + 1, 0);
    let stored = app.send(clip(&device, bytes.clone())).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let stored = json(stored).await;
    assert_eq!((stored["content_type"].as_str(), stored["source"].as_str()), (Some("video/webm"), Some("clip")));
    let path = format!("/api/v1/assists/{id}/photos/{}", stored["id"].as_str().unwrap());
    let video = app.get(&path, Some(&cookie)).await;
    assert_eq!(video.headers()[header::CONTENT_TYPE], "video/webm");
    assert_eq!(video.into_body().collect().await.unwrap().to_bytes().len(), bytes.len());
    assert_eq!(app.timeline(&cookie, id).await.last().unwrap(), "clip");

    let renamed = app.send(clip(&device, phone_jpeg(2, 2))).await;
    assert_eq!(renamed.status(), StatusCode::UNPROCESSABLE_ENTITY, "a photo is not a clip");
    assert_eq!(json(renamed).await["field"], "clip");
    let mut huge = WEBM.to_vec();
    huge.resize(regard_shared::assist::CLIP_MAX_BYTES + 1, 0);
    assert_eq!(app.send(clip(&device, huge)).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.send(clip("regard_patient=nope", WEBM.to_vec())).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_decision_is_recorded_and_the_timeline_cannot_be_rewritten() {
    let app = TestApp::new().await;
    let (cookie, case, _) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let path = format!("/api/v1/assists/{id}/decision");
    let bad = app.post_json(&path, Some(&cookie), json!({"outcome": "teleportation"})).await;
    assert!(bad.status().is_client_error());
    let decided =
        app.post_json(&path, Some(&cookie), json!({"outcome": "ambulance", "note": "Suspected fracture"})).await;
    assert_eq!(decided.status(), StatusCode::OK);
    let case = json(decided).await;
    assert_eq!(case["summary"]["outcome"], "ambulance");
    assert_eq!(case["decision_note"], "Suspected fracture");
    assert_eq!(case["timeline"].as_array().unwrap().last().unwrap()["detail"], "ambulance: Suspected fracture");

    for statement in ["UPDATE assist_events SET detail = 'forged'", "DELETE FROM assist_events"] {
        let result = sqlx::query(statement).execute(&app.state.db).await;
        assert!(result.unwrap_err().to_string().contains("append-only"), "{statement}");
    }
    assert_eq!(app.timeline(&cookie, id).await, ["created", "sms_sent", "decision"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_caller_shares_a_position() {
    let app = TestApp::new().await;
    let (cookie, case, token) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let here = json!({"latitude": 48.6924, "longitude": 6.1844, "accuracy_m": 25.0});
    let anonymous = app.post_json("/api/v1/patient/assist/location", None, here.clone()).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    let nowhere = json!({"latitude": 148.0, "longitude": 6.1844, "accuracy_m": 25.0});
    let refused = app.post_json("/api/v1/patient/assist/location", Some(&device), nowhere).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let shared = app.post_json("/api/v1/patient/assist/location", Some(&device), here).await;
    assert_eq!(shared.status(), StatusCode::NO_CONTENT);
    let case = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await;
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "location");
    assert_eq!(last["detail"], "48.692400, 6.184400 ±25 m");

    // A burst of 300 reports: a few land, the rest are refused in words.
    let here = json!({"latitude": 48.6924, "longitude": 6.1844, "accuracy_m": 25.0});
    let report = |_| request(Method::POST, "/api/v1/patient/assist/location", Some(&device), Some(here.clone()));
    let burst = (0..300).map(report).collect();
    let statuses: Vec<u16> = app.at_once(burst).await.iter().map(|r| r.status().as_u16()).collect();
    let landed = statuses.iter().filter(|s| **s == 204).count();
    assert_eq!(landed, 5, "six a minute, one already sent: {statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 295);
    let timeline = app.timeline(&cookie, id).await;
    assert_eq!(timeline.iter().filter(|k| *k == "location").count(), 6);
}

#[tokio::test]
async fn usage_counts_assists_video_and_outcomes() {
    let app = TestApp::new().await;
    let (cookie, case, _) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    app.post_json(&format!("/api/v1/assists/{id}/decision"), Some(&cookie), json!({"outcome": "smur"})).await;
    app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "0700000000"})).await;
    let usage = json(app.get("/api/v1/assists/usage", Some(&cookie)).await).await;
    assert_eq!(usage.as_array().unwrap().len(), 1);
    assert_eq!(usage[0]["assists"], 2);
    assert_eq!(usage[0]["reached_video"], 0);
    assert_eq!(usage[0]["outcomes"], json!({"smur": 1}));
    // Video reached twice on one case counts once.
    for kind in [EventKind::CallStarted, EventKind::CallEnded, EventKind::CallStarted] {
        assist::store::record(&app.state.db, id, kind, "", None).await.unwrap();
    }
    // Regulators revising the decision at once: the case counts under one outcome, the last one.
    let decide = |outcome: &str| {
        request(
            Method::POST,
            &format!("/api/v1/assists/{id}/decision"),
            Some(&cookie),
            Some(json!({"outcome": outcome})),
        )
    };
    let outcomes = ["ambulance", "gp", "firefighters", "other", "medical_advice", "ambulance", "gp", "smur"];
    let answers = app.at_once(outcomes.iter().map(|o| decide(o)).collect()).await;
    assert!(answers.iter().all(|a| a.status() == StatusCode::OK));
    let last = json(app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await).await["summary"]["outcome"].clone();
    let usage = json(app.get("/api/v1/assists/usage", Some(&cookie)).await).await;
    assert_eq!(usage[0]["reached_video"], 1);
    assert_eq!(usage[0]["outcomes"], json!({last.as_str().unwrap(): 1}));
    let gp = app.login(GP).await;
    assert_eq!(app.get("/api/v1/assists/usage", Some(&gp)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reading_a_case_is_logged() {
    let app = TestApp::new().await;
    let (cookie, case, _) = app.start_assist().await;
    let id = case["summary"]["id"].as_str().unwrap();
    let count = || async {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM access_log WHERE subject = 'assist' AND subject_id = $1 AND action = 'view'",
        )
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
        n
    };
    assert_eq!(count().await, 0);
    app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await;
    app.get(&format!("/api/v1/assists/{id}"), Some(&cookie)).await;
    assert_eq!(count().await, 1, "a refresh within minutes is the same look");
    // A refused read leaves no trace of access, because there was none.
    let gp = app.login(GP).await;
    app.get(&format!("/api/v1/assists/{id}"), Some(&gp)).await;
    assert_eq!(count().await, 1);
    let tamper = sqlx::query("DELETE FROM access_log").execute(&app.state.db).await;
    assert!(tamper.unwrap_err().to_string().contains("append-only"));
}

#[tokio::test]
async fn a_case_holds_a_bounded_number_of_photos() {
    let app = TestApp::new().await;
    let (_, _, token) = app.start_assist().await;
    let device = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    let jpeg = phone_jpeg(2, 2);
    for i in 0..200 {
        assert_eq!(app.send(upload("photo", &device, &jpeg)).await.status(), StatusCode::CREATED, "photo {i}");
    }
    let refused = app.send(upload("photo", &device, &jpeg)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(refused).await["field"], "photo");
}

/// A year of cases does not fit one answer: pages of the list, walked while
/// new cases keep arriving, show every case once.
#[tokio::test]
async fn the_list_of_cases_is_paged_without_losing_or_repeating_one() {
    let app = TestApp::new().await;
    let cookie = app.login(REGULATOR).await;
    let create = || async {
        let created = app.post_json("/api/v1/assists", Some(&cookie), json!({"phone": "06 12 34 56 78"})).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        json(created).await["summary"]["id"].as_str().unwrap().to_owned()
    };
    let mut before = Vec::new();
    for _ in 0..7 {
        before.push(create().await);
    }
    let first = json(app.get("/api/v1/assists", Some(&cookie)).await).await;
    assert_eq!((first["total"].as_u64(), first["next"].as_str()), (Some(7), None), "one page of 50 holds 7");
    let seen = common::walk_pages(&app, &cookie, "/api/v1/assists", 3, || async {
        create().await;
    })
    .await;
    common::assert_each_once(&seen, &before);
    assert_eq!(seen[..3], [before[6].clone(), before[5].clone(), before[4].clone()], "newest first");
}
