//! The pharmacist's side of e-prescriptions: type an identifier (or scan the
//! QR code, which opens /rx/ID), see whether the signature holds and what is
//! prescribed, and dispense it, once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use regard_shared::national_id;
use regard_shared::prescription::{parse_identifier, Verification};
use regard_shared::ErrorCode;

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{calendar_date, date_time};
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn PrescriptionLookup() -> impl IntoView {
    view! {
            <LookupForm />
    }
}

#[component]
fn LookupForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_identifier(&typed.get_untracked()) {
            Some(id) => navigate(&format!("/rx/{id}"), Default::default()),
            None => error.set(Some(t_string!(i18n, pharmacy.bad_identifier).to_string())),
        }
    };
    view! {
        <h1>{t!(i18n, pharmacy.title)}</h1>
        <form class="card" on:submit=submit novalidate>
            <label for="rx-id">{t!(i18n, pharmacy.identifier)}</label>
            <input id="rx-id" type="text" autocomplete="off" autocapitalize="characters" placeholder="RX-XXXX-XXXX-XXXX-XXXX" bind:value=typed />
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary">{t!(i18n, pharmacy.check)}</button>
        </form>
    }
}

#[component]
pub fn PrescriptionCheck() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
            <CheckView id=id.clone() />
    }
}

#[component]
fn CheckView(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let found = RwSignal::new(None::<Verification>);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let load = move || {
        spawn_local(async move {
            match api::verify_prescription(&id.get_value()).await {
                Ok(v) => found.set(Some(v)),
                Err(Failure::Api(e)) if e.code == ErrorCode::NotFound => {
                    error.set(Some(t_string!(i18n, pharmacy.not_found).to_string()))
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        })
    };
    load();
    let dispense = move |_| {
        spawn_local(async move {
            match api::dispense_prescription(&id.get_value()).await {
                Ok(v) => found.set(Some(v)),
                // Refused: already dispensed (the page then shows when) or a bad signature.
                Err(Failure::Api(e)) if e.code == ErrorCode::Conflict => {
                    error.set(Some(t_string!(i18n, pharmacy.refused).to_string()));
                    load();
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        })
    };
    view! {
        <h1>{t!(i18n, pharmacy.check_title)} " " {id.get_value()}</h1>
        <ErrorAlert message=error.into() />
        {move || found.get().map(|v| {
            let lang = i18n.get_locale_untracked().as_str();
            let p = v.prescription.clone();
            let verdict = if v.signature_valid {
                view! { <p class="alert alert-ok" data-testid="signature">{t!(i18n, pharmacy.valid)}</p> }.into_any()
            } else {
                view! { <p class="alert alert-error" data-testid="signature">{t!(i18n, pharmacy.invalid)}</p> }.into_any()
            };
            let dispensed = v.dispensed_at.map(|at| {
                let by = v.dispensed_by.clone().unwrap_or_default();
                view! { <p class="alert alert-error" role="status" data-testid="dispensed">
                    {t_string!(i18n, pharmacy.already, date = date_time(at, lang), by = by).to_string()}
                </p> }
            });
            let can_dispense = v.signature_valid && v.dispensed_at.is_none();
            view! {
                {verdict}
                {dispensed}
                <dl class="identity">
                    <dt>{t!(i18n, pharmacy.prescriber)}</dt>
                    <dd>
                        {format!("{} – {}", p.prescriber_name, p.prescriber_organisation)}
                        {p.prescriber_national_id.as_deref().map(|id| view! { <br /><span data-testid="prescriber-id">{national_id::label(id)}</span> })}
                    </dd>
                    <dt>{t!(i18n, pharmacy.patient)}</dt><dd>{format!("{} {} ({})", p.patient_first_name, p.patient_last_name, calendar_date(&p.patient_birth_date, lang))}</dd>
                    <dt>{t!(i18n, pharmacy.issued)}</dt><dd>{date_time(p.issued_at, lang)}</dd>
                </dl>
                <ol class="rx-lines">
                    {p.lines.into_iter().map(|l| view! {
                        <li><strong>{l.medicine}</strong> " — " {l.dosage} " — " {l.duration} " — " {l.quantity}
                            {(!l.note.is_empty()).then(|| view! { <br /><em>{l.note.clone()}</em> })}</li>
                    }).collect_view()}
                </ol>
                <Show when=move || can_dispense>
                    <button type="button" class="primary big" on:click=dispense>{t!(i18n, pharmacy.dispense)}</button>
                </Show>
            }
        })}
    }
}
