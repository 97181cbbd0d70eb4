//! Tele-monitoring through the HTTP API on a real SQLite file: enrolment and
//! joining, questionnaires stored exactly once, alerts, FHIR export, reminders
//! stopping, and deletion down to the files (the scheduler: monitoring_scheduler.rs).

use crate::common;
use crate::common::monitoring::{covid_answers, enrol, fall_due, join, joined, submission, texts_with, BIRTH_DATE};
use crate::common::{json, request, TestApp, ADMIN, GP, REGULATOR};
use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use regard_server::db::now_ms;
use regard_server::monitoring::scheduler;
use serde_json::json;

const FIRST: &str = "0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e5f";
const SECOND: &str = "1c8a4d2f-9a3b-4d66-8e1f-4b2c3d4e5f60";

async fn count(app: &TestApp, table: &str, followup_id: &str) -> i64 {
    let column = if table == "followups" { "id" } else { "followup_id" };
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    let (n,): (i64,) = sqlx::query_as(&sql).bind(followup_id).fetch_one(&app.state.db).await.unwrap();
    n
}

#[tokio::test]
async fn a_low_spo2_raises_a_red_alert_and_a_questionnaire_is_stored_once() {
    let app = TestApp::new().await;
    let (gp, followup, token) = enrol(&app, "covid-19").await;
    let id = followup["summary"]["id"].as_str().unwrap().to_owned();
    assert_eq!(followup["summary"]["status"], "invited");
    assert_eq!(followup["schedule"].as_array().unwrap().len(), 11, "days 1-8, 10, 12, 14");

    let shown = json(app.get(&format!("/api/v1/patient/followup-invitations/{token}"), None).await).await;
    assert_eq!(
        (shown["state"].as_str(), shown["protocol_title"].as_str()),
        (Some("valid"), Some("Suivi Covid-19 à domicile"))
    );
    let wrong = join(&app, &token, "1961-07-03").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(wrong).await["field"], "birth_date");
    let joined = join(&app, &token, BIRTH_DATE).await;
    assert_eq!(joined.status(), StatusCode::OK);
    let phone = common::cookie_named(&joined, "regard_followup").unwrap();
    let portal = json(joined).await;
    assert_eq!((portal["state"].as_str(), portal["open"].as_u64()), (Some("active"), Some(0)));

    // Out of range: refused with the question named, nothing stored.
    let mut hot = covid_answers(97);
    hot["temperature"]["value"] = json!(44.0);
    let refused = app.post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(FIRST, 0, hot)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(refused).await["message"].as_str().unwrap().starts_with("temperature: "));

    let body = submission(FIRST, 0, covid_answers(91));
    let stored = app.post_json("/api/v1/patient/followup/submissions", Some(&phone), body.clone()).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    // The phone sends it again (its answer was lost): same submission, nothing new.
    let again = app.post_json("/api/v1/patient/followup/submissions", Some(&phone), body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(json(again).await["id"], FIRST);
    assert_eq!(count(&app, "followup_submissions", &id).await, 1);
    let other = app
        .post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(SECOND, 0, covid_answers(97)))
        .await;
    assert_eq!(other.status(), StatusCode::CONFLICT, "a questionnaire is filled once");
    let early = app
        .post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(SECOND, 1, covid_answers(97)))
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT, "day 2 is not open yet");

    let detail = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
    assert_eq!(detail["summary"]["status"], "alert");
    assert_eq!(detail["alerts"][0]["level"], "red");
    assert_eq!(detail["alerts"][0]["message"], "Saturation en oxygène inférieure à 94 %");
    assert_eq!(detail["submissions"][0]["answers"]["spo2"]["value"], 91);
    let activity =
        json(app.get(&format!("/api/v1/followups/activity?since={}", now_ms() - 60_000), Some(&gp)).await).await;
    assert_eq!((activity["red_alerts"].as_u64(), activity["filled"][0]["day"].as_u64()), (Some(1), Some(1)));

    let alert = detail["alerts"][0]["id"].as_str().unwrap();
    let acked = app
        .post_json(
            &format!("/api/v1/followups/alerts/{alert}/acknowledge"),
            Some(&gp),
            json!({"note": "Appelée, SAMU prévenu"}),
        )
        .await;
    assert_eq!(json(acked).await[0]["note"], "Appelée, SAMU prévenu");
    assert_eq!(json(app.get("/api/v1/followups/alerts", Some(&gp)).await).await["total"], 0);

    let export = app.get(&format!("/api/v1/followups/{id}/fhir"), Some(&gp)).await;
    assert_eq!(export.headers()[header::CONTENT_TYPE], "application/fhir+json");
    let bundle = json(export).await;
    assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
    let kinds: Vec<&str> =
        bundle["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["Patient", "Questionnaire", "QuestionnaireResponse"]);
    assert_eq!(bundle["entry"][0]["resource"]["birthDate"], BIRTH_DATE);
    let response = &bundle["entry"][2]["resource"];
    assert_eq!(response["subject"]["reference"], bundle["entry"][0]["fullUrl"]);
    let spo2 = response["item"].as_array().unwrap().iter().find(|i| i["linkId"] == "spo2").unwrap();
    assert_eq!(spo2["answer"][0]["valueInteger"], 91);
}

#[tokio::test]
async fn only_the_organisation_sees_its_follow_ups() {
    let app = TestApp::new().await;
    let (_gp, id, _phone) = joined(&app, "covid-19").await;
    // A specialist may monitor patients, but not another organisation's.
    let specialist = app.login("specialiste@demo.regard.fr").await;
    assert_eq!(app.get(&format!("/api/v1/followups/{id}"), Some(&specialist)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&format!("/api/v1/followups/{id}/fhir"), Some(&specialist)).await.status(),
        StatusCode::FORBIDDEN
    );
    let theirs = json(app.get("/api/v1/followups", Some(&specialist)).await).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    assert_eq!(theirs["total"], 0);
    for role in [REGULATOR, ADMIN] {
        let cookie = app.login(role).await;
        assert_eq!(app.get("/api/v1/followups", Some(&cookie)).await.status(), StatusCode::FORBIDDEN);
    }
    // A consultation's device cookie does not open a follow-up (each has its own cookie).
    let (_, _, consultation_device) = common::consultation::entered(&app).await;
    let response = app.get("/api/v1/patient/followup", Some(&consultation_device)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn stopping_ends_reminders_and_the_purge_deletes_every_row_and_file() {
    let app = TestApp::new().await;
    let (gp, id, phone) = joined(&app, "post-op-wound").await;
    let upload = common::post_bytes(&app, "/api/v1/patient/followup/photos", &phone, common::png(3, 2)).await;
    let photo = json(upload).await["id"].as_str().unwrap().to_owned();
    let answers = json!({
        "pain": {"type": "integer", "value": 8},
        "temperature": {"type": "decimal", "value": 37.2},
        "redness": {"type": "boolean", "value": true},
        "discharge": {"type": "choice", "value": "clear"},
        "photo": {"type": "attachment", "value": photo},
    });
    let stored = app
        .post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(FIRST, 0, answers.clone()))
        .await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let image = app.get(&format!("/api/v1/followups/{id}/photos/{photo}"), Some(&gp)).await;
    assert_eq!(common::bytes(image).await, common::png(3, 2), "the GP sees the photo");
    let (blob,): (String,) = sqlx::query_as("SELECT blob FROM followup_photos WHERE id = $1")
        .bind(&photo)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(app.state.blobs.exists(&blob).await);

    let stopped = app.post_json("/api/v1/patient/followup/stop", Some(&phone), json!({})).await;
    assert_eq!(json(stopped).await["end_reason"], "stopped_by_patient");
    // A phone whose answer was lost before the stop still gets it, and nothing more is stored.
    let resent =
        app.post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(FIRST, 0, answers)).await;
    assert_eq!(resent.status(), StatusCode::OK);
    assert_eq!(count(&app, "followup_submissions", &id).await, 1);
    // Day 2 falls due after the stop: no reminder may leave.
    fall_due(&app, &id, 1).await;
    let round = scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!((round.reminders, round.purged), (0, 1));
    assert_eq!(texts_with(&app, "vous attend").await, 0);

    for table in [
        "followups",
        "followup_dues",
        "followup_submissions",
        "followup_photos",
        "followup_alerts",
        "followup_invitations",
        "sms_messages",
    ] {
        assert_eq!(count(&app, table, &id).await, 0, "{table} still holds rows of the follow-up");
    }
    assert!(!app.state.blobs.exists(&blob).await, "the photo file is deleted");
    let (logged,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM access_log WHERE subject_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(logged >= 1, "the access log keeps who looked");

    let receipt = json(app.get("/api/v1/patient/followup", Some(&phone)).await).await;
    assert_eq!(receipt["state"], "deleted");
    assert_eq!(
        (receipt["questionnaires"].as_u64(), receipt["photos"].as_u64(), receipt["alerts"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(texts_with(&app, "ont été effacées").await, 1, "the patient is told");
    let receipts = json(app.get("/api/v1/followups/receipts", Some(&gp)).await).await;
    assert_eq!(receipts["items"][0]["followup_id"], id.as_str());
    assert_eq!(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_protocol_file_is_imported_and_its_mistakes_are_located() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let file = include_str!("../../protocols/covid-19.json")
        .replace("\"covid-19\"", "\"asthme\"")
        .replace("Suivi Covid-19 à domicile", "Suivi asthme");
    let import = |body: String| {
        let gp = gp.clone();
        let app = &app;
        async move {
            let mut request = request(Method::POST, "/api/v1/protocols", Some(&gp), None);
            *request.body_mut() = Body::from(body);
            request.headers_mut().insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
            app.send(request).await
        }
    };
    let broken = import(file.replacen("\"linkId\": \"spo2\"", "\"linkId\": \"temperature\"", 1)).await;
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert!(json(broken).await["message"].as_str().unwrap().starts_with("questionnaire.item[1].linkId: "));
    // A translation into a language patients cannot read Regard in is located too.
    let german = import(file.replacen(
        "\"valueCode\": \"en\"}, {\"url\": \"content\", \"valueString\": \"Your temperature\"",
        "\"valueCode\": \"de\"}, {\"url\": \"content\", \"valueString\": \"Ihre Temperatur\"",
        1,
    ))
    .await;
    assert_eq!(german.status(), StatusCode::BAD_REQUEST);
    let message = json(german).await["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with("questionnaire.item[0]._text.extension[0].lang: "), "{message}");
    assert_eq!(import(file.clone()).await.status(), StatusCode::CREATED);
    assert_eq!(import(file.clone()).await.status(), StatusCode::CONFLICT, "same version twice");
    let shipped = include_str!("../../protocols/covid-19.json").to_owned();
    assert_eq!(import(shipped).await.status(), StatusCode::CONFLICT, "a shipped id");
    let list = json(app.get("/api/v1/protocols", Some(&gp)).await).await;
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["covid-19", "post-op-wound", "asthme"]);
    let mut enrolment = common::monitoring::enrolment("asthme");
    let response = app.post_json("/api/v1/followups", Some(&gp), enrolment.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    enrolment["protocol_id"] = json!("unknown");
    let response = app.post_json("/api/v1/followups", Some(&gp), enrolment).await;
    assert_eq!(json(response).await["field"], "protocol_id");
}

#[tokio::test]
async fn a_teleconsultation_starts_from_an_alert_with_the_patients_identity_and_reminder_channel() {
    let app = TestApp::new().await;
    let (gp, id, phone) = joined(&app, "covid-19").await;
    let body = submission(FIRST, 0, covid_answers(91));
    let stored = app.post_json("/api/v1/patient/followup/submissions", Some(&phone), body).await;
    assert_eq!(stored.status(), StatusCode::CREATED);

    // A nurse follows patients but holds no teleconsultation.
    let nurse = common::member(
        &app,
        &app.organisation_of(&gp).await,
        regard_shared::OrganisationKind::GpPractice,
        "infirmier.cabinet@example.org",
        regard_shared::Role::Nurse,
    )
    .await;
    let path = format!("/api/v1/followups/{id}/consultations");
    assert_eq!(app.post_json(&path, Some(&nurse), json!({})).await.status(), StatusCode::FORBIDDEN);

    let started = app.post_json(&path, Some(&gp), json!({})).await;
    assert_eq!(started.status(), StatusCode::CREATED);
    let consultation_id = json(started).await["id"].as_str().unwrap().to_owned();
    let consultation = json(app.get(&format!("/api/v1/consultations/{consultation_id}"), Some(&gp)).await).await;
    assert_eq!(consultation["summary"]["patient_name"], "Jeanne Moreau");
    assert_eq!(consultation["birth_date"], common::monitoring::BIRTH_DATE);
    assert_eq!(consultation["followup_id"], id.as_str());
    assert!(consultation["summary"]["reason"].as_str().unwrap().contains("Saturation en oxygène inférieure à 94 %"));
    // She chose text messages for her reminders: the invitation leaves that way only.
    let channels: Vec<_> =
        consultation["invitations"].as_array().unwrap().iter().map(|i| i["channel"].clone()).collect();
    assert_eq!(channels, vec![json!("sms")]);
    let followup = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
    assert_eq!(followup["consultations"][0]["id"], consultation_id.as_str());

    // Once the follow-up's data is deleted, the consultation stays and forgets it.
    app.post_json("/api/v1/patient/followup/stop", Some(&phone), json!({})).await;
    sqlx::query("UPDATE followups SET purge_at = 0 WHERE id = $1").bind(&id).execute(&app.state.db).await.unwrap();
    let round = scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!(round.purged, 1);
    let kept = json(app.get(&format!("/api/v1/consultations/{consultation_id}"), Some(&gp)).await).await;
    assert_eq!(
        (kept["summary"]["patient_name"].as_str(), kept["followup_id"].as_null()),
        (Some("Jeanne Moreau"), Some(()))
    );
    assert_eq!(app.post_json(&path, Some(&gp), json!({})).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_teleconsultation_accepted_on_the_follow_up_phone_keeps_the_follow_up_signed_in() {
    let app = TestApp::new().await;
    let (_, _, phone) = joined(&app, "covid-19").await;
    let (_, _, token) = common::consultation::schedule(&app).await;
    let entered = common::consultation::enter(&app, &token, common::consultation::BIRTH_DATE, Some(&phone)).await;
    assert_eq!(entered.status(), StatusCode::OK);
    let visit = common::cookie_named(&entered, "regard_patient").unwrap();
    // The phone now holds both: each page still reaches its own record.
    let both = format!("{phone}; {visit}");
    assert_eq!(app.get("/api/v1/patient/followup", Some(&both)).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/patient/consultation", Some(&both)).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_phone_that_joined_under_the_old_cookie_name_keeps_its_follow_up() {
    let app = TestApp::new().await;
    let (_, _, phone) = joined(&app, "covid-19").await;
    let (_, token) = phone.split_once('=').unwrap();
    let before_the_upgrade = format!("regard_patient={token}");
    assert_eq!(app.get("/api/v1/patient/followup", Some(&before_the_upgrade)).await.status(), StatusCode::OK);
    // Signing out ends it too.
    let out = app.post_json("/api/v1/patient/followup/sign-out", Some(&before_the_upgrade), json!({})).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/patient/followup", Some(&before_the_upgrade)).await.status(), StatusCode::UNAUTHORIZED);
    // A consultation's device under that name still opens no follow-up.
    let (_, _, visit) = common::consultation::entered(&app).await;
    assert_eq!(app.get("/api/v1/patient/followup", Some(&visit)).await.status(), StatusCode::UNAUTHORIZED);
}
