//! Locking a shift-long session with a short PIN, as a nursing home's shared
//! tablet needs: choosing the PIN, the lock button, and the lock screen that
//! hides the console until the PIN is typed. Five wrong PINs end the session.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::{validate, ErrorCode};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::session::use_session;
use crate::texts::use_texts;

/// Choosing or changing the PIN, on the console's home page.
#[component]
pub fn PinSetting() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let session = use_session();
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = pin.get_untracked();
        if validate::pin(&typed).is_err() {
            return error.set(Some(t_string!(i18n, lock.pin_format).to_string()));
        }
        error.set(None);
        spawn_local(async move {
            match api::set_pin(typed).await {
                Ok(()) => {
                    pin.set(String::new());
                    saved.set(true);
                    session.0.update(|me| {
                        if let Some(me) = me {
                            me.pin_set = true;
                        }
                    });
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="pin-title">
            <h2 id="pin-title">{t!(i18n, lock.setting_title)}</h2>
            <p class="hint">{t!(i18n, lock.setting_hint)}</p>
            <form on:submit=submit novalidate>
                <label for="new-pin">{t!(i18n, lock.new_pin)}</label>
                <input id="new-pin" type="password" inputmode="numeric" autocomplete="new-password" maxlength="8" bind:value=pin />
                <ErrorAlert message=error.into() />
                <Show when=move || saved.get()>
                    <p class="alert" role="status">{t!(i18n, lock.saved)}</p>
                </Show>
                <button type="submit" class="secondary">{t!(i18n, lock.save)}</button>
            </form>
        </section>
    }
}

/// The navigation's lock button, for users who chose a PIN.
#[component]
pub fn LockButton() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let lock = move |_| {
        spawn_local(async move {
            if let Ok(me) = api::lock().await {
                session.0.set(Some(me));
            }
        });
    };
    view! { <button type="button" class="secondary" on:click=lock>{t!(i18n, lock.lock)}</button> }
}

/// What a locked session shows instead of the console: whose session it is,
/// the PIN, and signing out for the next person.
#[component]
pub fn LockScreen(name: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let session = use_session();
    let navigate = use_navigate();
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let ended = {
        let navigate = navigate.clone();
        move || {
            session.0.set(None);
            navigate("/login", Default::default());
        }
    };
    let submit = {
        let ended = ended.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if pending.get_untracked() {
                return;
            }
            pending.set(true);
            let ended = ended.clone();
            spawn_local(async move {
                match api::unlock(pin.get_untracked()).await {
                    Ok(me) => session.0.set(Some(me)),
                    Err(Failure::Api(e)) if e.code == ErrorCode::Unauthenticated => ended(),
                    Err(Failure::Api(e)) if e.field.as_deref() == Some("pin") => {
                        pin.set(String::new());
                        error.set(Some(t_string!(i18n, lock.wrong_pin).to_string()));
                    }
                    Err(failure) => error.set(Some(error_text(texts, &failure))),
                }
                pending.set(false);
            });
        }
    };
    let sign_out = move |_| {
        let ended = ended.clone();
        spawn_local(async move {
            let _ = api::logout().await;
            ended();
        });
    };
    view! {
        <section class="card lock-screen" aria-labelledby="lock-title">
            <h1 id="lock-title">{t!(i18n, lock.locked_title)}</h1>
            <p>{t_string!(i18n, lock.locked_for, name = name).to_string()}</p>
            <form on:submit=submit novalidate>
                <label for="unlock-pin">{t!(i18n, lock.pin)}</label>
                <input id="unlock-pin" type="password" inputmode="numeric" autocomplete="off" maxlength="8" autofocus bind:value=pin />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary large" disabled=move || pending.get()>{t!(i18n, lock.unlock)}</button>
            </form>
            <button type="button" class="secondary" on:click=sign_out>{t!(i18n, console.logout)}</button>
        </section>
    }
}
