//! Nursing homes: residents kept by the home, calls that ring in the linked SAMU
//! centre until a regulator takes them, and the decision back in the resident's history.

use crate::common;
use crate::common::{json, member, TestApp, REGULATOR};
use axum::http::{Method, StatusCode};
use regard_shared::{OrganisationKind, Role};
use serde_json::json;

const NURSE: &str = "infirmiere@demo.regard.fr";

async fn resident_named(app: &TestApp, nurse: &str, search: &str) -> String {
    let found = json(app.get(&format!("/api/v1/residents?q={search}"), Some(nurse)).await).await;
    found[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_nurse_calls_the_samu_about_a_resident_and_sees_the_decision() {
    let app = TestApp::new().await;
    let nurse = app.login(NURSE).await;

    let all = json(app.get("/api/v1/residents", Some(&nurse)).await).await;
    let names: Vec<&str> = all.as_array().unwrap().iter().map(|r| r["last_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Lambert", "Moreau", "Rousseau"]);
    let by_room = json(app.get("/api/v1/residents?q=7b", Some(&nurse)).await).await;
    assert_eq!(by_room[0]["last_name"], "Lambert");
    let by_first_name = json(app.get("/api/v1/residents?q=jeanne%20mor", Some(&nurse)).await).await;
    assert_eq!(by_first_name.as_array().unwrap().len(), 1);
    let wildcard = json(app.get("/api/v1/residents?q=%25", Some(&nurse)).await).await;
    assert!(wildcard.as_array().unwrap().is_empty(), "a typed % matches only a %");

    let no_room = json!({"last_name": "Petit", "first_name": "Louise", "birth_date": "1931-03-03", "room": " "});
    let refused = app.post_json("/api/v1/residents", Some(&nurse), no_room).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(refused).await["field"], "room");
    let louise = json!({"last_name": "Petit", "first_name": "Louise", "birth_date": "1931-03-03", "room": "3"});
    assert_eq!(app.post_json("/api/v1/residents", Some(&nurse), louise).await.status(), StatusCode::CREATED);

    let jeanne = resident_named(&app, &nurse, "moreau").await;
    let empty = app.post_json(&format!("/api/v1/residents/{jeanne}/calls"), Some(&nurse), json!({"reason": ""})).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "Chute dans la chambre, douleur de hanche";
    let placed =
        app.post_json(&format!("/api/v1/residents/{jeanne}/calls"), Some(&nurse), json!({"reason": reason})).await;
    assert_eq!(placed.status(), StatusCode::CREATED);
    let placed = json(placed).await;
    let assist = placed["assist_id"].as_str().unwrap();
    let token = placed["caller_path"].as_str().unwrap().strip_prefix("/v/").unwrap();
    // The tablet opens the same caller page as a phone, without a text message.
    let link = json(app.get(&format!("/api/v1/patient/assist/{token}"), None).await).await;
    assert_eq!(
        (link["state"].as_str(), link["organisation"].as_str()),
        (Some("valid"), Some("SAMU 54 – Centre 15 de Nancy"))
    );
    let (texts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sms_messages").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(texts, 0);

    let regulator = app.login(REGULATOR).await;
    let ringing = json(app.get("/api/v1/assists/ringing", Some(&regulator)).await).await;
    assert_eq!(ringing.as_array().unwrap().len(), 1);
    assert_eq!(ringing[0]["resident_name"], "Jeanne Moreau");
    assert_eq!(ringing[0]["nursing_home"], "EHPAD Les Tilleuls");
    assert_eq!((ringing[0]["room"].as_str(), ringing[0]["reason"].as_str()), (Some("12"), Some(reason)));
    let history = json(app.get(&format!("/api/v1/residents/{jeanne}"), Some(&nurse)).await).await;
    assert_eq!(history["calls"][0]["status"], "ringing");

    let cases = json(app.get("/api/v1/assists", Some(&regulator)).await).await;
    assert_eq!(cases["items"][0]["phone"], "EHPAD Les Tilleuls", "the list names the home that called");
    let colleague =
        member(&app, "SAMU 54 – Centre 15 de Nancy", OrganisationKind::SamuCentre, "r2@samu54.fr", Role::Regulator)
            .await;
    let taken = app.post_json(&format!("/api/v1/assists/{assist}/take"), Some(&regulator), json!({})).await;
    assert_eq!(taken.status(), StatusCode::OK);
    assert_eq!(json(taken).await["call"]["birth_date"], "1934-05-12");
    let resend = app.post_json(&format!("/api/v1/assists/{assist}/resend"), Some(&regulator), json!({})).await;
    assert_eq!(resend.status(), StatusCode::CONFLICT, "no number to text");
    let late = app.post_json(&format!("/api/v1/assists/{assist}/take"), Some(&colleague), json!({})).await;
    assert_eq!(late.status(), StatusCode::CONFLICT, "one regulator takes a call");
    assert!(json(app.get("/api/v1/assists/ringing", Some(&colleague)).await).await.as_array().unwrap().is_empty());

    // A call nobody took within the hour stops ringing (the home has dialled 15 by then).
    let again =
        app.post_json(&format!("/api/v1/residents/{jeanne}/calls"), Some(&nurse), json!({"reason": "Fièvre"})).await;
    let again = json(again).await["assist_id"].as_str().unwrap().to_owned();
    assert_eq!(json(app.get("/api/v1/assists/ringing", Some(&colleague)).await).await.as_array().unwrap().len(), 1);
    sqlx::query("UPDATE assists SET created_at = created_at - 3600001 WHERE id = $1")
        .bind(&again)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert!(json(app.get("/api/v1/assists/ringing", Some(&colleague)).await).await.as_array().unwrap().is_empty());
    let (_, texted, _) = app.start_assist().await;
    let texted = texted["summary"]["id"].as_str().unwrap().to_owned();
    let not_a_call = app.post_json(&format!("/api/v1/assists/{texted}/take"), Some(&regulator), json!({})).await;
    assert_eq!(not_a_call.status(), StatusCode::CONFLICT);

    let decision = json!({"outcome": "gp", "note": "Pas de fracture évidente, visite du médecin traitant ce soir"});
    let decided = app.post_json(&format!("/api/v1/assists/{assist}/decision"), Some(&regulator), decision).await;
    let timeline: Vec<String> = json(decided).await["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(timeline, ["requested", "link_opened", "taken", "decision"]);

    let history = json(app.get(&format!("/api/v1/residents/{jeanne}"), Some(&nurse)).await).await;
    let call = &history["calls"][0];
    assert_eq!((call["status"].as_str(), call["outcome"].as_str()), (Some("decided"), Some("gp")));
    assert_eq!(call["regulator"], "Dr Claire Martin");
    assert_eq!(call["decision_note"], "Pas de fracture évidente, visite du médecin traitant ce soir");
    assert_eq!(call["requested_by"], "Sophie Bernard");
    let (views,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM access_log WHERE subject = 'resident' AND subject_id = $1 AND action = 'view'",
    )
    .bind(&jeanne)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(views, 1, "the nurse looked twice within minutes: one look in the access log");
}

#[tokio::test]
async fn residents_stay_inside_their_nursing_home() {
    let app = TestApp::new().await;
    let nurse = app.login(NURSE).await;
    let jeanne = resident_named(&app, &nurse, "moreau").await;
    let call = json!({"reason": "Malaise"});

    // Other roles have no residents, even in a linked SAMU centre.
    for email in [REGULATOR, common::GP] {
        let cookie = app.login(email).await;
        assert_eq!(app.get("/api/v1/residents", Some(&cookie)).await.status(), StatusCode::FORBIDDEN, "{email}");
        let path = format!("/api/v1/residents/{jeanne}/calls");
        assert_eq!(app.post_json(&path, Some(&cookie), call.clone()).await.status(), StatusCode::FORBIDDEN);
    }

    // A nurse of another home sees none of this one's residents, and its home,
    // linked to no SAMU centre yet, cannot call.
    let other = member(&app, "EHPAD Les Glycines", OrganisationKind::NursingHome, "ide@glycines.fr", Role::Nurse).await;
    assert!(json(app.get("/api/v1/residents", Some(&other)).await).await.as_array().unwrap().is_empty());
    assert_eq!(app.get(&format!("/api/v1/residents/{jeanne}"), Some(&other)).await.status(), StatusCode::FORBIDDEN);
    let path = format!("/api/v1/residents/{jeanne}/calls");
    assert_eq!(app.post_json(&path, Some(&other), call.clone()).await.status(), StatusCode::FORBIDDEN);
    let paul = json!({"last_name": "Simon", "first_name": "Paul", "birth_date": "1940-01-01", "room": "1"});
    let paul = json(app.post_json("/api/v1/residents", Some(&other), paul).await).await;
    let unlinked =
        app.post_json(&format!("/api/v1/residents/{}/calls", paul["id"].as_str().unwrap()), Some(&other), call).await;
    assert_eq!(unlinked.status(), StatusCode::CONFLICT);
    assert!(json(unlinked).await["message"].as_str().unwrap().contains("no SAMU centre"));

    let long = "x".repeat(101);
    assert_eq!(
        app.get(&format!("/api/v1/residents?q={long}"), Some(&nurse)).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Two regulators press "take" on one ringing call at the same moment: one
/// gets the call, the other is told in words that a colleague has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_regulators_taking_one_call_at_once_one_gets_it() {
    let app = TestApp::new().await;
    let nurse = app.login(NURSE).await;
    let jeanne = resident_named(&app, &nurse, "moreau").await;
    let placed =
        app.post_json(&format!("/api/v1/residents/{jeanne}/calls"), Some(&nurse), json!({"reason": "Chute"})).await;
    let assist = json(placed).await["assist_id"].as_str().unwrap().to_owned();
    let colleague =
        member(&app, "SAMU 54 – Centre 15 de Nancy", OrganisationKind::SamuCentre, "r2@samu54.fr", Role::Regulator)
            .await;
    let regulator = app.login(REGULATOR).await;
    let path = format!("/api/v1/assists/{assist}/take");
    let takes = [&regulator, &colleague].map(|c| common::request(Method::POST, &path, Some(c), Some(json!({}))));
    let [first, second]: [_; 2] = app.at_once(takes.into()).await.try_into().unwrap();
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let loser = if first.status() == StatusCode::CONFLICT { first } else { second };
    let refusal = json(loser).await;
    assert_eq!(refusal["code"], "conflict");
    assert_eq!(refusal["message"], "Another regulator has taken this call.");
}

/// A nurse types a name as it comes, accents in any case: the same residents
/// are found on either database backend.
#[tokio::test]
async fn a_resident_is_found_by_an_accented_name_in_any_case_with_or_without_accents() {
    let app = TestApp::new().await;
    let nurse = app.login(NURSE).await;
    let eloise = json!({"last_name": "Hébert", "first_name": "Éloïse", "birth_date": "1930-02-02", "room": "B2"});
    assert_eq!(app.post_json("/api/v1/residents", Some(&nurse), eloise).await.status(), StatusCode::CREATED);
    for typed in ["hébert", "HÉBERT", "éloïse héb", "b2", "hebert", "eloise heb", "ELOISE"] {
        let found = json(
            app.get(
                &format!(
                    "/api/v1/residents?q={}",
                    url::form_urlencoded::byte_serialize(typed.as_bytes()).collect::<String>()
                ),
                Some(&nurse),
            )
            .await,
        )
        .await;
        let names: Vec<&str> = found.as_array().unwrap().iter().map(|r| r["first_name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Éloïse"], "{typed}");
    }
}

/// A home's list is always whole: past the first 500 residents every one is
/// still listed, and the home's limit is said in words, even to two nurses
/// adding the last resident at once.
#[tokio::test]
async fn every_resident_is_listed_and_the_limit_is_kept_under_concurrency() {
    use regard_server::nursing_home::store::{self, RESIDENTS_MAX};
    use regard_shared::nursing_home::NewResident;
    let app = TestApp::new().await;
    let nurse = app.login(NURSE).await;
    let home = app.organisation_of(&nurse).await;
    // The demo home has 3 residents; fill it to one short of the limit.
    for n in 3..RESIDENTS_MAX - 1 {
        let resident = NewResident {
            last_name: format!("Résident {n:04}"),
            first_name: "Élodie".into(),
            birth_date: "1930-01-01".into(),
            room: format!("{n}"),
            gp_name: None,
        };
        store::create(&app.state.db, &home, &resident).await.unwrap();
    }
    let all = json(app.get("/api/v1/residents", Some(&nurse)).await).await;
    assert_eq!(all.as_array().unwrap().len() as i64, RESIDENTS_MAX - 1);
    let elodies = json(app.get("/api/v1/residents?q=elodie", Some(&nurse)).await).await;
    assert_eq!(elodies.as_array().unwrap().len() as i64, RESIDENTS_MAX - 4, "accents aside, every Élodie");
    let last = |room: &str| {
        let body = json!({"last_name": "Petit", "first_name": "Louise", "birth_date": "1931-03-03", "room": room});
        common::request(Method::POST, "/api/v1/residents", Some(&nurse), Some(body))
    };
    let statuses: Vec<StatusCode> = app.at_once(vec![last("A"), last("B")]).await.iter().map(|r| r.status()).collect();
    assert!(statuses.contains(&StatusCode::CREATED), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    let all = json(app.get("/api/v1/residents", Some(&nurse)).await).await;
    assert_eq!(all.as_array().unwrap().len() as i64, RESIDENTS_MAX);
}
