//! The expert site's on-call rota: an urgent request rings the specialist on
//! call at once, and the fallback once the set time has passed untaken; a
//! taken request rings no one; rotas are checked and kept to their site.

use crate::common::{json, member, request, stroke_request, TestApp, GP};
use axum::http::{Method, StatusCode};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

const ON_CALL: &str = "specialiste@demo.regard.fr";
const FALLBACK: &str = "neurologue@demo.regard.fr";

async fn put_rota(app: &TestApp, cookie: &str, body: Value) -> axum::http::Response<axum::body::Body> {
    app.send(request(Method::PUT, "/api/v1/expertise/on-call", Some(cookie), Some(body))).await
}

/// The site's specialists by name, as the rota page lists them.
async fn specialist_ids(app: &TestApp, cookie: &str) -> (String, String) {
    let on_call = json(app.get("/api/v1/expertise/on-call", Some(cookie)).await).await;
    let id = |name: &str| {
        on_call["specialists"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (id("Dr Inès Leroy"), id("Dr Marc Vidal"))
}

async fn ringing(app: &TestApp, cookie: &str) -> Value {
    let response = app.get("/api/v1/expertise/ringing", Some(cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    json(response).await
}

fn ids(ringing: &Value) -> Vec<&str> {
    ringing["now"].as_array().unwrap().iter().map(|r| r["request"]["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn an_urgent_request_rings_the_one_on_call_at_once_and_the_fallback_after_the_set_time() {
    let app = TestApp::new().await;
    let (gp, on_call, fallback) = (app.login(GP).await, app.login(ON_CALL).await, app.login(FALLBACK).await);
    let (leroy, vidal) = specialist_ids(&app, &on_call).await;
    let set = put_rota(
        &app,
        &on_call,
        json!({"specialty": "stroke", "on_call_id": leroy, "fallback_id": vidal,
        "escalate_after_minutes": 3}),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let rota = &json(set).await["rotas"][0];
    assert_eq!((&rota["on_call_name"], &rota["fallback_name"]), (&json!("Dr Inès Leroy"), &json!("Dr Marc Vidal")));

    let routine = stroke_request(&app, &gp, "routine").await;
    let urgent = stroke_request(&app, &gp, "urgent").await;
    let now = ringing(&app, &on_call).await;
    assert_eq!(ids(&now), [urgent.as_str()], "the urgent one, at once; a routine one waits in the queue");
    assert_eq!(now["now"][0]["as_fallback"], false);
    let later = ringing(&app, &fallback).await;
    assert!(ids(&later).is_empty(), "the fallback waits for the set time");
    let sent_at = now["now"][0]["request"]["submitted_at"].as_i64().unwrap();
    let wait = later["next_in_ms"].as_i64().unwrap();
    assert!((3 * 60_000 - 10_000..=3 * 60_000).contains(&wait), "asked again when its turn comes: {wait}");

    // The three minutes pass untaken.
    sqlx::query("UPDATE expertise_requests SET escalate_at = escalate_at - 180000 WHERE id = $1")
        .bind(&urgent)
        .execute(&app.state.db)
        .await
        .unwrap();
    let escalated = ringing(&app, &fallback).await;
    assert_eq!(ids(&escalated), [urgent.as_str()]);
    assert_eq!(escalated["now"][0]["as_fallback"], true);
    assert_eq!(escalated["next_in_ms"], Value::Null);
    assert_eq!(ids(&ringing(&app, &on_call).await), [urgent.as_str()], "still ringing the one on call");

    // The requester sees whom it rang; the fallback takes it; it rings no one.
    let detail = json(app.get(&format!("/api/v1/expertise/{urgent}"), Some(&gp)).await).await;
    assert_eq!(detail["rung"]["on_call"], "Dr Inès Leroy");
    assert_eq!(detail["rung"]["fallback"], "Dr Marc Vidal");
    let routine_detail = json(app.get(&format!("/api/v1/expertise/{routine}"), Some(&gp)).await).await;
    assert_eq!(routine_detail["rung"], Value::Null);
    let take = app
        .post_json(&format!("/api/v1/expertise/{urgent}/steps"), Some(&fallback), json!({"step": "take", "body": ""}))
        .await;
    assert_eq!(take.status(), StatusCode::OK);
    assert!(ids(&ringing(&app, &on_call).await).is_empty());
    assert!(ids(&ringing(&app, &fallback).await).is_empty());
    let detail = json(app.get(&format!("/api/v1/expertise/{urgent}"), Some(&gp)).await).await;
    assert_eq!(detail["expert"], "Dr Marc Vidal");
    let taken = detail["thread"].as_array().unwrap().iter().find(|m| m["step"] == "take").unwrap();
    assert!(taken["at"].as_i64().unwrap() >= sent_at, "who took it, and when");
}

#[tokio::test]
async fn a_request_keeps_whom_it_rang_when_the_rota_changes_and_a_site_without_rota_rings_no_one() {
    let app = TestApp::new().await;
    let (gp, on_call, fallback) = (app.login(GP).await, app.login(ON_CALL).await, app.login(FALLBACK).await);
    let (leroy, vidal) = specialist_ids(&app, &on_call).await;
    let rota = |on_call: &str, fallback: &str| json!({"specialty": "stroke", "on_call_id": on_call, "fallback_id": fallback, "escalate_after_minutes": 5});
    assert_eq!(put_rota(&app, &on_call, rota(&leroy, &vidal)).await.status(), StatusCode::OK);
    let first = stroke_request(&app, &gp, "urgent").await;
    // The shift changes: Dr Vidal on call from now on.
    assert_eq!(put_rota(&app, &fallback, rota(&vidal, &leroy)).await.status(), StatusCode::OK);
    let second = stroke_request(&app, &gp, "urgent").await;
    assert_eq!(ids(&ringing(&app, &on_call).await), [first.as_str()]);
    assert_eq!(ids(&ringing(&app, &fallback).await), [second.as_str()]);

    // Nobody on call: an urgent request is first in the queue, and rings no one.
    let cleared = put_rota(
        &app,
        &on_call,
        json!({"specialty": "stroke", "on_call_id": null, "fallback_id": null,
        "escalate_after_minutes": 5}),
    )
    .await;
    assert_eq!(json(cleared).await["rotas"], json!([]));
    let third = stroke_request(&app, &gp, "urgent").await;
    for cookie in [&on_call, &fallback] {
        assert!(!ids(&ringing(&app, cookie).await).contains(&third.as_str()));
    }
}

#[tokio::test]
async fn rotas_are_checked_and_kept_to_their_site() {
    let app = TestApp::new().await;
    let (gp, on_call) = (app.login(GP).await, app.login(ON_CALL).await);
    let (leroy, vidal) = specialist_ids(&app, &on_call).await;
    let reims = member(&app, "CHU de Reims", OrganisationKind::ExpertSite, "neuro@reims.fr", Role::Specialist).await;
    let (reims_id, _) = {
        let mine = json(app.get("/api/v1/expertise/on-call", Some(&reims)).await).await;
        assert_eq!(mine["rotas"], json!([]), "another site's rotas are not shown");
        (mine["specialists"][0]["id"].as_str().unwrap().to_owned(), ())
    };
    let rota = |on_call: &str, fallback: Option<&str>, minutes: u32| json!({"specialty": "stroke", "on_call_id": on_call, "fallback_id": fallback, "escalate_after_minutes": minutes});
    for (why, body, field) in [
        ("the same person twice", rota(&leroy, Some(&leroy), 5), "fallback_id"),
        ("no time at all", rota(&leroy, Some(&vidal), 0), "escalate_after_minutes"),
        ("someone of another site on call", rota(&reims_id, None, 5), "on_call_id"),
        ("someone of another site as fallback", rota(&leroy, Some(&reims_id), 5), "fallback_id"),
    ] {
        let refused = put_rota(&app, &on_call, body).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        assert_eq!(json(refused).await["field"], field, "{why}");
    }
    // Reims answers no stroke request: no rota for it.
    let refused = put_rota(&app, &reims, rota(&reims_id, None, 5)).await;
    assert_eq!(json(refused).await["field"], "specialty");
    // A GP neither keeps nor reads an expert site's rota, nor hears it ring.
    assert_eq!(app.get("/api/v1/expertise/on-call", Some(&gp)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(put_rota(&app, &gp, rota(&leroy, None, 5)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/expertise/ringing", Some(&gp)).await.status(), StatusCode::FORBIDDEN);
}
