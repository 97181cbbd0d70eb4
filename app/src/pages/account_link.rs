//! Choosing one's password from a link e-mailed: a new member's invitation,
//! or a forgotten password's reset. The link works once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::account::{AccountLinkInfo, AccountLinkPurpose};
use regard_shared::validate::{self, PASSWORD_MIN_CHARS};
use regard_shared::ErrorCode;

use crate::api::{account as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn AccountLinkPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let info = LocalResource::new(move || {
        let token = token();
        async move { api::link_info(&token).await }
    });
    let lapsed = RwSignal::new(false);
    view! {
        <section class="card narrow" aria-labelledby="account-link-title">
            {move || match (info.get(), lapsed.get()) {
                (None, _) => None,
                (Some(Ok(info)), false) => Some(view! { <ChoosePassword info token=token() lapsed /> }.into_any()),
                _ => Some(view! { <LinkLapsed /> }.into_any()),
            }}
        </section>
    }
}

/// Used, replaced or expired: where to get a new one.
#[component]
fn LinkLapsed() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 id="account-link-title">{t!(i18n, account_link.lapsed_title)}</h1>
        <p>{t!(i18n, account_link.lapsed)}</p>
        <p><a href="/forgot">{t!(i18n, account_link.ask_again)}</a></p>
    }
}

#[component]
fn ChoosePassword(info: AccountLinkInfo, token: String, lapsed: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let (password, confirm) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (pending, done) = (RwSignal::new(false), RwSignal::new(false));
    let error = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = password.get_untracked();
        if validate::new_password(&chosen).is_err() {
            error.set(Some(t_string!(i18n, account_link.too_short, min = PASSWORD_MIN_CHARS).to_string()));
            return;
        }
        if chosen != confirm.get_untracked() {
            error.set(Some(t_string!(i18n, account_link.mismatch).to_string()));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::choose_password(&token.get_value(), chosen).await {
                Ok(()) => done.set(true),
                Err(Failure::Api(e)) if e.code == ErrorCode::LinkExpired => lapsed.set(true),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };
    let AccountLinkInfo { purpose, email, display_name, organisation } = info;
    let invited = purpose == AccountLinkPurpose::Invitation;
    let title = move || match invited {
        true => t_string!(i18n, account_link.welcome, name = display_name.clone()).to_string(),
        false => t_string!(i18n, account_link.reset_title).to_string(),
    };
    let intro = move || match invited {
        true => t_string!(i18n, account_link.invited, organisation = organisation.clone()).to_string(),
        false => t_string!(i18n, account_link.reset_intro).to_string(),
    };
    view! {
        <h1 id="account-link-title">{title}</h1>
        <Show
            when=move || done.get()
            fallback=move || view! {
                <p class="muted">{intro.clone()}</p>
                <form on:submit=submit novalidate>
                    <label for="account-email">{t!(i18n, login.email)}</label>
                    <input id="account-email" type="email" autocomplete="username" readonly prop:value=email.clone() />
                    <label for="new-password">{t!(i18n, account_link.password, min = PASSWORD_MIN_CHARS)}</label>
                    <input id="new-password" type="password" autocomplete="new-password" required bind:value=password />
                    <label for="confirm-password">{t!(i18n, account_link.confirm)}</label>
                    <input id="confirm-password" type="password" autocomplete="new-password" required bind:value=confirm />
                    <ErrorAlert message=error.into() />
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {t!(i18n, account_link.submit)}
                    </button>
                </form>
            }
        >
            <p role="status">{t!(i18n, account_link.saved)}</p>
            <p><a class="button primary" href="/login">{t!(i18n, login.submit)}</a></p>
        </Show>
    }
}
