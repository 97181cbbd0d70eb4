//! A CT series sent with a stroke request: several DICOM files or a zip of them,
//! put in slice order whatever order they come in, decoded once into slices the
//! viewer windows; files that are not one orderable series refused in words.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use dicom_dictionary_std::tags;
use dicom_object::OpenFileOptions;
use regard_server::expertise::phantom;
use regard_shared::imaging::{decode_slice, MIXED_SERIES, UNORDERED_SLICES};
use regard_shared::{OrganisationKind, Role};
use serde_json::Value;
use std::io::Write;

const NEUROLOGIST: &str = "specialiste@demo.regard.fr";
const SIZE: u16 = 64;

/// A multipart/mixed body with one part per file, as the app sends a series.
async fn upload_series(app: &TestApp, cookie: &str, parts: &[Vec<u8>]) -> axum::http::Response<Body> {
    let boundary = "regard-series-boundary";
    let mut body = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        write!(body, "--{boundary}\r\nContent-Disposition: attachment; filename=\"IM{n}\"\r\n").unwrap();
        body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
        body.extend_from_slice(part);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/expertise/series?name=Scanner%20cr%C3%A2ne")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/mixed; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

fn zip_of(files: &[Vec<u8>]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, file) in files.iter().enumerate() {
        zip.start_file(format!("DICOM/IM{n}"), zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(file).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The file with `tags` removed, as some exports write them.
fn without(file: &[u8], removed: &[dicom_core::Tag]) -> Vec<u8> {
    let mut object = OpenFileOptions::new().from_reader(file).unwrap();
    for tag in removed {
        object.remove_element(*tag);
    }
    let mut out = Vec::new();
    object.write_all(&mut out).unwrap();
    out
}

async fn slice(app: &TestApp, cookie: &str, id: &str, number: u32) -> axum::http::Response<Body> {
    app.get(&format!("/api/v1/expertise/files/{id}/slices/{number}"), Some(cookie)).await
}

#[tokio::test]
async fn a_series_is_put_in_slice_order_and_shown_to_both_sides_only() {
    let app = TestApp::new().await;
    let (gp, neuro) = (app.login(GP).await, app.login(NEUROLOGIST).await);
    let count = 12;
    let mut files = phantom::head_ct(count, SIZE);
    // Sent in an order that is not the slices' (as a zip of a PACS export may be).
    files.reverse();
    files.swap(2, 7);
    let sent = upload_series(&app, &gp, &[zip_of(&files[..6]), files[6].clone(), zip_of(&files[7..])]).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let series: Value = json(sent).await;
    assert_eq!(series["kind"], "series");
    assert_eq!((series["slices"].as_u64(), series["width"].as_u64()), (Some(count as u64), Some(u64::from(SIZE))));
    assert_eq!(series["description"], "CT — Crane sans injection (fantome)");
    let id = series["id"].as_str().unwrap().to_owned();

    // Every slice is the phantom's slice of that number, in Hounsfield units.
    for number in [0, 5, count - 1] {
        let values = decode_slice(&bytes(slice(&app, &gp, &id, number as u32).await).await);
        assert_eq!(values, phantom_slice(number, count, SIZE), "slice {number}");
    }
    assert_eq!(slice(&app, &gp, &id, count as u32).await.status(), StatusCode::NOT_FOUND);
    // Not sent yet: only its sender sees it.
    assert_eq!(slice(&app, &neuro, &id, 0).await.status(), StatusCode::NOT_FOUND);

    let request_id = stroke_request_with(&app, &gp, "urgent", &[&id]).await;
    let detail = json(app.get(&format!("/api/v1/expertise/{request_id}"), Some(&neuro)).await).await;
    assert_eq!(detail["files"][0]["slices"], count);
    assert_eq!(slice(&app, &neuro, &id, 3).await.status(), StatusCode::OK);
    // The original is the files in slice order, zipped.
    let original = bytes(app.get(&format!("/api/v1/expertise/files/{id}/original"), Some(&neuro)).await).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(original)).unwrap();
    assert_eq!(zip.len(), count);
    let first = OpenFileOptions::new().from_reader(zip.by_index(0).unwrap()).unwrap();
    assert_eq!(first.element(tags::INSTANCE_NUMBER).unwrap().to_int::<i32>().unwrap(), 1);

    // Another practice sees nothing of it.
    let other = member(&app, "Cabinet des Tilleuls", OrganisationKind::GpPractice, "gp@tilleuls.fr", Role::Gp).await;
    assert_eq!(slice(&app, &other, &id, 0).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn files_that_are_not_one_orderable_series_are_refused_in_words() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let files = phantom::head_ct(4, SIZE);
    let refused = |response: axum::http::Response<Body>| async move {
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error = json(response).await;
        assert_eq!(error["field"], "series");
        error["message"].as_str().unwrap().to_owned()
    };

    let other_series: Vec<Vec<u8>> = files.iter().map(|f| without(f, &[tags::SERIES_INSTANCE_UID])).collect();
    let mixed = upload_series(&app, &gp, &[files[0].clone(), files[1].clone(), other_series[2].clone()]).await;
    assert_eq!(refused(mixed).await, MIXED_SERIES);

    let unplaced: Vec<Vec<u8>> =
        files.iter().map(|f| without(f, &[tags::IMAGE_POSITION_PATIENT, tags::INSTANCE_NUMBER])).collect();
    assert_eq!(refused(upload_series(&app, &gp, &unplaced).await).await, UNORDERED_SLICES);

    // Without positions, the instance numbers order them.
    let numbered: Vec<Vec<u8>> = files.iter().rev().map(|f| without(f, &[tags::IMAGE_POSITION_PATIENT])).collect();
    assert_eq!(upload_series(&app, &gp, &numbered).await.status(), StatusCode::CREATED);

    let not_dicom = upload_series(&app, &gp, &[b"compte rendu".to_vec(), files[0].clone()]).await;
    assert!(refused(not_dicom).await.contains("DICOM files of one series"));
    let one = upload_series(&app, &gp, &[files[0].clone()]).await;
    assert!(refused(one).await.contains("at least two slices"));
}
