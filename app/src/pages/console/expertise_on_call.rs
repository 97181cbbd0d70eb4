//! The expert site's on-call rota, one small form per specialty it answers:
//! who is on call, the fallback, and after how long the fallback is rung.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::Specialty;
use regard_shared::on_call::{OnCall, RotaUpdate, Specialist, DEFAULT_ESCALATE_MINUTES};

use super::expertise_desk::specialty_name;
use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn OnCallRotas() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let on_call = RwSignal::new(None::<OnCall>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::on_call().await {
            Ok(loaded) => on_call.set(Some(loaded)),
            Err(failure) => error.set(Some(error_text(texts, &failure))),
        }
    });
    view! {
        <section class="card" aria-labelledby="on-call-title">
            <h2 id="on-call-title">{t!(i18n, on_call.rota_title)}</h2>
            <p class="muted">{t!(i18n, on_call.rota_intro)}</p>
            <ErrorAlert message=error.into() />
            <div class="rotas">{move || on_call.get().map(|loaded| {
                let specialists = loaded.specialists.clone();
                loaded.specialties.iter().map(|&specialty| {
                    let rota = loaded.rotas.iter().find(|r| r.specialty == specialty);
                    let update = RotaUpdate {
                        specialty,
                        on_call_id: rota.map(|r| r.on_call_id.clone()),
                        fallback_id: rota.and_then(|r| r.fallback_id.clone()),
                        escalate_after_minutes: rota.map_or(DEFAULT_ESCALATE_MINUTES, |r| r.escalate_after_minutes),
                    };
                    view! { <RotaForm update=update specialists=specialists.clone() /> }
                }).collect_view()
            })}</div>
        </section>
    }
}

/// One specialty's rota; saved on its own.
#[component]
fn RotaForm(update: RotaUpdate, specialists: Vec<Specialist>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let specialty: Specialty = update.specialty;
    let on_call = RwSignal::new(update.on_call_id.unwrap_or_default());
    let fallback = RwSignal::new(update.fallback_id.unwrap_or_default());
    let minutes = RwSignal::new(update.escalate_after_minutes.to_string());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let chosen = |s: RwSignal<String>| Some(s.get_untracked()).filter(|id| !id.is_empty());
        let update = RotaUpdate {
            specialty,
            on_call_id: chosen(on_call),
            fallback_id: chosen(fallback),
            escalate_after_minutes: minutes.get_untracked().trim().parse().unwrap_or(0),
        };
        if update.check().is_err() {
            error.set(Some(t_string!(i18n, on_call.invalid).to_string()));
            return;
        }
        spawn_local(async move {
            match api::set_rota(&update).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let key = specialty.as_str();
    let options = move |none: String| {
        let specialists = specialists.clone();
        view! {
            <option value="">{none}</option>
            {specialists.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
        }
    };
    let on_call_options = options(t_string!(i18n, on_call.nobody).to_string());
    let fallback_options = options(t_string!(i18n, on_call.no_fallback).to_string());
    view! {
        <form class="rota" on:submit=save novalidate>
            <fieldset>
                <legend>{specialty_name(i18n, specialty)}</legend>
                <label for=format!("on-call-{key}")>{t!(i18n, on_call.on_call)}</label>
                <select id=format!("on-call-{key}") bind:value=on_call>{on_call_options}</select>
                <label for=format!("fallback-{key}")>{t!(i18n, on_call.fallback)}</label>
                <select id=format!("fallback-{key}") bind:value=fallback>{fallback_options}</select>
                <label for=format!("escalate-{key}")>{t!(i18n, on_call.escalate_after)}</label>
                <input id=format!("escalate-{key}") type="number" min="1" max="60" inputmode="numeric" bind:value=minutes />
                <ErrorAlert message=error.into() />
                <Show when=move || saved.get()>
                    <p class="alert alert-ok" role="status">{t!(i18n, on_call.saved)}</p>
                </Show>
                <button type="submit" class="secondary">{t!(i18n, on_call.save)}</button>
            </fieldset>
        </form>
    }
}
