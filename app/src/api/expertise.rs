//! Tele-expertise: forms and expert sites, requests, their thread and files.

use regard_shared::expertise::{
    Escalation, ExpertForm, ExpertSite, FileView, NewRequest, RequestDetail, RequestSummary, StepRequest, Waiting,
};

use regard_shared::live::{CameraAsk, CameraRequest};
use regard_shared::nihss::{ItemScore, Nihss};
use regard_shared::on_call::{OnCall, Ringing, RotaUpdate};
use regard_shared::pacs::{PacsImport, PacsSeries, PacsStudy, PacsView};
use regard_shared::page::Page;
use regard_shared::stroke::{MilestoneEntry, StrokeMonth, StrokeTimeline};

use super::{get, paged, post, post_done, put, upload_typed, upload_with_progress, Failure};

pub async fn forms() -> Result<Vec<ExpertForm>, Failure> {
    get("/api/v1/expertise/forms").await
}

pub async fn sites() -> Result<Vec<ExpertSite>, Failure> {
    get("/api/v1/expertise/sites").await
}

/// A page of the requests the user's organisation sent.
pub async fn sent(after: Option<String>) -> Result<Page<RequestSummary>, Failure> {
    get(&paged("/api/v1/expertise", after)).await
}

/// A page of the open requests addressed to the user's expert site, of one
/// specialty (its name) or all (empty).
pub async fn queue(specialty: String, after: Option<String>) -> Result<Page<RequestSummary>, Failure> {
    let path = format!("/api/v1/expertise/queue?specialty={}", js_sys::encode_uri_component(&specialty));
    get(&paged(&path, after)).await
}

pub async fn waiting() -> Result<Waiting, Failure> {
    get("/api/v1/expertise/waiting").await
}

/// The site's on-call rotas and its specialists.
pub async fn on_call() -> Result<OnCall, Failure> {
    get("/api/v1/expertise/on-call").await
}

pub async fn set_rota(update: &RotaUpdate) -> Result<OnCall, Failure> {
    put("/api/v1/expertise/on-call", update).await
}

/// The urgent requests ringing the signed-in specialist.
pub async fn ringing() -> Result<Ringing, Failure> {
    get("/api/v1/expertise/ringing").await
}

pub async fn request(id: &str) -> Result<RequestDetail, Failure> {
    get(&format!("/api/v1/expertise/{id}")).await
}

pub async fn send(request: &NewRequest) -> Result<RequestSummary, Failure> {
    post("/api/v1/expertise", request).await
}

pub async fn step(id: &str, step: &StepRequest) -> Result<RequestSummary, Failure> {
    post(&format!("/api/v1/expertise/{id}/steps"), step).await
}

pub async fn escalate(id: &str, escalation: &Escalation) -> Result<RequestSummary, Failure> {
    post(&format!("/api/v1/expertise/{id}/teleconsultation"), escalation).await
}

/// Uploads a photo or DICOM file, reporting progress from 0 to 1.
pub async fn upload(file: &web_sys::File, on_progress: impl Fn(f64) + 'static) -> Result<FileView, Failure> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    upload_with_progress(&format!("/api/v1/expertise/files?name={name}"), file, on_progress).await
}

/// Uploads the DICOM files (or zips of them) of one series as one
/// `multipart/mixed` body, reporting progress from 0 to 1. The body is a Blob
/// of the files themselves: the browser streams them from disk.
pub async fn upload_series(
    name: &str,
    files: &[web_sys::File],
    on_progress: impl Fn(f64) + 'static,
) -> Result<FileView, Failure> {
    let boundary = format!("regard-series-{}", js_sys::Date::now() as u64);
    let parts = js_sys::Array::new();
    for file in files {
        parts.push(&format!("--{boundary}\r\nContent-Disposition: attachment\r\n\r\n").into());
        parts.push(file);
        parts.push(&"\r\n".into());
    }
    parts.push(&format!("--{boundary}--\r\n").into());
    let body = web_sys::Blob::new_with_blob_sequence(&parts).map_err(|_| Failure::Network)?;
    let name = String::from(js_sys::encode_uri_component(name));
    let content_type = format!("multipart/mixed; boundary={boundary}");
    upload_typed(&format!("/api/v1/expertise/series?name={name}"), &body, &content_type, on_progress).await
}

/// The PACS the user's organisation attaches series from (a 404 when none).
pub async fn pacs() -> Result<PacsView, Failure> {
    get("/api/v1/expertise/pacs").await
}

/// Studies in the PACS matching a patient id, an accession number or a name;
/// with nothing typed, those since yesterday.
pub async fn pacs_studies(text: &str) -> Result<Vec<PacsStudy>, Failure> {
    get(&format!("/api/v1/expertise/pacs/studies?q={}", js_sys::encode_uri_component(text))).await
}

pub async fn pacs_series(study: &str) -> Result<Vec<PacsSeries>, Failure> {
    get(&format!("/api/v1/expertise/pacs/studies/{study}/series")).await
}

/// Fetches a series from the PACS into Regard, as if its files had been sent.
pub async fn pacs_import(wanted: &PacsImport) -> Result<FileView, Failure> {
    post("/api/v1/expertise/pacs/import", wanted).await
}

/// One slice of a series: 16-bit values, row by row (`imaging::decode_slice`).
pub async fn slice(file_id: &str, number: u32) -> Result<Vec<i16>, Failure> {
    let url = format!("/api/v1/expertise/files/{file_id}/slices/{number}");
    let response = gloo_net::http::Request::get(&url).send().await.map_err(|_| Failure::Network)?;
    if !response.ok() {
        return Err(Failure::Network);
    }
    let bytes = response.binary().await.map_err(|_| Failure::Network)?;
    Ok(regard_shared::imaging::decode_slice(&bytes))
}

/// What the browser shows of a file: the photo, or the DICOM's rendered preview.
pub fn preview_url(file_id: &str) -> String {
    format!("/api/v1/expertise/files/{file_id}/preview")
}

pub fn original_url(file_id: &str) -> String {
    format!("/api/v1/expertise/files/{file_id}/original")
}

/// Records a time (or the decision) on a stroke request's timeline.
pub async fn stroke_time(id: &str, entry: &MilestoneEntry) -> Result<StrokeTimeline, Failure> {
    post(&format!("/api/v1/expertise/{id}/stroke"), entry).await
}

/// Télé-AVC per month and other site over the last year.
pub async fn stroke_usage() -> Result<Vec<StrokeMonth>, Failure> {
    get("/api/v1/expertise/stroke-usage").await
}

/// Changes one NIHSS item's score on a stroke request.
pub async fn nihss(id: &str, change: &ItemScore) -> Result<Nihss, Failure> {
    post(&format!("/api/v1/expertise/{id}/nihss"), change).await
}

/// Asks the bedside, in the request's live video, to move the camera.
pub async fn ask_camera(id: &str, ask: CameraAsk) -> Result<(), Failure> {
    post_done(&format!("/api/v1/expertise/{id}/camera"), &CameraRequest { ask }).await
}
