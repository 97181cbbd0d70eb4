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
    /// Too many wrong dates of birth: the patient's link is locked.
    IdentityLocked,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::InvalidCredentials,
        ErrorCode::TooManyAttempts,
        ErrorCode::Validation,
        ErrorCode::BadRequest,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Conflict,
        ErrorCode::TooManyConnections,
        ErrorCode::LinkInUse,
        ErrorCode::LinkExpired,
        ErrorCode::Locked,
        ErrorCode::Busy,
        ErrorCode::IdentityLocked,
        ErrorCode::Internal,
    ];
}

/// An error answer. The server adds `request_id`, the id of the request (as in
/// its `x-request-id` header and every log line of it), for a support desk.
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
    /// Tries left before the link locks, for a wrong date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// `ALL` lists every code: this match stops compiling when one is added.
    fn listed(code: ErrorCode) -> bool {
        match code {
            ErrorCode::Unauthenticated
            | ErrorCode::Forbidden
            | ErrorCode::NotFound
            | ErrorCode::InvalidCredentials
            | ErrorCode::TooManyAttempts
            | ErrorCode::Validation
            | ErrorCode::BadRequest
            | ErrorCode::PayloadTooLarge
            | ErrorCode::Conflict
            | ErrorCode::TooManyConnections
            | ErrorCode::LinkInUse
            | ErrorCode::LinkExpired
            | ErrorCode::Locked
            | ErrorCode::Busy
            | ErrorCode::IdentityLocked
            | ErrorCode::Internal => ErrorCode::ALL.contains(&code),
        }
    }

    /// Every code the server may answer has words in every language of the app
    /// (`errors.<code>` in `app/texts/*.json`), so no page falls back to the
    /// server's English.
    #[test]
    fn every_error_code_is_translated_in_every_language() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/texts");
        let mut languages = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let locale: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for code in ErrorCode::ALL {
                assert!(listed(code));
                let key = serde_json::to_value(code).unwrap();
                let key = key.as_str().unwrap();
                let words = locale["errors"][key].as_str().unwrap_or_default();
                assert!(!words.trim().is_empty(), "{} has no errors.{key}", path.display());
            }
            languages += 1;
        }
        assert_eq!(languages, crate::lang::Lang::ALL.len());
    }
}
