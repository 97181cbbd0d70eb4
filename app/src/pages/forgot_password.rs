//! "Forgotten password": a link to choose a new one is e-mailed. The page says
//! the same whether or not the address has an account.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::account as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let email = RwSignal::new(String::new());
    let (pending, sent) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        if address.is_empty() {
            error.set(Some(t_string!(i18n, forgot.required).to_string()));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::request_reset(address.clone()).await {
                Ok(()) => sent.set(Some(address)),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card narrow" aria-labelledby="forgot-title">
            <h1 id="forgot-title">{t!(i18n, forgot.title)}</h1>
            {move || match sent.get() {
                Some(address) => view! {
                    <p role="status" data-testid="reset-sent">{t!(i18n, forgot.sent, email = address)}</p>
                    <p><a href="/login">{t!(i18n, forgot.back)}</a></p>
                }
                .into_any(),
                None => view! {
                    <p class="muted">{t!(i18n, forgot.intro)}</p>
                    <form on:submit=submit novalidate>
                        <label for="forgot-email">{t!(i18n, login.email)}</label>
                        <input id="forgot-email" type="email" autocomplete="username" inputmode="email" required bind:value=email />
                        <ErrorAlert message=error.into() />
                        <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, forgot.submit)}</button>
                    </form>
                }
                .into_any(),
            }}
        </section>
    }
}
