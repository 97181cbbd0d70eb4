//! Clinician sign-in: e-mail and password, then, where the account has a
//! second factor (or its organisation requires one), its code or enrolment.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::account::PscRefusal;
use regard_shared::api::Me;
use regard_shared::{validate, ErrorCode};

use crate::api::{self, Failure, SignIn};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::second_factor::{CodeForm, EnrolSecondFactor};
use crate::i18n::*;
use crate::session::use_session;
use crate::texts::{tx, use_texts};

/// Where the sign-in stands.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Password,
    /// The right password: the authenticator app's code is awaited.
    Code,
    /// The right password: the organisation requires a second factor to enrol.
    Enrol,
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let step = RwSignal::new(Step::Password);
    // Why the password is asked again, said on the password step.
    let notice = RwSignal::new(None::<String>);
    let signed_in = UnsyncCallback::new(move |me: Me| {
        session.0.set(Some(me));
        navigate(&next_page(), Default::default());
    });
    let restart = Callback::new(move |why: String| {
        notice.set(Some(why));
        step.set(Step::Password);
    });
    view! {
        <section class="card narrow" aria-labelledby="login-title">
            {move || match step.get() {
                Step::Password => view! { <PasswordForm step=step notice=notice on_signed_in=signed_in /> }.into_any(),
                Step::Code => view! {
                    <CodeForm on_signed_in=Callback::new(move |me| signed_in.run(me)) on_restart=restart />
                }.into_any(),
                Step::Enrol => view! {
                    <h1 id="login-title">{t!(i18n, second_factor.enrol_title)}</h1>
                    <p>{t!(i18n, second_factor.enrol_required)}</p>
                    <EnrolSecondFactor on_done=Callback::new(move |me: Option<Me>| if let Some(me) = me { signed_in.run(me) }) />
                }.into_any(),
            }}
        </section>
    }
}

/// The Pro Santé Connect button, where the server offers it, and why a
/// sign-in through it came back here (`?psc=…`).
#[component]
fn ProSanteConnect() -> impl IntoView {
    let i18n = use_i18n();
    let options = LocalResource::new(api::account::sign_in_options);
    let refusal = query("psc").and_then(|value| PscRefusal::parse(&value));
    let said = move || {
        refusal.map(|refusal| match refusal {
            PscRefusal::Unknown => t_string!(i18n, login.psc_unknown),
            PscRefusal::Level => t_string!(i18n, login.psc_level),
            PscRefusal::Expired => t_string!(i18n, login.psc_expired),
            PscRefusal::Disabled => t_string!(i18n, login.disabled),
            PscRefusal::Cancelled => t_string!(i18n, login.psc_cancelled),
            PscRefusal::Unavailable => t_string!(i18n, login.psc_unavailable),
        })
    };
    let offered = move || options.get().and_then(Result::ok).is_some_and(|o| o.pro_sante_connect);
    // Back to the page that sent here once signed in, as with a password.
    let start = match query("next").filter(|path| validate::local_path(path)) {
        Some(next) => format!("/api/v1/auth/psc/start?next={}", js_sys::encode_uri_component(&next)),
        None => "/api/v1/auth/psc/start".to_owned(),
    };
    view! {
        {move || said().map(|text| view! { <p class="alert alert-error" role="alert" data-testid="psc-refusal">{text}</p> })}
        <Show when=offered>
            <a class="button psc" href=start.clone() rel="external">{t!(i18n, login.psc_button)}</a>
            <p class="hint">{t!(i18n, login.psc_hint)}</p>
            <p class="or">{t!(i18n, login.or_password)}</p>
        </Show>
    }
}

/// E-mail and password.
#[component]
fn PasswordForm(
    step: RwSignal<Step>,
    notice: RwSignal<Option<String>>,
    on_signed_in: UnsyncCallback<Me>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = notice;

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
        spawn_local(async move {
            match api::login(address, secret).await {
                Ok(SignIn::Done(me)) => on_signed_in.run(me),
                Ok(SignIn::Code) => step.set(Step::Code),
                Ok(SignIn::Enrol) => step.set(Step::Enrol),
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
            <h1 id="login-title">{t!(i18n, login.title)}</h1>
            <p class="muted">{t!(i18n, login.intro)}</p>
            <ProSanteConnect />
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
    }
}

/// Where to go once signed in: the console page that sent the person here
/// (`?next=/rx/...`, e.g. a pharmacist scanning a prescription), else the
/// console's home. Only paths of this site are followed.
fn next_page() -> String {
    query("next").filter(|path| validate::local_path(path)).unwrap_or_else(|| "/console".to_owned())
}

/// A parameter of this page's address.
fn query(name: &str) -> Option<String> {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&search).ok().and_then(|p| p.get(name))
}
