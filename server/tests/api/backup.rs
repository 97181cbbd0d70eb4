//! Online backup and restore (`regard backup`, `regard restore`): a backup
//! taken while a patient's phone keeps sending questionnaires and photos,
//! restored into a new data directory and database, holds every write
//! acknowledged before it began, with files that match their checksums and
//! prescriptions that still verify. A damaged backup restores nothing. On
//! PostgreSQL the database goes through pg_dump and pg_restore (`REGARD_PG_BIN`).

use std::sync::{Arc, Mutex};

use crate::common;
use crate::common::consultation::entered;
use crate::common::monitoring::{fall_due, joined, submission};
use crate::common::*;
use axum::http::StatusCode;
use regard_server::backup;
use serde_json::json;
use sha2::{Digest, Sha256};

const PHARMACIST: &str = "pharmacien@demo.regard.fr";

/// A write the phone was told succeeded.
#[derive(Clone, Debug)]
enum Acknowledged {
    Photo { id: String, bytes: Vec<u8> },
    Submission { id: String },
}

/// What the phone sends: photos, with a questionnaire every eighth one, until stopped.
async fn phone_writes(
    app: Arc<TestApp>,
    followup: String,
    phone: String,
    acked: Arc<Mutex<Vec<Acknowledged>>>,
    count: tokio::sync::watch::Sender<usize>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    for i in 0..90u32 {
        if *stop.borrow() {
            break;
        }
        let bytes = png(4 + i, 3);
        let response = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, bytes.clone()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let id = json(response).await["id"].as_str().unwrap().to_owned();
        acked.lock().unwrap().push(Acknowledged::Photo { id: id.clone(), bytes });
        if i % 8 == 0 && i / 8 < 7 {
            let index = i / 8;
            fall_due(&app, &followup, i64::from(index)).await;
            let answers = json!({
                "pain": {"type": "integer", "value": 3},
                "temperature": {"type": "decimal", "value": 37.1},
                "redness": {"type": "boolean", "value": false},
                "discharge": {"type": "choice", "value": "none"},
                "photo": {"type": "attachment", "value": id},
            });
            let id = uuid::Uuid::new_v4().to_string();
            let sent = app
                .post_json("/api/v1/patient/followup/submissions", Some(&phone), submission(&id, index, answers))
                .await;
            assert_eq!(sent.status(), StatusCode::CREATED);
            acked.lock().unwrap().push(Acknowledged::Submission { id });
        }
        count.send_modify(|n| *n += 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_writes_restores_every_write_acknowledged_before_it() {
    let app = TestApp::new().await;
    let (gp, consultation, _) = entered(&app).await;
    let line = json!({"medicine": "Amlodipine 5 mg", "dosage": "1 comprimé le matin", "duration": "3 mois", "quantity": "3 boîtes"});
    let issued = app
        .post_json(&format!("/api/v1/consultations/{consultation}/prescriptions"), Some(&gp), json!({"lines": [line]}))
        .await;
    assert_eq!(issued.status(), StatusCode::CREATED);
    let rx = json(issued).await["id"].as_str().unwrap().to_owned();
    let (_, followup, phone) = joined(&app, "post-op-wound").await;

    let app = Arc::new(app);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let (count, mut counted) = tokio::sync::watch::channel(0);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writer = tokio::spawn(phone_writes(app.clone(), followup.clone(), phone, acked.clone(), count, stopped));
    counted.wait_for(|n| *n >= 10).await.unwrap();

    let before = acked.lock().unwrap().clone();
    let out = tempfile::tempdir().unwrap();
    let manifest = backup::backup(app.database_url(), app.data_dir(), out.path()).await.unwrap();
    stop.send(true).unwrap();
    writer.await.unwrap();
    let written = acked.lock().unwrap().len();
    assert!(written > before.len(), "the phone went on writing around the backup");

    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let restored_manifest = backup::restore(out.path(), &url, dir.path()).await.unwrap();
    assert_eq!(restored_manifest.files.len(), manifest.files.len());
    let restored = TestApp::open(dir, url).await;

    // Every stored file is there, with the bytes its name (a SHA-256) promises.
    let blobs: Vec<_> = manifest.files.iter().filter(|f| f.path.starts_with("blobs/")).collect();
    assert!(blobs.len() >= 10, "{} files backed up", blobs.len());
    for file in &blobs {
        let name = file.path.replace('/', "")["blobs".len()..].to_owned();
        let bytes = restored.state.blobs.get(&name).await.unwrap();
        assert_eq!(format!("{:x}", Sha256::digest(&bytes)), name);
    }
    let gp = restored.login(GP).await;
    for write in &before {
        match write {
            Acknowledged::Photo { id, bytes } => {
                let photo = restored.get(&format!("/api/v1/followups/{followup}/photos/{id}"), Some(&gp)).await;
                assert_eq!(photo.status(), StatusCode::OK, "photo {id}");
                assert_eq!(&common::bytes(photo).await, bytes, "photo {id}");
            }
            Acknowledged::Submission { id } => {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM followup_submissions WHERE id = $1")
                    .bind(id)
                    .fetch_one(&restored.state.db)
                    .await
                    .unwrap();
                assert_eq!(n, 1, "submission {id}");
            }
        }
    }
    // The signing keys came back: the prescription signed before still verifies.
    let pharmacist = restored.login(PHARMACIST).await;
    let checked = json(restored.get(&format!("/api/v1/prescriptions/{rx}"), Some(&pharmacist)).await).await;
    assert_eq!(checked["signature_valid"], true);
}

#[tokio::test]
async fn a_damaged_or_unfinished_backup_restores_nothing() {
    let app = TestApp::new().await;
    let (_, _, phone) = joined(&app, "post-op-wound").await;
    let uploaded = post_bytes(&app, "/api/v1/patient/followup/photos", &phone, png(5, 5)).await;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let out = tempfile::tempdir().unwrap();
    let manifest = backup::backup(app.database_url(), app.data_dir(), out.path()).await.unwrap();
    // Health data and a signing key: the backup is its owner's alone, whatever the umask.
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &str| std::fs::metadata(out.path().join(path)).unwrap().permissions().mode() & 0o777;
    for file in &manifest.files {
        assert_eq!(mode(&file.path), 0o600, "{}", file.path);
    }
    assert_eq!((mode("keys"), mode("blobs")), (0o700, 0o700));
    let again = backup::backup(app.database_url(), app.data_dir(), out.path()).await;
    assert!(again.unwrap_err().to_string().contains("is not empty"), "a backup never overwrites another");

    // One bit flipped in a photo.
    let photo = manifest.files.iter().find(|f| f.path.starts_with("blobs/")).unwrap();
    let path = out.path().join(&photo.path);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let refused = backup::restore(out.path(), &url, dir.path()).await.unwrap_err().to_string();
    assert!(refused.contains("damaged") && refused.contains(&photo.path), "{refused}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing was written");

    std::fs::remove_file(out.path().join("manifest.json")).unwrap();
    let refused = backup::restore(out.path(), &url, dir.path()).await.unwrap_err().to_string();
    assert!(refused.contains("unfinished"), "{refused}");
}

#[tokio::test]
async fn a_file_is_deleted_only_once_a_running_backup_has_copied_it() {
    let app = TestApp::new().await;
    let name = {
        let mut tx = app.state.db.begin().await.unwrap();
        let name = app.state.blobs.store_owned(&mut tx, "test:1", b"a photo").await.unwrap();
        sqlx::query("DELETE FROM blob_owners WHERE owner = 'test:1'").execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        name
    };
    let hold = regard_server::blobs::BackupHold::exclusive(app.data_dir()).await.unwrap();
    let mut collecting = {
        let (blobs, db, name) = (app.state.blobs.clone(), app.state.db.clone(), name.clone());
        tokio::spawn(async move { blobs.collect(&db, [name]).await.unwrap() })
    };
    // While the backup holds the store, the deletion waits (it takes
    // milliseconds otherwise) and the file stays for the backup to copy.
    let waited = tokio::time::timeout(std::time::Duration::from_millis(500), &mut collecting).await;
    assert!(waited.is_err(), "the deletion did not wait for the backup");
    assert!(app.state.blobs.exists(&name).await);
    drop(hold);
    assert_eq!(collecting.await.unwrap(), 1);
    assert!(!app.state.blobs.exists(&name).await);
}
