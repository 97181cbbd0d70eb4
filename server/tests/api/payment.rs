//! Payment: tiers payant records one insurance claim per consultation, which
//! the practice exports as CSV for its billing software.

use crate::common;
use crate::common::consultation::entered;
use crate::common::*;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn ending_a_tiers_payant_consultation_records_one_claim_exported_as_csv() {
    let app = TestApp::new().await;
    let (gp, id, device) = entered(&app).await;
    // Before the end, there is no receipt to give.
    let early = app.get(&format!("/api/v1/consultations/{id}/receipt"), Some(&gp)).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);
    let before = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    assert_eq!(before["payment"]["mode"], "tiers_payant");
    assert_eq!(before["payment"]["status"], "pending");
    assert_eq!(before["payment"]["amount_cents"], 3000);

    // Ending twice (a double click, a retry) still makes one claim.
    for _ in 0..2 {
        let ended = app.post_json(&format!("/api/v1/consultations/{id}/end"), Some(&gp), json!({})).await;
        assert_eq!(ended.status(), StatusCode::OK);
    }
    let after = json(app.get(&format!("/api/v1/consultations/{id}"), Some(&gp)).await).await;
    assert_eq!(after["payment"]["status"], "paid");
    let claim = after["payment"]["claim_id"].as_str().unwrap().to_owned();
    // The patient sees that there is nothing to pay, and gets a receipt saying so.
    let mine = json(app.get("/api/v1/patient/consultation", Some(&device)).await).await;
    assert_eq!(mine["payment"]["status"], "paid");
    let receipt = app.get("/api/v1/patient/consultation/receipt", Some(&device)).await;
    assert_eq!(receipt.headers()["content-type"], "application/pdf");
    let pdf = http_body_util::BodyExt::collect(receipt.into_body()).await.unwrap().to_bytes();
    assert!(pdf.starts_with(b"%PDF-"));
    let receipt = common::pdf_text(&pdf);
    assert!(receipt.contains("Patient : Marie DUPONT"), "the patient is on the receipt");
    assert!(receipt.contains("Acte : TCG – 30,00 €"), "the act code is on the receipt");

    let now = regard_server::db::now_ms();
    let export =
        app.get(&format!("/api/v1/claims/export?from={}&to={}", now - 86_400_000, now + 86_400_000), Some(&gp)).await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(export.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = text(export).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("claim_id;act_date;act_code;amount_eur;"));
    let fields: Vec<&str> = lines[1].split(';').collect();
    assert_eq!(fields[0], claim);
    assert_eq!(&fields[2..7], ["TCG", "30,00", "Dupont", "Marie", "1958-03-14"]);
    assert_eq!(fields[7], "Dr Paul Durand");

    // Other organisations do not export this practice's claims.
    let regulator = app.login(REGULATOR).await;
    let year_ago = now - 365 * 86_400_000;
    let refused = app.get(&format!("/api/v1/claims/export?from={year_ago}&to={now}"), Some(&regulator)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let too_long =
        app.get(&format!("/api/v1/claims/export?from={}&to={now}", year_ago - 2 * 86_400_000), Some(&gp)).await;
    assert_eq!(json(too_long).await["field"], "to");
}

#[tokio::test]
async fn a_fee_out_of_range_is_refused() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let mut body = common::consultation::appointment();
    body["fee_cents"] = json!(-1);
    assert_eq!(json(app.post_json("/api/v1/consultations", Some(&gp), body).await).await["field"], "fee_cents");
    // Card payment needs a provider, which this build does not have yet: refused, not left hanging.
    let mut card = common::consultation::appointment();
    card["payment_mode"] = json!("card");
    assert_eq!(json(app.post_json("/api/v1/consultations", Some(&gp), card).await).await["field"], "payment_mode");
}

/// Ends sent together (two tabs, a retry racing the first click), as the
/// database sees them on either backend: every one answered, one claim.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ends_sent_at_once_record_one_claim() {
    let app = TestApp::new().await;
    let (gp, id, _device) = entered(&app).await;
    let path = format!("/api/v1/consultations/{id}/end");
    let ends = (0..8).map(|_| request(Method::POST, &path, Some(&gp), Some(json!({})))).collect();
    let statuses: Vec<u16> = app.at_once(ends).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses, [200; 8]);
    let (claims,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM insurance_claims WHERE consultation_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(claims, 1);
}
