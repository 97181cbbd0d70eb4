//! One error type for every handler. It maps to the shared `{code, message}` body;
//! internal failures are logged with their cause and answered with a bland 500.

use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use regard_shared::validate::Invalid;
use regard_shared::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Sign in first.")]
    Unauthenticated,
    #[error("You are not allowed to do this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("Wrong e-mail address or password.")]
    InvalidCredentials,
    #[error("This account is disabled: ask your organisation's administrator.")]
    AccountDisabled,
    #[error("The e-mail did not leave: check the mail server's settings, then send it again.")]
    MailNotSent,
    #[error("Too many failed sign-in attempts. Try again later.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Too many requests of one kind lately (e.g. a caller's position reports).
    #[error("Too many requests. Try again in a minute.")]
    RateLimited { retry_after_secs: u64 },
    #[error("{}", .0.message)]
    Validation(Invalid),
    #[error("{0}")]
    BadRequest(String),
    /// A filled questionnaire with an invalid answer; the message names the question.
    #[error("{0}")]
    InvalidAnswers(String),
    #[error("The request body is too large.")]
    PayloadTooLarge,
    #[error("{0}")]
    Conflict(&'static str),
    #[error("Too many open connections for this account.")]
    TooManyConnections,
    #[error("This link is already in use on another phone.")]
    LinkInUse,
    #[error("This link has expired or was replaced. Ask for a new one.")]
    LinkExpired,
    #[error("This session is locked: enter your PIN.")]
    Locked,
    /// The date of birth typed does not match; so many tries are left.
    #[error("This date of birth does not match our records.")]
    WrongBirthDate { tries_left: u32 },
    #[error("Too many wrong dates of birth: this link is locked. Ask for a new one.")]
    IdentityLocked,
    /// A request that changes something, sent by a page of another site.
    #[error("Requests from other sites are refused.")]
    CrossSite,
    #[error("Send this request as JSON, or a file as its own type.")]
    UnsupportedMediaType,
    /// The server is saturated (e.g. too many password checks at once).
    #[error("The server is busy. Try again in a few seconds.")]
    Busy,
    /// Another system Regard depends on (a hospital's PACS) did not answer;
    /// the message says which, and what to do instead.
    #[error("{0}")]
    Pacs(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<Invalid> for AppError {
    fn from(invalid: Invalid) -> Self {
        AppError::Validation(invalid)
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::BadRequest(rejection.body_text())
        }
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            AppError::Forbidden | AppError::AccountDisabled => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            AppError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials),
            AppError::TooManyAttempts { .. } | AppError::RateLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts)
            }
            AppError::Validation(_) | AppError::InvalidAnswers(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation)
            }
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            AppError::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            AppError::LinkInUse => (StatusCode::CONFLICT, ErrorCode::LinkInUse),
            AppError::TooManyConnections => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyConnections),
            AppError::LinkExpired => (StatusCode::GONE, ErrorCode::LinkExpired),
            AppError::Locked => (StatusCode::LOCKED, ErrorCode::Locked),
            AppError::Busy => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Busy),
            AppError::Pacs(_) | AppError::MailNotSent => (StatusCode::BAD_GATEWAY, ErrorCode::Busy),
            AppError::WrongBirthDate { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation),
            AppError::IdentityLocked => (StatusCode::GONE, ErrorCode::IdentityLocked),
            AppError::CrossSite => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            AppError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::BadRequest),
            AppError::Database(_) | AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl AppError {
    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs } | AppError::RateLimited { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            AppError::Busy => Some(BUSY_RETRY_SECS),
            _ => None,
        }
    }
}

/// A saturated server is usually free again within a few seconds.
const BUSY_RETRY_SECS: u64 = 3;

/// The shared body, and the request's id for a support desk to find it in the logs.
#[derive(serde::Serialize)]
struct ErrorBody {
    #[serde(flatten)]
    error: ApiError,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if code == ErrorCode::Internal {
            // The cause may hold SQL or paths: log it, never send it.
            tracing::error!(error = ?self, "request failed");
            "Something went wrong on our side. Please try again.".to_owned()
        } else {
            self.to_string()
        };
        let body = ApiError {
            code,
            message,
            field: match &self {
                AppError::Validation(invalid) => Some(invalid.field.to_owned()),
                AppError::InvalidAnswers(_) => Some("answers".to_owned()),
                AppError::WrongBirthDate { .. } => Some("birth_date".to_owned()),
                AppError::Pacs(_) => Some("pacs".to_owned()),
                AppError::MailNotSent => Some("mail".to_owned()),
                _ => None,
            },
            retry_after_secs: self.retry_after_secs(),
            tries_left: match &self {
                AppError::WrongBirthDate { tries_left } => Some(*tries_left),
                _ => None,
            },
        };
        let retry_after = body.retry_after_secs;
        let body = ErrorBody { error: body, request_id: crate::request_id::current() };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// `axum::Json` whose rejections (malformed JSON, wrong content type, too large)
/// answer with the API's JSON error body instead of plain text.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
