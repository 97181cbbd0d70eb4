//! Stored files whose bytes are in the database (`--blob-store database`), as
//! the nodes of a cluster keep them: each node serves what another stored, and
//! the bytes go when their last owner does, whichever node deletes it — even
//! when the node that began a deletion died before its files went.

use crate::common::monitoring::*;
use crate::common::*;
use axum::http::StatusCode;
use regard_server::db::now_ms;
use regard_server::monitoring::{purge, scheduler};
use serde_json::json;

/// Sends a photo from a follow-up's phone through `node`; returns its id.
async fn photo_through(node: &TestApp, phone: &str) -> String {
    let upload = post_bytes(node, "/api/v1/patient/followup/photos", phone, png(3, 2)).await;
    assert_eq!(upload.status(), StatusCode::CREATED);
    json(upload).await["id"].as_str().unwrap().to_owned()
}

async fn blob_of(node: &TestApp, photo: &str) -> String {
    let (blob,): (String,) = sqlx::query_as("SELECT blob FROM followup_photos WHERE id = $1")
        .bind(photo)
        .fetch_one(&node.state.db)
        .await
        .unwrap();
    blob
}

async fn stop(node: &TestApp, phone: &str) {
    let stopped = node.post_json("/api/v1/patient/followup/stop", Some(phone), json!({})).await;
    assert_eq!(stopped.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_file_stored_through_one_node_is_served_by_the_other_and_goes_with_its_last_owner() {
    let a = TestApp::new().await.with_shared_store();
    let b = a.second_node().await.with_shared_store();
    // Two follow-ups send the same picture, one through each node: one file, two owners.
    let (gp, first, first_phone) = joined(&a, "post-op-wound").await;
    let (_, second, second_phone) = joined(&a, "post-op-wound").await;
    let first_photo = photo_through(&a, &first_phone).await;
    let second_photo = photo_through(&b, &second_phone).await;
    let blob = blob_of(&a, &first_photo).await;
    assert_eq!(blob_of(&a, &second_photo).await, blob);
    for (node, followup, photo) in [(&b, &first, &first_photo), (&a, &second, &second_photo)] {
        let image = node.get(&format!("/api/v1/followups/{followup}/photos/{photo}"), Some(&gp)).await;
        assert_eq!(image.status(), StatusCode::OK);
        assert_eq!(bytes(image).await, png(3, 2), "each node serves what the other stored");
    }
    for node in [&a, &b] {
        assert!(!node.data_dir().join("blobs").exists(), "no bytes in a node's own directory");
    }

    // The first follow-up is deleted through node A: its photo's bytes stay, owned by the second.
    stop(&a, &first_phone).await;
    assert!(purge::purge(&a.state, &first).await.unwrap().is_some());
    assert!(b.state.blobs.exists(&blob).await, "a file still owned is not deleted");
    let image = b.get(&format!("/api/v1/followups/{second}/photos/{second_photo}"), Some(&gp)).await;
    assert_eq!(bytes(image).await, png(3, 2));

    // Node B deletes the second follow-up's records and dies before its files
    // go: the bytes are left with no owner, until a round of the other node.
    stop(&b, &second_phone).await;
    assert!(purge::delete_records(&b.state, &second).await.unwrap().is_some());
    assert!(a.state.blobs.exists(&blob).await);
    let round = scheduler::round(&a.state, now_ms()).await.unwrap();
    assert_eq!(round.collected, 1, "the orphaned file is collected once");
    assert!(!a.state.blobs.exists(&blob).await && !b.state.blobs.exists(&blob).await);
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM blob_contents").fetch_one(&a.state.db).await.unwrap();
    assert_eq!(left, 0, "no bytes left behind");
    assert_eq!(scheduler::round(&b.state, now_ms()).await.unwrap().collected, 0);
}

#[tokio::test]
async fn a_backup_holds_the_files_kept_in_the_database() {
    let app = TestApp::new().await.with_shared_store();
    let (gp, followup, phone) = joined(&app, "post-op-wound").await;
    let photo = photo_through(&app, &phone).await;
    let out = tempfile::tempdir().unwrap();
    let manifest = regard_server::backup::backup(app.database_url(), app.data_dir(), out.path()).await.unwrap();
    assert!(!manifest.files.iter().any(|f| f.path.starts_with("blobs/")), "the bytes are in the database's copy");

    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    regard_server::backup::restore(out.path(), &url, dir.path()).await.unwrap();
    let restored = TestApp::open(dir, url).await.with_shared_store();
    let image = restored.get(&format!("/api/v1/followups/{followup}/photos/{photo}"), Some(&gp)).await;
    assert_eq!(bytes(image).await, png(3, 2));
}
