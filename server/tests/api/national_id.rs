//! A clinician's RPPS or ADELI number: recorded by their organisation's
//! administrator, printed on their prescriptions and covered by the signature.

use crate::common;
use crate::common::consultation::entered;
use crate::common::*;
use axum::http::{Method, StatusCode};
use regard_shared::{OrganisationKind, Role};
use serde_json::{json, Value};

const PRACTICE: &str = "Cabinet médical du Parc";
const PHARMACIST: &str = "pharmacien@demo.regard.fr";

async fn set(app: &TestApp, admin: &str, organisation: &str, member: &str, typed: Value) -> (StatusCode, Value) {
    let path = format!("/api/v1/organisations/{organisation}/members/{member}/national-id");
    let answer = app.send(request(Method::PUT, &path, Some(admin), Some(json!({"national_id": typed})))).await;
    (answer.status(), json(answer).await)
}

#[tokio::test]
async fn an_administrator_records_a_members_rpps_which_their_prescriptions_carry_signed() {
    let app = TestApp::new().await;
    let admin = member(&app, PRACTICE, OrganisationKind::GpPractice, "admin@cabinet-parc.fr", Role::Admin).await;
    let organisation = app.organisation_of(&admin).await;
    let members = json(app.get(&format!("/api/v1/organisations/{organisation}/members"), Some(&admin)).await).await;
    let gp = members
        .as_array()
        .unwrap_or_else(|| panic!("{members}"))
        .iter()
        .find(|m| m["email"] == GP)
        .unwrap_or_else(|| panic!("{members}"));
    // The demo doctor has one already.
    assert_eq!(gp["national_id"], "810002345675");
    let gp = gp["id"].as_str().unwrap().to_owned();

    // A mistyped digit breaks the RPPS key; a colleague's number is theirs.
    let (status, refused) = set(&app, &admin, &organisation, &gp, json!("10005678909")).await;
    assert_eq!((status, refused["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("national_id")));
    let (status, _) = set(&app, &admin, &organisation, &gp, json!("10001234565")).await;
    assert_eq!(status, StatusCode::CONFLICT, "the demo regulator's RPPS");
    // Another organisation's administrator cannot touch it.
    let samu_admin = app.login(ADMIN).await;
    let (status, _) = set(&app, &samu_admin, &organisation, &gp, json!("10005678908")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Typed as printed on a card, stored as the national identifier.
    let (status, recorded) = set(&app, &admin, &organisation, &gp, json!(" 100 056 789 08 ")).await;
    assert_eq!((status, recorded), (StatusCode::OK, json!("810005678908")));
    assert_eq!(events_of(&app, &admin, "Dr Paul Durand").await[0], "national_id_changed");

    let (cookie, consultation, device) = entered(&app).await;
    let line = json!({"medicine": "Amoxicilline 1 g", "dosage": "1 matin et soir", "duration": "6 jours", "quantity": "1 boîte"});
    let issued = app
        .post_json(
            &format!("/api/v1/consultations/{consultation}/prescriptions"),
            Some(&cookie),
            json!({"lines": [line]}),
        )
        .await;
    let rx = json(issued).await["id"].as_str().unwrap().to_owned();
    let pdf = app.get(&format!("/api/v1/patient/consultation/prescriptions/{rx}/pdf"), Some(&device)).await;
    let text = common::pdf_text(&common::bytes(pdf).await);
    assert!(text.contains("Dr Paul Durand") && text.contains("RPPS 10005678908"), "{text}");
    let pharmacist = app.login(PHARMACIST).await;
    let checked = json(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
    assert_eq!(checked["signature_valid"], true);
    assert_eq!(checked["prescription"]["prescriber_national_id"], "810005678908");

    // Cleared: later prescriptions carry none, the one signed with it keeps it.
    let (status, cleared) = set(&app, &admin, &organisation, &gp, Value::Null).await;
    assert_eq!((status, cleared), (StatusCode::OK, Value::Null));
    let checked = json(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
    assert_eq!(
        (checked["signature_valid"].clone(), checked["prescription"]["prescriber_national_id"].clone()),
        (json!(true), json!("810005678908"))
    );
}

#[tokio::test]
async fn adeli_numbers_and_unknown_members() {
    let app = TestApp::new().await;
    let admin = app.login(ADMIN).await;
    let organisation = app.organisation_of(&admin).await;
    let colleague =
        member(&app, "SAMU 54 – Centre 15 de Nancy", OrganisationKind::SamuCentre, "arm@samu54.fr", Role::Regulator)
            .await;
    let me = json(app.get("/api/v1/auth/me", Some(&colleague)).await).await;
    let id = me["user"]["id"].as_str().unwrap();
    let (status, recorded) = set(&app, &admin, &organisation, id, json!("2A 123 456 7")).await;
    assert_eq!((status, recorded), (StatusCode::OK, json!("02A1234567")));
    let (status, _) = set(&app, &admin, &organisation, "no-such-member", json!("751234567")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for typed in ["1234", "ABCDEFGHIJK", "١٠٠٠٥٦٧٨٩٠٨"] {
        let (status, _) = set(&app, &admin, &organisation, id, json!(typed)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
    }
}
