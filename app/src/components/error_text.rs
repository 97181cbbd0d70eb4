//! Says what went wrong in the user's language, from the server's error code.

use leptos::prelude::*;
use regard_shared::ErrorCode;

use crate::api::Failure;
use crate::i18n::*;
use leptos_i18n::I18nContext;

pub fn error_text(i18n: I18nContext<Locale>, failure: &Failure) -> String {
    match failure {
        Failure::Network => t_string!(i18n, errors.network).to_string(),
        Failure::Api(error) => match error.code {
            ErrorCode::InvalidCredentials => t_string!(i18n, errors.invalid_credentials).to_string(),
            ErrorCode::TooManyAttempts => {
                let minutes = error.retry_after_secs.unwrap_or(60).div_ceil(60);
                t_string!(i18n, errors.too_many_attempts, minutes).to_string()
            }
            ErrorCode::Busy => t_string!(i18n, errors.busy).to_string(),
            _ => t_string!(i18n, errors.unexpected).to_string(),
        },
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
