//! Calls to the server's REST API. Failures keep the server's error code so the
//! page can say what happened in the user's language.

use gloo_net::http::{Request, Response};
use regard_shared::api::{LoginRequest, Me};
use regard_shared::ApiError;
use serde::de::DeserializeOwned;

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
        Err(response
            .json::<ApiError>()
            .await
            .map(Failure::Api)
            .unwrap_or(Failure::Network))
    }
}

pub async fn me() -> Result<Me, Failure> {
    read(Request::get("/api/v1/auth/me").send().await).await
}

pub async fn login(email: String, password: String) -> Result<Me, Failure> {
    let request = Request::post("/api/v1/auth/login")
        .json(&LoginRequest { email, password })
        .map_err(|_| Failure::Network)?;
    read(request.send().await).await
}

pub async fn logout() -> Result<(), Failure> {
    let response = Request::post("/api/v1/auth/logout")
        .send()
        .await
        .map_err(|_| Failure::Network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(Failure::Network)
    }
}
