//! Says what went wrong in the user's language, from the server's error code.

use leptos::prelude::*;
use regard_shared::{ApiError, ErrorCode};

use crate::api::Failure;
use crate::i18n::*;
use leptos_i18n::I18nContext;

pub fn error_text(i18n: I18nContext<Locale>, failure: &Failure) -> String {
    let Failure::Api(error) = failure else { return t_string!(i18n, errors.network).to_string() };
    // Every code has its words: a new code does not compile until it has them,
    // and a test of the shared crate checks that every language has the key.
    match error.code {
        ErrorCode::Unauthenticated => t_string!(i18n, errors.unauthenticated),
        ErrorCode::Forbidden => t_string!(i18n, errors.forbidden),
        ErrorCode::NotFound => t_string!(i18n, errors.not_found),
        ErrorCode::InvalidCredentials => t_string!(i18n, errors.invalid_credentials),
        ErrorCode::TooManyAttempts => {
            let minutes = error.retry_after_secs.unwrap_or(60).div_ceil(60);
            return t_string!(i18n, errors.too_many_attempts, minutes).to_string();
        }
        ErrorCode::Validation if error.field.as_deref() == Some("dimensions") => {
            t_string!(i18n, errors.image_too_large)
        }
        ErrorCode::Validation => t_string!(i18n, errors.validation),
        ErrorCode::BadRequest => t_string!(i18n, errors.bad_request),
        ErrorCode::PayloadTooLarge => t_string!(i18n, errors.payload_too_large),
        ErrorCode::Conflict => t_string!(i18n, errors.conflict),
        ErrorCode::TooManyConnections => t_string!(i18n, errors.too_many_connections),
        ErrorCode::LinkInUse => t_string!(i18n, errors.link_in_use),
        ErrorCode::LinkExpired => t_string!(i18n, errors.link_expired),
        ErrorCode::Locked => t_string!(i18n, errors.locked),
        ErrorCode::Busy => t_string!(i18n, errors.busy),
        ErrorCode::IdentityLocked => t_string!(i18n, errors.identity_locked),
        ErrorCode::Internal => t_string!(i18n, errors.internal),
    }
    .to_string()
}

/// A date of birth the server refused: `wrong` says it does not match (in the
/// page's words); before the last try the patient is warned the link will lock;
/// an impossible date is said to be one.
pub fn birth_date_refusal(i18n: I18nContext<Locale>, error: &ApiError, wrong: String) -> String {
    match error.tries_left {
        None => t_string!(i18n, errors.birth_date).to_string(),
        Some(1) => format!("{wrong} {}", t_string!(i18n, errors.last_try)),
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
