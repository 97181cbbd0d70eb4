//! The error body every API failure carries. The app translates by `code`; the
//! English `message` is for API clients and logs.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No valid session: sign in first.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    NotFound,
    /// Wrong e-mail or password (deliberately not saying which).
    InvalidCredentials,
    /// Too many failed sign-ins; `retry_after_secs` says when to try again.
    TooManyAttempts,
    /// A field failed validation; `field` names it.
    Validation,
    /// The request body or parameters could not be read.
    BadRequest,
    PayloadTooLarge,
    /// The thing already exists (e.g. an e-mail address already in use).
    Conflict,
    /// Too many connections open at once for this account.
    TooManyConnections,
    /// A patient link was already accepted on another device.
    LinkInUse,
    /// A patient link is too old or was replaced by a newer one.
    LinkExpired,
    /// The session is locked: enter the PIN to go on.
    Locked,
    /// The server is saturated; `retry_after_secs` says when to try again.
    Busy,
    Internal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The offending field, for `validation` errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds before a retry may succeed, for `too_many_attempts` and `busy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}
