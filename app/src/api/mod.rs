//! Calls to the server's REST API. Failures keep the server's error code so the
//! page can say what happened in the user's language.

pub mod account;
pub mod expertise;
pub mod monitoring;
pub mod nursing_home;
pub mod silent;

use gloo_net::http::{Request, Response};
use regard_shared::account::SecondFactorNeeded;
use regard_shared::api::{LoginRequest, Me, MemberView, PinRequest};
use regard_shared::assist::{
    AcceptRequest, Accepted, AssistDetail, AssistSummary, DecisionRequest, LanguageChoice, LinkInfo, LocationReport,
    NewAssist, Outcome, SmsView, SnapshotView, CONSENT_VERSION,
};
use regard_shared::consultation::{
    ChatMessage, ConsultationDetail, ConsultationSummary, EnterRequest, InvitationInfo, NewConsultation, NewMessage,
    PatientConsultation, ReportRequest,
};
use regard_shared::lang::Lang;
use regard_shared::page::Page;
use regard_shared::prescription::{Line, NewPrescription, PrescriptionSummary, Verification};
use regard_shared::ApiError;
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Clone, Debug)]
pub enum Failure {
    /// The server answered with an error body.
    Api(ApiError),
    /// No answer, or one we could not read.
    Network,
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, Failure> {
    let response = sent.map_err(|_| Failure::Network)?;
    if response.ok() {
        response.json().await.map_err(|_| Failure::Network)
    } else {
        Err(response.json::<ApiError>().await.map(Failure::Api).unwrap_or(Failure::Network))
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    read(Request::get(path).send().await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Failure> {
    let request = Request::post(path).json(body).map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

/// Replaces what `path` names with `body`.
async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Failure> {
    let request = Request::put(path).json(body).map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

pub async fn me() -> Result<Me, Failure> {
    get("/api/v1/auth/me").await
}

/// The organisation's members, with their recent failed sign-ins (members see
/// the list; the home page shows it to admins).
pub async fn members(organisation_id: &str) -> Result<Vec<MemberView>, Failure> {
    get(&format!("/api/v1/organisations/{organisation_id}/members")).await
}

/// What signing in with a password leads to.
pub enum SignIn {
    Done(Me),
    /// The right password: a code from the authenticator app is awaited.
    Code,
    /// The right password: the organisation requires a second factor the
    /// member has not enrolled yet.
    Enrol,
}

pub async fn login(email: String, password: String) -> Result<SignIn, Failure> {
    let request = Request::post("/api/v1/auth/login").json(&LoginRequest { email, password });
    let response = request.map_err(|_| Failure::Network)?.send().await;
    if let Ok(halfway) = response.as_ref().map(|r| r.status() == 202) {
        if halfway {
            let needed: SecondFactorNeeded = read(response).await?;
            return Ok(if needed.enrol { SignIn::Enrol } else { SignIn::Code });
        }
    }
    read(response).await.map(SignIn::Done)
}

pub async fn create_assist(request: &NewAssist) -> Result<AssistDetail, Failure> {
    post("/api/v1/assists", request).await
}

/// A page of the organisation's cases; `after` is the `next` of the previous page.
pub async fn assists(after: Option<String>) -> Result<Page<AssistSummary>, Failure> {
    get(&paged("/api/v1/assists", after)).await
}

/// The address of a paged list's page starting after `after`.
fn paged(path: &str, after: Option<String>) -> String {
    match after {
        None => path.to_owned(),
        Some(after) => {
            let joint = if path.contains('?') { '&' } else { '?' };
            format!("{path}{joint}after={}", js_sys::encode_uri_component(&after))
        }
    }
}

pub async fn outbox() -> Result<Vec<SmsView>, Failure> {
    get("/api/v1/outbox").await
}

pub async fn usage() -> Result<Vec<regard_shared::usage::MonthUsage>, Failure> {
    get("/api/v1/assists/usage").await
}

pub async fn assist(id: &str) -> Result<AssistDetail, Failure> {
    get(&format!("/api/v1/assists/{id}")).await
}

pub async fn resend(id: &str) -> Result<AssistDetail, Failure> {
    post(&format!("/api/v1/assists/{id}/resend"), &()).await
}

pub async fn decide(id: &str, outcome: Outcome, note: String) -> Result<AssistDetail, Failure> {
    post(&format!("/api/v1/assists/{id}/decision"), &DecisionRequest { outcome, note }).await
}

pub fn photo_url(assist_id: &str, photo_id: &str) -> String {
    format!("/api/v1/assists/{assist_id}/photos/{photo_id}")
}

pub async fn link_info(token: &str) -> Result<LinkInfo, Failure> {
    get(&format!("/api/v1/patient/assist/{token}")).await
}

pub async fn accept_link(token: &str, language: &str) -> Result<Accepted, Failure> {
    let body = AcceptRequest { consent_version: CONSENT_VERSION.to_owned(), language: language.to_owned() };
    post(&format!("/api/v1/patient/assist/{token}/accept"), &body).await
}

/// Keeps the language the caller chose with the case.
pub async fn choose_language(token: &str, language: Lang) -> Result<(), Failure> {
    done(Request::put(&format!("/api/v1/patient/assist/{token}/language")).json(&LanguageChoice { language })).await
}

/// Sends the caller's position into the case.
pub async fn share_location(report: &LocationReport) -> Result<(), Failure> {
    let request = Request::post("/api/v1/patient/assist/location").json(report).map_err(|_| Failure::Network)?;
    let response = request.send().await.map_err(|_| Failure::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(Failure::Network)
    }
}

/// Sends an image from the caller's phone into the case (`source`: snapshot or photo).
pub async fn upload_photo(source: &str, image: &web_sys::Blob) -> Result<SnapshotView, Failure> {
    let request = Request::post(&format!("/api/v1/patient/assist/photos?source={source}"))
        .header("content-type", &image.type_())
        .body(image.clone())
        .map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

pub async fn schedule(request: &NewConsultation) -> Result<ConsultationDetail, Failure> {
    post("/api/v1/consultations", request).await
}

/// The appointments between two instants (ms), e.g. the browser's local day.
pub async fn consultations(from: i64, to: i64) -> Result<Vec<ConsultationSummary>, Failure> {
    get(&format!("/api/v1/consultations?from={from}&to={to}")).await
}

pub async fn consultation(id: &str) -> Result<ConsultationDetail, Failure> {
    get(&format!("/api/v1/consultations/{id}")).await
}

/// `admit`, `end` or `resend`.
pub async fn consultation_action(id: &str, action: &str) -> Result<ConsultationDetail, Failure> {
    post(&format!("/api/v1/consultations/{id}/{action}"), &()).await
}

pub async fn save_report(id: &str, report: String) -> Result<ConsultationDetail, Failure> {
    let request = Request::put(&format!("/api/v1/consultations/{id}/report"))
        .json(&ReportRequest { report })
        .map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

/// Posts in a consultation's chat: the GP's (`Some(id)`) or the patient's (`None`).
pub async fn send_message(consultation_id: Option<&str>, body: String) -> Result<ChatMessage, Failure> {
    let path = match consultation_id {
        Some(id) => format!("/api/v1/consultations/{id}/messages"),
        None => "/api/v1/patient/consultation/messages".to_owned(),
    };
    post(&path, &NewMessage { body }).await
}

pub async fn invitation(token: &str) -> Result<InvitationInfo, Failure> {
    get(&format!("/api/v1/patient/invitations/{token}")).await
}

pub async fn enter_consultation(
    token: &str,
    birth_date: String,
    language: &str,
) -> Result<PatientConsultation, Failure> {
    let body = EnterRequest {
        birth_date,
        consent_version: regard_shared::consultation::CONSENT_VERSION.to_owned(),
        language: language.to_owned(),
    };
    post(&format!("/api/v1/patient/invitations/{token}/enter"), &body).await
}

pub async fn my_consultation() -> Result<PatientConsultation, Failure> {
    get("/api/v1/patient/consultation").await
}

pub async fn enter_waiting_room() -> Result<PatientConsultation, Failure> {
    post("/api/v1/patient/consultation/waiting", &()).await
}

/// Chooses the PIN that locks this user's sessions.
pub async fn set_pin(pin: String) -> Result<(), Failure> {
    let request = Request::put("/api/v1/auth/pin").json(&PinRequest { pin }).map_err(|_| Failure::Network)?;
    let response = request.send().await.map_err(|_| Failure::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(response.json::<ApiError>().await.map(Failure::Api).unwrap_or(Failure::Network))
    }
}

pub async fn lock() -> Result<Me, Failure> {
    post("/api/v1/auth/lock", &()).await
}

pub async fn unlock(pin: String) -> Result<Me, Failure> {
    post("/api/v1/auth/unlock", &PinRequest { pin }).await
}

pub async fn logout() -> Result<(), Failure> {
    post_without_answer("/api/v1/auth/logout").await
}

/// A POST of `body` whose success has no body (204).
async fn post_done<B: Serialize>(path: &str, body: &B) -> Result<(), Failure> {
    done(Request::post(path).json(body)).await
}

/// A request whose success has no body.
pub(crate) async fn done(request: Result<gloo_net::http::Request, gloo_net::Error>) -> Result<(), Failure> {
    let response = request.map_err(|_| Failure::Network)?.send().await.map_err(|_| Failure::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(response.json::<ApiError>().await.map(Failure::Api).unwrap_or(Failure::Network))
    }
}

/// A POST whose success has no body (204).
async fn post_without_answer(path: &str) -> Result<(), Failure> {
    let response = Request::post(path).send().await.map_err(|_| Failure::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(Failure::Network)
    }
}

/// Where a document of a consultation is sent and fetched: the GP's side
/// (`Some(id)`) or the patient's (`None`).
pub fn documents_url(consultation_id: Option<&str>) -> String {
    match consultation_id {
        Some(id) => format!("/api/v1/consultations/{id}/documents"),
        None => "/api/v1/patient/consultation/documents".to_owned(),
    }
}

/// Posts a file with upload progress (0 to 1) reported as it goes: fetch cannot
/// report upload progress, XMLHttpRequest can.
pub async fn upload_with_progress<T: DeserializeOwned>(
    url: &str,
    file: &web_sys::Blob,
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, Failure> {
    upload_typed(url, file, "application/octet-stream", on_progress).await
}

/// Like `upload_with_progress`, with the body's content type given.
pub async fn upload_typed<T: DeserializeOwned>(
    url: &str,
    file: &web_sys::Blob,
    content_type: &str,
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, Failure> {
    use wasm_bindgen::prelude::*;
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| Failure::Network)?;
    xhr.open_with_async("POST", url, true).map_err(|_| Failure::Network)?;
    let _ = xhr.set_request_header("content-type", content_type);
    let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress(e.loaded() / e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // The callbacks live until the request is over, then are dropped with this frame.
    let mut callbacks = Vec::new();
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let on_error = Closure::<dyn FnMut()>::new(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        callbacks.push(on_load);
        callbacks.push(on_error);
    });
    xhr.send_with_opt_blob(Some(file)).map_err(|_| Failure::Network)?;
    let outcome = wasm_bindgen_futures::JsFuture::from(done).await;
    drop((progress, callbacks));
    outcome.map_err(|_| Failure::Network)?;
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    let status = xhr.status().unwrap_or(0);
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| Failure::Network)
    } else if status == 413 {
        Err(Failure::Api(ApiError {
            code: regard_shared::ErrorCode::PayloadTooLarge,
            message: String::new(),
            field: None,
            retry_after_secs: None,
            tries_left: None,
        }))
    } else {
        Err(serde_json::from_str::<ApiError>(&text).map(Failure::Api).unwrap_or(Failure::Network))
    }
}

pub async fn issue_prescription(consultation_id: &str, lines: Vec<Line>) -> Result<PrescriptionSummary, Failure> {
    post(&format!("/api/v1/consultations/{consultation_id}/prescriptions"), &NewPrescription { lines }).await
}

/// The prescription's PDF: the GP's (`Some(consultation)`) or the patient's (`None`) way to it.
pub fn prescription_pdf_url(consultation_id: Option<&str>, rx: &str) -> String {
    match consultation_id {
        Some(id) => format!("/api/v1/consultations/{id}/prescriptions/{rx}/pdf"),
        None => format!("/api/v1/patient/consultation/prescriptions/{rx}/pdf"),
    }
}

pub async fn verify_prescription(rx: &str) -> Result<Verification, Failure> {
    get(&format!("/api/v1/prescriptions/{}", js_sys::encode_uri_component(rx))).await
}

pub async fn dispense_prescription(rx: &str) -> Result<Verification, Failure> {
    post(&format!("/api/v1/prescriptions/{}/dispense", js_sys::encode_uri_component(rx)), &()).await
}
