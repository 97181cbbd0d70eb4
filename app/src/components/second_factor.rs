//! The second factor, as a clinician meets it: the code asked after the
//! password, the enrolment of an authenticator app (QR code, or the key typed
//! by hand, then a first code), and the recovery codes shown once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use regard_shared::account::{Enrolment, QrCodeView};
use regard_shared::api::Me;
use regard_shared::ErrorCode;

use crate::api::{account as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::{use_texts, Texts};

/// What a refused code means to the person typing it.
fn refusal(i18n: I18nContext<Locale>, texts: Texts, failure: &Failure) -> String {
    match failure {
        Failure::Api(e) if e.code == ErrorCode::InvalidCredentials => {
            t_string!(i18n, second_factor.wrong_code).to_string()
        }
        Failure::Api(e) if e.code == ErrorCode::Unauthenticated => {
            t_string!(i18n, second_factor.start_again).to_string()
        }
        failure => error_text(texts, failure),
    }
}

/// After the right password: the authenticator app's code, or a recovery
/// code. `on_signed_in` gets the member; `on_restart` goes back to the
/// password (too many wrong codes, or too late).
#[component]
pub fn CodeForm(on_signed_in: Callback<Me>, on_restart: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let code = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            return error.set(Some(t_string!(i18n, second_factor.code_required).to_string()));
        }
        pending.set(true);
        spawn_local(async move {
            match api::second_factor(typed).await {
                Ok(me) => on_signed_in.run(me),
                Err(Failure::Api(e)) if e.code == ErrorCode::Unauthenticated => {
                    on_restart.run(t_string!(i18n, second_factor.start_again).to_string())
                }
                Err(failure) => {
                    code.set(String::new());
                    error.set(Some(refusal(i18n, texts, &failure)));
                }
            }
            pending.set(false);
        });
    };
    view! {
        <h1 id="login-title">{t!(i18n, second_factor.code_title)}</h1>
        <p>{t!(i18n, second_factor.code_intro)}</p>
        <form on:submit=submit novalidate>
            <label for="second-factor-code">{t!(i18n, second_factor.code_label)}</label>
            <input id="second-factor-code" type="text" autocomplete="one-time-code" autocapitalize="characters"
                spellcheck="false" maxlength="20" required bind:value=code />
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, second_factor.code_submit)}</button>
        </form>
        <p class="hint">{t!(i18n, second_factor.lost_phone)}</p>
    }
}

/// Enrols an authenticator app, then shows the recovery codes;
/// `on_done` gets the member when the enrolment ended a sign-in.
#[component]
pub fn EnrolSecondFactor(on_done: Callback<Option<Me>>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let enrolment = LocalResource::new(api::start_enrolment);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<(Vec<String>, Option<Me>)>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        spawn_local(async move {
            match api::confirm_enrolment(typed).await {
                Ok(confirmed) => done.set(Some((confirmed.recovery_codes, confirmed.me))),
                Err(failure) => {
                    code.set(String::new());
                    error.set(Some(refusal(i18n, texts, &failure)));
                }
            }
        });
    };
    let form = move |enrolment: Enrolment| {
        view! {
            <p>{t!(i18n, second_factor.enrol_scan)}</p>
            <QrCode qr=enrolment.qr />
            <p>{t!(i18n, second_factor.enrol_manual)} " " <code class="secret" data-testid="totp-secret">{grouped(&enrolment.secret)}</code></p>
            <form on:submit=submit novalidate>
                <label for="enrol-code">{t!(i18n, second_factor.enrol_type)}</label>
                <input id="enrol-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="10" required bind:value=code />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary">{t!(i18n, second_factor.enrol_submit)}</button>
            </form>
        }
    };
    move || match done.get() {
        Some((codes, me)) => view! { <RecoveryCodes codes=codes on_done=move || on_done.run(me.clone()) /> }.into_any(),
        None => match enrolment.get() {
            None => ().into_any(),
            Some(Ok(enrolment)) => form(enrolment).into_any(),
            Some(Err(_)) => {
                view! { <p class="alert alert-error">{t!(i18n, second_factor.enrol_unavailable)}</p> }.into_any()
            }
        },
    }
}

/// `ABCD EFGH …`: a key typed by hand, four letters at a time.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The QR code drawn from its modules, with the quiet zone scanners need.
#[component]
fn QrCode(qr: QrCodeView) -> impl IntoView {
    let i18n = use_i18n();
    let side = qr.size + 8;
    view! {
        <svg class="qr-code" role="img" viewBox=format!("-4 -4 {side} {side}") shape-rendering="crispEdges"
            aria-label=move || t_string!(i18n, second_factor.enrol_qr_label).to_string()>
            <rect x="-4" y="-4" width=side height=side fill="#fff" />
            <path d=qr.path fill="#000" />
        </svg>
    }
}

/// The ten recovery codes, shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>, on_done: impl Fn() + 'static) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, second_factor.recovery_title)}</h2>
        <p>{t!(i18n, second_factor.recovery_intro)}</p>
        <ol class="recovery-codes" data-testid="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ol>
        <button type="button" class="primary" on:click=move |_| on_done()>{t!(i18n, second_factor.recovery_done)}</button>
    }
}
