//! What an organisation requires of its members' sign-ins: a second factor
//! for passwords, and Pro Santé Connect at eIDAS substantial level.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::account::SecuritySettings;

use crate::api::account as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn SecurityCard(organisation_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = organisation_id.clone();
    let loaded = LocalResource::new(move || {
        let id = id.clone();
        async move { api::security(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="security-title">
            <h2 id="security-title">{t!(i18n, second_factor.security_title)}</h2>
            {move || loaded.get().map(|settings| match settings {
                Ok(settings) => view! { <SecurityForm organisation_id=organisation_id.clone() settings=settings /> }.into_any(),
                Err(_) => view! { <p class="alert alert-error">{t!(i18n, second_factor.security_unavailable)}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn SecurityForm(organisation_id: String, settings: SecuritySettings) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let second_factor = RwSignal::new(settings.second_factor_required);
    let eidas1 = RwSignal::new(settings.psc_eidas1_required);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let organisation_id = organisation_id.clone();
        let wanted = SecuritySettings {
            second_factor_required: second_factor.get_untracked(),
            psc_eidas1_required: eidas1.get_untracked(),
        };
        saved.set(false);
        spawn_local(async move {
            match api::set_security(&organisation_id, wanted).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <form on:submit=save novalidate>
            <div class="choice">
                <input id="require-second-factor" type="checkbox" bind:checked=second_factor />
                <label for="require-second-factor">{t!(i18n, second_factor.security_second_factor)}</label>
            </div>
            <div class="choice">
                <input id="require-eidas1" type="checkbox" bind:checked=eidas1 />
                <label for="require-eidas1">{t!(i18n, second_factor.security_eidas1)}</label>
            </div>
            <ErrorAlert message=error.into() />
            <Show when=move || saved.get()>
                <p class="alert alert-ok" role="status">{t!(i18n, second_factor.security_saved)}</p>
            </Show>
            <button type="submit" class="primary">{t!(i18n, second_factor.security_save)}</button>
        </form>
    }
}
