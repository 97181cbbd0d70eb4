//! E-prescriptions: issued and signed during a consultation, downloaded by the
//! patient as a PDF, verified and dispensed once by a pharmacist.

use crate::common;
use crate::common::consultation::entered;
use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const PHARMACIST: &str = "pharmacien@demo.regard.fr";

fn line() -> Value {
    json!({"medicine": "Amlodipine 5 mg", "dosage": "1 comprimé le matin", "duration": "3 mois", "quantity": "3 boîtes"})
}

async fn bytes(response: axum::http::Response<axum::body::Body>) -> Vec<u8> {
    http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn issued_downloaded_verified_and_dispensed_once() {
    let app = TestApp::new().await;
    let (gp, id, device) = entered(&app).await;
    let issue = format!("/api/v1/consultations/{id}/prescriptions");
    let mut incomplete = line();
    incomplete["dosage"] = json!("");
    let refused = app.post_json(&issue, Some(&gp), json!({"lines": [incomplete]})).await;
    assert_eq!(json(refused).await["field"], "dosage");

    let issued = app.post_json(&issue, Some(&gp), json!({"lines": [line()]})).await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let rx = json(issued).await["id"].as_str().unwrap().to_owned();
    assert!(rx.starts_with("RX-") && rx.len() == 22, "{rx}");

    // The patient finds it in their consultation and downloads a real PDF holding the identifier.
    let mine = json(app.get("/api/v1/patient/consultation", Some(&device)).await).await;
    assert_eq!(mine["prescriptions"][0]["id"], rx.as_str());
    let pdf = app.get(&format!("/api/v1/patient/consultation/prescriptions/{rx}/pdf"), Some(&device)).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = bytes(pdf).await;
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(common::pdf_text(&pdf).contains(&format!("Identifiant : {rx}")));

    // Only pharmacists verify; they may type the identifier loosely.
    assert_eq!(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&gp)).await.status(), StatusCode::FORBIDDEN);
    let pharmacist = app.login(PHARMACIST).await;
    let typed = rx.to_lowercase().replace('-', " ");
    let checked =
        json(app.get(&format!("/api/v1/prescriptions/{}", typed.replace(' ', "%20")), Some(&pharmacist)).await).await;
    assert_eq!(checked["signature_valid"], true);
    assert_eq!(checked["prescription"]["patient_last_name"], "Dupont");
    assert_eq!(checked["prescription"]["lines"][0]["quantity"], "3 boîtes");
    assert!(checked["dispensed_at"].is_null());

    let dispense = format!("/api/v1/prescriptions/{rx}/dispense");
    let first = app.post_json(&dispense, Some(&pharmacist), json!({})).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first = json(first).await;
    assert_eq!(first["dispensed_by"], "Pharmacie de la Place");
    let again = app.post_json(&dispense, Some(&pharmacist), json!({})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    // The refusal leaves the first dispensing's date in place for the pharmacist to read.
    let after = json(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
    assert_eq!(after["dispensed_at"], first["dispensed_at"]);
}

#[tokio::test]
async fn a_tampered_prescription_no_longer_verifies_and_is_not_dispensed() {
    let app = TestApp::new().await;
    let (gp, id, _) = entered(&app).await;
    let issued = app
        .post_json(&format!("/api/v1/consultations/{id}/prescriptions"), Some(&gp), json!({"lines": [line()]}))
        .await;
    let rx = json(issued).await["id"].as_str().unwrap().to_owned();
    let pharmacist = app.login(PHARMACIST).await;
    for (from, to) in [("3 boîtes", "30 boîtes"), ("1958-03-14", "1985-03-14"), ("Dr Paul Durand", "Dr Paul Durant")]
    {
        let db = &app.state.db;
        let (original,): (String,) =
            sqlx::query_as("SELECT content FROM prescriptions WHERE id = $1").bind(&rx).fetch_one(db).await.unwrap();
        assert!(original.contains(from), "{from} in {original}");
        sqlx::query("UPDATE prescriptions SET content = $1 WHERE id = $2")
            .bind(original.replace(from, to))
            .bind(&rx)
            .execute(db)
            .await
            .unwrap();
        let checked = json(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
        assert_eq!(checked["signature_valid"], false, "changing {from} went unnoticed");
        let refused =
            app.post_json(&format!("/api/v1/prescriptions/{rx}/dispense"), Some(&pharmacist), json!({})).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
        sqlx::query("UPDATE prescriptions SET content = $1 WHERE id = $2")
            .bind(&original)
            .bind(&rx)
            .execute(db)
            .await
            .unwrap();
    }
    // Put back as signed, it verifies again.
    let checked = json(app.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
    assert_eq!(checked["signature_valid"], true);
}

#[tokio::test]
async fn prescriptions_stay_with_their_patient() {
    let app = TestApp::new().await;
    let (gp, id, _) = entered(&app).await;
    let issued = app
        .post_json(&format!("/api/v1/consultations/{id}/prescriptions"), Some(&gp), json!({"lines": [line()]}))
        .await;
    let rx = json(issued).await["id"].as_str().unwrap().to_owned();
    // Another patient's device, another practice, or no session: nothing.
    let (_, _, other_device) = entered(&app).await;
    let stolen = app.get(&format!("/api/v1/patient/consultation/prescriptions/{rx}/pdf"), Some(&other_device)).await;
    assert_eq!(stolen.status(), StatusCode::NOT_FOUND);
    let regulator = app.login(REGULATOR).await;
    let issue = app
        .post_json(&format!("/api/v1/consultations/{id}/prescriptions"), Some(&regulator), json!({"lines": [line()]}))
        .await;
    assert_eq!(issue.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/prescriptions/{rx}"), None).await.status(), StatusCode::UNAUTHORIZED);
    let pharmacist = app.login(PHARMACIST).await;
    assert_eq!(
        app.get("/api/v1/prescriptions/RX-0000-0000-0000-0000", Some(&pharmacist)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/v1/prescriptions/nonsense", Some(&pharmacist)).await.status(), StatusCode::NOT_FOUND);
}

#[test]
fn twenty_lines_for_a_vietnamese_name_are_all_printed_on_as_many_pages_as_needed() {
    use regard_shared::prescription::{Line, Prescription, MAX_LINES};
    let prescription = Prescription {
        id: "RX-ABCD-EFGH-JKMN-PQRS".into(),
        issued_at: 0,
        prescriber_name: "Dr Paul Durand".into(),
        prescriber_organisation: "Cabinet médical du Parc".into(),
        prescriber_national_id: Some("02A1234567".into()),
        patient_last_name: "Đặng".into(),
        patient_first_name: "Thị Ngọc Hân".into(),
        patient_birth_date: "1985-03-14".into(),
        lines: (1..=MAX_LINES)
            .map(|n| Line {
                medicine: format!("Médicament numéro {n} 500 mg"),
                dosage: format!("{n} comprimé(s) matin et soir, pendant le repas, avec un grand verre d'eau"),
                duration: "10 jours".into(),
                quantity: "1 boîte".into(),
                note: "Ne pas associer à l'aspirine ni aux anti-inflammatoires sans avis médical".into(),
            })
            .collect(),
    };
    let pdf = regard_server::prescription::pdf::render(&prescription, "22/11/2026", "https://regard.example.org/rx/X");
    let text = common::pdf_text(&pdf);
    assert!(text.contains("Patient : Thị Ngọc Hân ĐẶNG"), "{text}");
    assert!(text.contains("Né(e) le 14/03/1985"));
    assert!(text.contains("ADELI 2A1234567"));
    for n in 1..=MAX_LINES {
        assert!(text.contains(&format!("{n}. Médicament numéro {n} 500 mg")), "line {n} missing");
    }
    assert_eq!(text.matches("Ne pas associer à l'aspirine").count(), MAX_LINES, "every note, whole");
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 3, "twenty lines take several pages, not one: {pages}");
    assert!(text.contains(&format!("Ordonnance RX-ABCD-EFGH-JKMN-PQRS — Thị Ngọc Hân ĐẶNG — page 1/{pages}")));
    assert!(!text.contains('?'), "no letter replaced by a question mark");
}
