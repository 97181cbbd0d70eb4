//! A study found and a series fetched from a real PACS through DICOMweb:
//! Debian's Orthanc with its DICOMweb plugin (packages `orthanc` and
//! `orthanc-dicomweb`, which the README's test command installs), started by
//! each test on a free port with its own storage, behind a password.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::*;
use axum::http::StatusCode;
use regard_server::expertise::pacs::store::{connect, Connection};
use regard_server::expertise::phantom;
use regard_shared::imaging::decode_slice;
use regard_shared::pacs::PACS_UNAVAILABLE;
use serde_json::{json, Value};
use tempfile::TempDir;

const SIZE: u16 = 64;
const COUNT: usize = 12;
const PACS_USER: &str = "regard";
const PACS_PASSWORD: &str = "pacs-secret-2026";
const NEUROLOGIST: &str = "specialiste@demo.regard.fr";

/// An Orthanc server; killed when dropped.
struct Orthanc {
    child: Child,
    root: String,
    _dir: TempDir,
}

impl Orthanc {
    fn start() -> Orthanc {
        let binary = std::env::var("REGARD_TEST_ORTHANC").unwrap_or_else(|_| "/usr/sbin/Orthanc".to_owned());
        let plugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
        assert!(
            std::path::Path::new(&binary).exists() && std::path::Path::new(plugin).exists(),
            "this test needs Debian's orthanc and orthanc-dicomweb packages (scripts/test installs them)"
        );
        let dir = TempDir::new().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = json!({
            "Name": "regard-test", "StorageDirectory": dir.path().join("db"), "IndexDirectory": dir.path().join("db"),
            "HttpPort": port, "DicomServerEnabled": false, "RemoteAccessAllowed": false,
            "AuthenticationEnabled": true, "RegisteredUsers": { PACS_USER: PACS_PASSWORD },
            "Plugins": [plugin], "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
        });
        let path = dir.path().join("orthanc.json");
        std::fs::write(&path, config.to_string()).unwrap();
        let child = Command::new(binary).arg(&path).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        Orthanc { child, root: format!("http://127.0.0.1:{port}"), _dir: dir }
    }

    /// Waits until Orthanc answers (it starts in well under a second), failing if it exits.
    async fn ready(&mut self) {
        for _ in 0..300 {
            assert!(self.child.try_wait().unwrap().is_none(), "Orthanc exited at start");
            let answer = self.http().get(format!("{}/system", self.root)).basic_auth(PACS_USER, Some(PACS_PASSWORD));
            let answer = answer.send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("Orthanc did not start in 30 s");
    }

    fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// Stores DICOM files, as a scanner does.
    async fn store(&self, files: &[Vec<u8>]) {
        for file in files {
            let stored = self
                .http()
                .post(format!("{}/instances", self.root))
                .basic_auth(PACS_USER, Some(PACS_PASSWORD))
                .body(file.clone())
                .send()
                .await
                .unwrap();
            assert!(stored.status().is_success(), "Orthanc refused a file: {}", stored.status());
        }
    }

    fn connection(&self, password: &str) -> Connection {
        Connection {
            base_url: format!("{}/dicom-web", self.root),
            username: Some(PACS_USER.to_owned()),
            password: Some(password.to_owned()),
        }
    }
}

impl Drop for Orthanc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn studies(app: &TestApp, cookie: &str, q: &str) -> Vec<Value> {
    let response = app.get(&format!("/api/v1/expertise/pacs/studies?q={q}"), Some(cookie)).await;
    assert_eq!(response.status(), StatusCode::OK, "search {q:?}");
    json(response).await.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_study_in_the_pacs_is_found_and_its_series_fetched_in_slice_order() {
    let mut orthanc = Orthanc::start();
    orthanc.ready().await;
    // Dated today, as a patient scanned this morning.
    let mut files = phantom::head_ct(COUNT, SIZE);
    // A PACS holds the files in the order they came: not the slices'.
    files.reverse();
    orthanc.store(&files).await;

    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    // Not connected yet: no PACS, said as such.
    assert_eq!(app.get("/api/v1/expertise/pacs", Some(&gp)).await.status(), StatusCode::NOT_FOUND);
    connect(&app.state.db, &app.organisation_of(&gp).await, &orthanc.connection(PACS_PASSWORD)).await.unwrap();
    assert_eq!(json(app.get("/api/v1/expertise/pacs", Some(&gp)).await).await["host"], "127.0.0.1");

    // Found by patient id, by accession number, by the name's beginning, and
    // with nothing typed, as a study of today.
    for q in [phantom::PATIENT_ID, "ACC20261202", "fant", ""] {
        let found = studies(&app, &gp, q).await;
        assert_eq!(found.len(), 1, "search {q:?}: {found:?}");
        let study = &found[0];
        assert_eq!(study["patient_name"], "FANTOME TETE");
        assert_eq!((&study["patient_id"], &study["birth_date"]), (&json!(phantom::PATIENT_ID), &json!("1948-03-02")));
        assert_eq!((&study["time"], &study["images"]), (&json!("06:15"), &json!(COUNT)));
        assert_eq!(
            (&study["modalities"], &study["description"]),
            (&json!(["CT"]), &json!("Scanner cerebral (fantome)"))
        );
    }
    assert!(studies(&app, &gp, "DUPONT").await.is_empty());
    let study = studies(&app, &gp, phantom::PATIENT_ID).await[0]["uid"].as_str().unwrap().to_owned();

    let series = json(app.get(&format!("/api/v1/expertise/pacs/studies/{study}/series"), Some(&gp)).await).await;
    let series = series.as_array().unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!((&series[0]["modality"], &series[0]["images"]), (&json!("CT"), &json!(COUNT)));
    assert_eq!(series[0]["description"], "Crane sans injection (fantome)");

    let body = json!({"study": study, "series": series[0]["uid"]});
    let imported = app.post_json("/api/v1/expertise/pacs/import", Some(&gp), body).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
    let file = json(imported).await;
    assert_eq!((&file["kind"], &file["slices"]), (&json!("series"), &json!(COUNT)));
    assert_eq!(file["name"], "Scanner cerebral (fantome)");
    let id = file["id"].as_str().unwrap();
    for number in [0, COUNT - 1] {
        let slice = app.get(&format!("/api/v1/expertise/files/{id}/slices/{number}"), Some(&gp)).await;
        assert_eq!(decode_slice(&bytes(slice).await), phantom_slice(number, COUNT, SIZE), "slice {number}");
    }
    // Sent with a request, the neurologist reads it.
    let request = stroke_request_with(&app, &gp, "routine", &[id]).await;
    let detail =
        json(app.get(&format!("/api/v1/expertise/{request}"), Some(&app.login(NEUROLOGIST).await)).await).await;
    assert_eq!(detail["files"][0]["slices"], COUNT);

    // What is not a UID never reaches the PACS's URL.
    let odd = app.get("/api/v1/expertise/pacs/studies/1.2..%2F..%2Finstances/series", Some(&gp)).await;
    assert_eq!(odd.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The expert site has no PACS connected.
    let neuro = app.login(NEUROLOGIST).await;
    assert_eq!(app.get("/api/v1/expertise/pacs/studies", Some(&neuro)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pacs_that_refuses_or_does_not_answer_is_said_in_words() {
    let mut orthanc = Orthanc::start();
    orthanc.ready().await;
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let practice = app.organisation_of(&gp).await;
    let unavailable = |response: axum::http::Response<axum::body::Body>| async move {
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        let error = json(response).await;
        assert_eq!((error["field"].as_str(), error["message"].as_str()), (Some("pacs"), Some(PACS_UNAVAILABLE)));
    };

    connect(&app.state.db, &practice, &orthanc.connection("a wrong password")).await.unwrap();
    unavailable(app.get("/api/v1/expertise/pacs/studies?q=8002417", Some(&gp)).await).await;

    connect(&app.state.db, &practice, &orthanc.connection(PACS_PASSWORD)).await.unwrap();
    drop(orthanc);
    unavailable(app.get("/api/v1/expertise/pacs/studies?q=8002417", Some(&gp)).await).await;
    let body = json!({"study": "1.2.3", "series": "1.2.3.4"});
    unavailable(app.post_json("/api/v1/expertise/pacs/import", Some(&gp), body).await).await;
}
