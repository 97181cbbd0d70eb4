//! The patient's home follow-up, reached from the link of the first text
//! message or e-mail (`/m/:token`) and, once joined, from any reminder (`/m`,
//! which carries no secret: this phone stays signed in). Joining asks for the
//! date of birth, the consent and the reminder channels.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::assist::LinkState;
use regard_shared::consultation as rules;
use regard_shared::monitoring::wire::{DeletionReceipt, FollowUpInvitation, PatientView, Reminders};
use regard_shared::ErrorCode;

use super::monitoring_portal::{Portal, Said};
use crate::api::{monitoring as api, Failure};
use crate::components::error_text::{birth_date_refusal, error_text, ErrorAlert};
use crate::components::format::{date_time, today_iso};
use crate::components::notice::Notice;
use crate::i18n::*;
use crate::texts::{tx, use_texts};

#[derive(Clone, PartialEq)]
enum Step {
    Loading,
    Join(FollowUpInvitation),
    Portal(PatientView),
    SignedOut,
    Expired,
    /// Too many wrong dates of birth.
    Locked,
    InUse,
    Failed(String),
}

#[component]
pub fn FollowUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let step = RwSignal::new(Step::Loading);
    let said = RwSignal::new(None::<Said>);
    let fail = move |failure: Failure| {
        step.set(match &failure {
            Failure::Api(e) if e.code == ErrorCode::Unauthenticated => Step::SignedOut,
            Failure::Api(e) if e.code == ErrorCode::LinkInUse => Step::InUse,
            Failure::Api(e) if e.code == ErrorCode::IdentityLocked => Step::Locked,
            Failure::Api(e) if matches!(e.code, ErrorCode::LinkExpired | ErrorCode::NotFound) => Step::Expired,
            _ => Step::Failed(error_text(texts, &failure)),
        })
    };
    let load_mine = move || {
        spawn_local(async move {
            match api::mine().await {
                Ok(view) => step.set(Step::Portal(view)),
                Err(failure) => fail(failure),
            }
        })
    };
    if token.is_empty() {
        load_mine();
    } else {
        let token = token.clone();
        spawn_local(async move {
            match api::invitation(&token).await {
                Ok(info) => match info.state {
                    LinkState::Valid => step.set(Step::Join(info)),
                    LinkState::AcceptedHere => load_mine(),
                    LinkState::InUse => step.set(Step::InUse),
                    LinkState::Expired => step.set(Step::Expired),
                },
                Err(failure) => fail(failure),
            }
        });
    }
    let token = StoredValue::new(token);
    let on_view = Callback::new(move |view: PatientView| step.set(Step::Portal(view)));
    let on_signed_out = Callback::new(move |()| step.set(Step::SignedOut));
    let on_fail = Callback::new(fail);
    view! {
        <article class="patient monitoring">
            {move || match step.get() {
                Step::Loading => view! { <p role="status" class="muted">"…"</p> }.into_any(),
                Step::Join(info) => view! { <Join info=info token=token.get_value() on_view=on_view on_fail=on_fail /> }.into_any(),
                Step::Portal(PatientView::Active(followup)) => {
                    view! { <Portal followup=*followup said=said on_view=on_view on_signed_out=on_signed_out /> }.into_any()
                }
                Step::Portal(PatientView::Deleted(receipt)) => view! { <Receipt receipt=receipt /> }.into_any(),
                Step::SignedOut => view! { <Notice title=t_string!(i18n, patient_monitoring.signed_out_title).to_string() body=t_string!(i18n, patient_monitoring.signed_out).to_string() /> }.into_any(),
                Step::Expired => view! { <Notice title=t_string!(i18n, patient_consultation.expired_title).to_string() body=t_string!(i18n, patient_monitoring.expired).to_string() /> }.into_any(),
                Step::Locked => view! { <Notice title=t_string!(i18n, patient_consultation.locked_title).to_string() body=t_string!(i18n, patient_consultation.locked).to_string() /> }.into_any(),
                Step::InUse => view! { <Notice title=tx!(texts, caller.in_use_title) body=t_string!(i18n, patient_monitoring.in_use).to_string() /> }.into_any(),
                Step::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
            }}
        </article>
    }
}

/// Who proposes what, the date of birth, the consent and the reminders: one screen.
#[component]
fn Join(
    info: FollowUpInvitation,
    token: String,
    on_view: Callback<PatientView>,
    on_fail: Callback<Failure>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let birth_date = RwSignal::new(String::new());
    let sms = RwSignal::new(info.can_sms);
    let email = RwSignal::new(info.can_email && !info.can_sms);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if rules::birth_date(&birth_date.get_untracked(), &today_iso()).is_err() {
            error.set(Some(tx!(texts, errors.birth_date)));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let language = i18n.get_locale_untracked().as_str();
            let reminders = Reminders { sms: sms.get_untracked(), email: email.get_untracked() };
            match api::join(&token.get_value(), birth_date.get_untracked(), language, reminders).await {
                Ok(view) => on_view.run(view),
                Err(Failure::Api(e)) if e.field.as_deref() == Some("birth_date") => error.set(Some(
                    birth_date_refusal(texts, &e, t_string!(i18n, patient_monitoring.wrong_birth_date).to_string()),
                )),
                Err(failure) => on_fail.run(failure),
            }
            pending.set(false);
        });
    };
    let practice = info.practice.clone();
    view! {
        <h1>{move || t_string!(i18n, patient_monitoring.title, practice = practice.clone()).to_string()}</h1>
        <p class="lead">{info.protocol_title.clone()}</p>
        <form on:submit=submit novalidate>
            <label for="m-birth">{t!(i18n, patient_consultation.birth_date)}</label>
            <input id="m-birth" type="date" autocomplete="bday" bind:value=birth_date aria-describedby="m-birth-hint" />
            <p id="m-birth-hint" class="hint">{t!(i18n, patient_monitoring.birth_date_hint)}</p>
            // The one thing to do first, visible without scrolling on a small phone; the
            // reminders (changeable later) and what it accepts follow.
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary big" disabled=move || pending.get()>{t!(i18n, patient_monitoring.start)}</button>
            <ReminderChoice sms=sms email=email can_sms=info.can_sms can_email=info.can_email />
            <section aria-labelledby="consent-title">
                <h2 id="consent-title">{move || tx!(texts, caller.consent_title)}</h2>
                <ul class="consent">
                    <li>{t!(i18n, patient_monitoring.consent_what)}</li>
                    <li>{t!(i18n, patient_monitoring.consent_who)}</li>
                    <li>{t!(i18n, patient_monitoring.consent_delete)}</li>
                    <li>{t!(i18n, patient_monitoring.consent_stop)}</li>
                </ul>
            </section>
        </form>
        <p class="alert alert-emergency"><strong>{move || tx!(texts, common.emergency)}</strong></p>
    }
}

/// The reminder channels the clinician gave, as checkboxes.
#[component]
pub fn ReminderChoice(sms: RwSignal<bool>, email: RwSignal<bool>, can_sms: bool, can_email: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="reminders">
            <legend>{t!(i18n, patient_monitoring.reminders_title)}</legend>
            <Show when=move || can_sms>
                <div class="choice">
                    <input type="checkbox" id="remind-sms" bind:checked=sms />
                    <label for="remind-sms">{t!(i18n, patient_monitoring.by_sms)}</label>
                </div>
            </Show>
            <Show when=move || can_email>
                <div class="choice">
                    <input type="checkbox" id="remind-email" bind:checked=email />
                    <label for="remind-email">{t!(i18n, patient_monitoring.by_email)}</label>
                </div>
            </Show>
        </fieldset>
    }
}

#[component]
fn Receipt(receipt: DeletionReceipt) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let date = date_time(receipt.deleted_at, i18n.get_locale().as_str());
        t_string!(
            i18n,
            patient_monitoring.receipt,
            date,
            title = receipt.protocol_title.clone(),
            questionnaires = receipt.questionnaires,
            photos = receipt.photos,
            alerts = receipt.alerts
        )
        .to_string()
    };
    view! {
        <section class="card receipt" aria-labelledby="receipt-title">
            <h1 id="receipt-title">{t!(i18n, patient_monitoring.receipt_title)}</h1>
            <p>{text}</p>
            <p class="muted">{t!(i18n, patient_monitoring.receipt_kept)}</p>
        </section>
    }
}
