//! Tele-monitoring calls: the clinician's dashboard and the patient's portal.

use gloo_net::http::Request;
use regard_shared::monitoring::wire::{
    AcknowledgeRequest, Activity, AlertView, DeletionReceipt, FollowUpConsultation, FollowUpDetail, FollowUpInvitation,
    FollowUpSummary, JoinRequest, LinkedConsultation, NewFollowUp, NewSubmission, PatientView, PhotoView,
    ProtocolSummary, Reminders, Submission, CONSENT_VERSION,
};

use regard_shared::assist::LanguageChoice;
use regard_shared::lang::Lang;
use regard_shared::page::Page;

use super::{done, get, paged, post, post_without_answer, read, Failure};

pub async fn protocols() -> Result<Vec<ProtocolSummary>, Failure> {
    get("/api/v1/protocols").await
}

/// Sends a protocol file as it is; the server checks it and says where a mistake is.
pub async fn import_protocol(json: String) -> Result<ProtocolSummary, Failure> {
    let request = Request::post("/api/v1/protocols")
        .header("content-type", "application/json")
        .body(json)
        .map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

pub async fn enrol(request: &NewFollowUp) -> Result<FollowUpDetail, Failure> {
    post("/api/v1/followups", request).await
}

/// A page of follow-ups; `after` is the `next` of the previous page.
pub async fn followups(after: Option<String>) -> Result<Page<FollowUpSummary>, Failure> {
    get(&paged("/api/v1/followups", after)).await
}

pub async fn followup(id: &str) -> Result<FollowUpDetail, Failure> {
    get(&format!("/api/v1/followups/{id}")).await
}

/// A teleconsultation with the follow-up's patient, now.
pub async fn start_consultation(id: &str) -> Result<LinkedConsultation, Failure> {
    post(&format!("/api/v1/followups/{id}/consultations"), &FollowUpConsultation { scheduled_at: None }).await
}

/// `resend` or `stop`.
pub async fn followup_action(id: &str, action: &str) -> Result<FollowUpDetail, Failure> {
    post(&format!("/api/v1/followups/{id}/{action}"), &()).await
}

/// A page of the alerts nobody has acknowledged, red first.
pub async fn open_alerts(after: Option<String>) -> Result<Page<AlertView>, Failure> {
    get(&paged("/api/v1/followups/alerts", after)).await
}

pub async fn acknowledge(alert_id: &str, note: String) -> Result<Vec<AlertView>, Failure> {
    post(&format!("/api/v1/followups/alerts/{alert_id}/acknowledge"), &AcknowledgeRequest { note }).await
}

pub async fn activity(since: i64) -> Result<Activity, Failure> {
    get(&format!("/api/v1/followups/activity?since={since}")).await
}

/// A page of the deletion receipts, the latest first.
pub async fn receipts(after: Option<String>) -> Result<Page<DeletionReceipt>, Failure> {
    get(&paged("/api/v1/followups/receipts", after)).await
}

pub fn export_url(id: &str) -> String {
    format!("/api/v1/followups/{id}/fhir")
}

pub fn photo_url(followup_id: &str, photo_id: &str) -> String {
    format!("/api/v1/followups/{followup_id}/photos/{photo_id}")
}

pub async fn invitation(token: &str) -> Result<FollowUpInvitation, Failure> {
    get(&format!("/api/v1/patient/followup-invitations/{token}")).await
}

pub async fn join(
    token: &str,
    birth_date: String,
    language: &str,
    reminders: Reminders,
) -> Result<PatientView, Failure> {
    let body = JoinRequest {
        birth_date,
        consent_version: CONSENT_VERSION.to_owned(),
        language: language.to_owned(),
        reminders,
    };
    post(&format!("/api/v1/patient/followup-invitations/{token}/join"), &body).await
}

pub async fn mine() -> Result<PatientView, Failure> {
    get("/api/v1/patient/followup").await
}

pub async fn submit(submission: &NewSubmission) -> Result<Submission, Failure> {
    post("/api/v1/patient/followup/submissions", submission).await
}

pub async fn upload_photo(bytes: &[u8]) -> Result<PhotoView, Failure> {
    let request = Request::post("/api/v1/patient/followup/photos")
        .header("content-type", "application/octet-stream")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

pub async fn set_reminders(reminders: Reminders) -> Result<PatientView, Failure> {
    post("/api/v1/patient/followup/reminders", &reminders).await
}

/// Keeps the language the patient chose with the follow-up: reminders go in it.
pub async fn choose_language(language: Lang) -> Result<(), Failure> {
    done(Request::put("/api/v1/patient/followup/language").json(&LanguageChoice { language })).await
}

pub async fn stop() -> Result<PatientView, Failure> {
    post("/api/v1/patient/followup/stop", &()).await
}

pub async fn sign_out() -> Result<(), Failure> {
    post_without_answer("/api/v1/patient/followup/sign-out").await
}
