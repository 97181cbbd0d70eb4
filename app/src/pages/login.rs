//! Clinician sign-in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::ErrorCode;

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::session::use_session;
use crate::texts::{tx, use_texts};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (address, secret) = (email.get_untracked(), password.get_untracked());
        if address.trim().is_empty() || secret.is_empty() {
            error.set(Some(tx!(texts, form_errors.required)));
            return;
        }
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::login(address, secret).await {
                Ok(me) => {
                    session.0.set(Some(me));
                    navigate(&next_page(), Default::default());
                }
                Err(failure) => {
                    // Keep the e-mail, clear only the password: nothing typed is lost needlessly.
                    password.set(String::new());
                    let refused = matches!(&failure, Failure::Api(e) if e.code == ErrorCode::Forbidden);
                    // Only the right password hears that the account is disabled.
                    let text =
                        if refused { t_string!(i18n, login.disabled).to_string() } else { error_text(texts, &failure) };
                    error.set(Some(text));
                }
            }
            pending.set(false);
        });
    };

    view! {
        <section class="card narrow" aria-labelledby="login-title">
            <h1 id="login-title">{t!(i18n, login.title)}</h1>
            <p class="muted">{t!(i18n, login.intro)}</p>
            <form on:submit=submit novalidate>
                <label for="login-email">{t!(i18n, login.email)}</label>
                <input
                    id="login-email"
                    type="email"
                    name="email"
                    autocomplete="username"
                    inputmode="email"
                    required
                    bind:value=email
                />
                <label for="login-password">{t!(i18n, login.password)}</label>
                <input
                    id="login-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                    bind:value=password
                />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || {
                        if pending.get() {
                            t_string!(i18n, login.submitting).to_string()
                        } else {
                            t_string!(i18n, login.submit).to_string()
                        }
                    }}
                </button>
            </form>
            <p><a href="/forgot">{t!(i18n, login.forgot)}</a></p>
        </section>
    }
}

/// Where to go once signed in: the console page that sent the person here
/// (`?next=/rx/...`, e.g. a pharmacist scanning a prescription), else the
/// console's home. Only paths of this site are followed.
fn next_page() -> String {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let next = web_sys::UrlSearchParams::new_with_str(&search).ok().and_then(|p| p.get("next"));
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/console".to_owned(),
    }
}
