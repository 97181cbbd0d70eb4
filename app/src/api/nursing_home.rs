//! Nursing homes: residents and calls to the SAMU (nurse side), ringing calls (regulator side).

use regard_shared::assist::AssistDetail;
use regard_shared::nursing_home::{CallPlaced, CallRequest, IncomingCall, NewResident, Resident, ResidentDetail};

use super::{get, post, Failure};

pub async fn residents(search: &str) -> Result<Vec<Resident>, Failure> {
    let q = String::from(js_sys::encode_uri_component(search));
    get(&format!("/api/v1/residents?q={q}")).await
}

pub async fn add_resident(resident: &NewResident) -> Result<Resident, Failure> {
    post("/api/v1/residents", resident).await
}

pub async fn resident(id: &str) -> Result<ResidentDetail, Failure> {
    get(&format!("/api/v1/residents/{id}")).await
}

pub async fn call_samu(resident_id: &str, reason: String) -> Result<CallPlaced, Failure> {
    post(&format!("/api/v1/residents/{resident_id}/calls"), &CallRequest { reason }).await
}

pub async fn ringing() -> Result<Vec<IncomingCall>, Failure> {
    get("/api/v1/assists/ringing").await
}

pub async fn take(assist_id: &str) -> Result<AssistDetail, Failure> {
    post(&format!("/api/v1/assists/{assist_id}/take"), &()).await
}
