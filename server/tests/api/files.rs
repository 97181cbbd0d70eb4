//! Stored files: a file shared by records of different kinds stays until its
//! last owner goes, a refused upload writes nothing, and images are checked
//! before anything decodes them.

use crate::common::consultation;
use crate::common::monitoring::joined;
use crate::common::*;
use axum::http::StatusCode;
use regard_server::db::now_ms;
use regard_server::monitoring::scheduler;
use serde_json::json;

/// Files in the data directory's blob store, counted on disk.
fn files_on_disk(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map_or(0, |entries| entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
    }
    walk(&app.data_dir().join("blobs"))
}

#[tokio::test]
async fn purging_a_follow_up_keeps_a_file_a_tele_expertise_request_also_holds() {
    let app = TestApp::new().await;
    let same_bytes = png(12, 9);
    let (gp, followup, phone) = joined(&app, "post-op-wound").await;
    let file = post_bytes(&app, "/api/v1/expertise/files?name=lesion.png", &gp, same_bytes.clone()).await;
    assert_eq!(file.status(), StatusCode::CREATED);
    let file = json(file).await["id"].as_str().unwrap().to_owned();
    let photo = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, same_bytes.clone()).await;
    assert_eq!(photo.status(), StatusCode::CREATED);
    assert_eq!(files_on_disk(&app), 1, "the same bytes are stored once");

    let stopped = app.post_json("/api/v1/patient/followup/stop", Some(&phone), json!({})).await;
    assert_eq!(stopped.status(), StatusCode::OK);
    let round = scheduler::round(&app.state, now_ms()).await.unwrap();
    assert_eq!(round.purged, 1);
    let gone: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_photos WHERE followup_id = $1")
        .bind(&followup)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(gone.0, 0);

    for what in ["preview", "original"] {
        let shown = app.get(&format!("/api/v1/expertise/files/{file}/{what}"), Some(&gp)).await;
        assert_eq!(shown.status(), StatusCode::OK, "the expertise {what} survives the follow-up's deletion");
        assert_eq!(bytes(shown).await, same_bytes);
    }
    assert_eq!(files_on_disk(&app), 1);
}

#[tokio::test]
async fn refused_uploads_leave_no_file_behind() {
    let app = TestApp::new().await;
    let (_, consultation, device) = consultation::entered(&app).await;
    let path = "/api/v1/patient/consultation/documents?name=scan.png";
    for i in 0..regard_shared::consultation::MAX_DOCUMENTS as u32 {
        let sent = post_bytes(&app, path, &device, png(2, 2 + i)).await;
        assert_eq!(sent.status(), StatusCode::CREATED, "document {i}");
    }
    let before = files_on_disk(&app);
    for i in 0..10 {
        let refused = post_bytes(&app, path, &device, png(3, 2 + i)).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
    }
    assert_eq!(files_on_disk(&app), before, "ten refused documents, no new file ({consultation})");

    let (_, _, phone) = joined(&app, "post-op-wound").await;
    for i in 0..100 {
        let sent = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, png(4, 2 + i)).await;
        assert_eq!(sent.status(), StatusCode::CREATED, "photo {i}");
    }
    let before = files_on_disk(&app);
    for i in 0..10 {
        let refused = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, png(5, 2 + i)).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
    }
    assert_eq!(files_on_disk(&app), before, "ten refused photos, no new file");
}

/// 65 bytes that announce a 100 000 × 100 000 PNG.
fn announced_giant() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&100_000u32.to_be_bytes());
    bytes.extend_from_slice(&100_000u32.to_be_bytes());
    bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0x9e, 0x1c, 0x3a, 0x4b]);
    bytes.extend_from_slice(b"\0\0\0\0IEND\xaeB`\x82\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    bytes.truncate(65);
    bytes
}

#[tokio::test]
async fn an_image_announcing_too_many_pixels_is_refused_everywhere() {
    let app = TestApp::new().await;
    let (_, _, token) = app.start_assist().await;
    let caller = cookie_named(&app.accept(&token, None).await, "regard_patient").unwrap();
    let (gp, _, patient) = consultation::entered(&app).await;
    let (_, _, phone) = joined(&app, "post-op-wound").await;
    for (path, cookie) in [
        ("/api/v1/patient/assist/photos?source=photo", &caller),
        ("/api/v1/patient/consultation/documents?name=x.png", &patient),
        ("/api/v1/patient/followup/photos", &phone),
        ("/api/v1/expertise/files?name=x.png", &gp),
    ] {
        let refused = post_bytes(&app, path, cookie, announced_giant()).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let body = json(refused).await;
        assert_eq!(body["field"], "dimensions", "{path}: {body}");
    }
    assert_eq!(files_on_disk(&app), 0);
}

#[tokio::test]
async fn photos_lose_their_gps_position_before_they_are_stored() {
    let app = TestApp::new().await;
    let (gp, id, phone) = joined(&app, "post-op-wound").await;
    let sent = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, phone_jpeg(16, 12)).await;
    let photo = json(sent).await["id"].as_str().unwrap().to_owned();
    let shown = bytes(app.get(&format!("/api/v1/followups/{id}/photos/{photo}"), Some(&gp)).await).await;
    assert!(shown.starts_with(&[0xff, 0xd8]), "still a JPEG");
    assert!(!contains(&shown, GPS_IN_EXIF), "no GPS position on the server");
    assert!(image::load_from_memory(&shown).is_ok(), "and still a photo that decodes");
}
