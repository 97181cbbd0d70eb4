//! Says what went wrong in the user's language, from the server's error code.

use leptos::prelude::*;
use regard_shared::{ApiError, ErrorCode};

use crate::api::Failure;
use crate::texts::{tx, Texts};

pub fn error_text(texts: Texts, failure: &Failure) -> String {
    let Failure::Api(error) = failure else { return tx!(texts, errors.network) };
    // Every code has its words: a new code does not compile until it has them,
    // and a test of the shared crate checks that every language has the key.
    match error.code {
        ErrorCode::Unauthenticated => tx!(texts, errors.unauthenticated),
        ErrorCode::Forbidden => tx!(texts, errors.forbidden),
        ErrorCode::NotFound => tx!(texts, errors.not_found),
        ErrorCode::InvalidCredentials => tx!(texts, errors.invalid_credentials),
        ErrorCode::TooManyAttempts => {
            let minutes = error.retry_after_secs.unwrap_or(60).div_ceil(60);
            tx!(texts, errors.too_many_attempts, minutes = minutes)
        }
        ErrorCode::Validation if error.field.as_deref() == Some("dimensions") => {
            tx!(texts, errors.image_too_large)
        }
        ErrorCode::Validation => tx!(texts, errors.validation),
        ErrorCode::BadRequest => tx!(texts, errors.bad_request),
        ErrorCode::PayloadTooLarge => tx!(texts, errors.payload_too_large),
        ErrorCode::Conflict => tx!(texts, errors.conflict),
        ErrorCode::TooManyConnections => tx!(texts, errors.too_many_connections),
        ErrorCode::LinkInUse => tx!(texts, errors.link_in_use),
        ErrorCode::LinkExpired => tx!(texts, errors.link_expired),
        ErrorCode::Locked => tx!(texts, errors.locked),
        ErrorCode::Busy => tx!(texts, errors.busy),
        ErrorCode::IdentityLocked => tx!(texts, errors.identity_locked),
        ErrorCode::Internal => tx!(texts, errors.internal),
    }
}

/// A date of birth the server refused: `wrong` says it does not match (in the
/// page's words); before the last try the patient is warned the link will lock;
/// an impossible date is said to be one.
pub fn birth_date_refusal(texts: Texts, error: &ApiError, wrong: String) -> String {
    match error.tries_left {
        None => tx!(texts, form_errors.birth_date),
        Some(1) => format!("{wrong} {}", tx!(texts, form_errors.last_try)),
        Some(_) => wrong,
    }
}

/// An error announced to screen readers as soon as it appears.
#[component]
pub fn ErrorAlert(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="alert alert-error" role="alert">{move || message.get()}</p>
        </Show>
    }
}
