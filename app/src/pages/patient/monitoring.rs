//! The patient's home follow-up, reached from the link of the first text
//! message or e-mail (`/m/:token`) and, once joined, from any reminder (`/m`,
//! which carries no secret: this phone stays signed in). Joining asks for the
//! date of birth, the consent and the reminder channels.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::assist::LinkState;
use regard_shared::consultation as rules;
use regard_shared::lang::Lang;
use regard_shared::monitoring::translation::translated;
use regard_shared::monitoring::wire::{DeletionReceipt, FollowUpInvitation, PatientView, Reminders};
use regard_shared::ErrorCode;

use super::monitoring_portal::{Portal, Said};
use crate::api::{monitoring as api, Failure};
use crate::components::error_text::{birth_date_refusal, error_text, ErrorAlert};
use crate::components::format::{date_time, intl_tag, today_iso};
use crate::components::notice::Notice;
use crate::texts::{isolated, tx, use_texts};

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
    // The language the clinician chose, or the patient last did, wins over
    // this phone's; read on arrival only, so a later refresh never undoes a
    // choice the patient is making.
    let follow = move |language: Option<Lang>| language.into_iter().for_each(|lang| texts.choose(lang));
    let load_mine = move || {
        spawn_local(async move {
            match api::mine().await {
                Ok(view) => {
                    if let PatientView::Active(followup) = &view {
                        follow(followup.language);
                    }
                    step.set(Step::Portal(view))
                }
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
                    LinkState::Valid => {
                        follow(info.language);
                        step.set(Step::Join(info))
                    }
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
                Step::SignedOut => view! { <Notice title=tx!(texts, followup.signed_out_title) body=tx!(texts, followup.signed_out) /> }.into_any(),
                Step::Expired => view! { <Notice title=tx!(texts, followup.expired_title) body=tx!(texts, followup.expired) /> }.into_any(),
                Step::Locked => view! { <Notice title=tx!(texts, followup.locked_title) body=tx!(texts, followup.locked) /> }.into_any(),
                Step::InUse => view! { <Notice title=tx!(texts, caller.in_use_title) body=tx!(texts, followup.in_use) /> }.into_any(),
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
            error.set(Some(tx!(texts, form_errors.birth_date)));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let language = texts.lang_untracked().code();
            let reminders = Reminders { sms: sms.get_untracked(), email: email.get_untracked() };
            match api::join(&token.get_value(), birth_date.get_untracked(), language, reminders).await {
                Ok(view) => on_view.run(view),
                Err(Failure::Api(e)) if e.field.as_deref() == Some("birth_date") => {
                    error.set(Some(birth_date_refusal(texts, &e, tx!(texts, followup.wrong_birth_date))))
                }
                Err(failure) => on_fail.run(failure),
            }
            pending.set(false);
        });
    };
    let practice = info.practice.clone();
    let title = move || translated(&info.protocol_title, info.title_translations.as_ref(), texts.lang()).to_owned();
    view! {
        <h1>{move || tx!(texts, followup.title, practice = isolated(texts.lang(), practice.clone()))}</h1>
        <p class="lead">{title}</p>
        <form on:submit=submit novalidate>
            <label for="m-birth">{move || tx!(texts, followup.birth_date)}</label>
            <input id="m-birth" type="date" autocomplete="bday" bind:value=birth_date aria-describedby="m-birth-hint" />
            <p id="m-birth-hint" class="hint">{move || tx!(texts, followup.birth_date_hint)}</p>
            // The one thing to do first, visible without scrolling on a small phone; the
            // reminders (changeable later) and what it accepts follow.
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary big" disabled=move || pending.get()>{move || tx!(texts, followup.start)}</button>
            <ReminderChoice sms=sms email=email can_sms=info.can_sms can_email=info.can_email />
            <section aria-labelledby="consent-title">
                <h2 id="consent-title">{move || tx!(texts, caller.consent_title)}</h2>
                <ul class="consent">
                    <li>{move || tx!(texts, followup.consent_what)}</li>
                    <li>{move || tx!(texts, followup.consent_who)}</li>
                    <li>{move || tx!(texts, followup.consent_delete)}</li>
                    <li>{move || tx!(texts, followup.consent_stop)}</li>
                </ul>
            </section>
        </form>
        <p class="alert alert-emergency"><strong>{move || tx!(texts, common.emergency)}</strong></p>
    }
}

/// The reminder channels the clinician gave, as checkboxes.
#[component]
pub fn ReminderChoice(sms: RwSignal<bool>, email: RwSignal<bool>, can_sms: bool, can_email: bool) -> impl IntoView {
    let texts = use_texts();
    view! {
        <fieldset class="reminders">
            <legend>{move || tx!(texts, followup.reminders_title)}</legend>
            <Show when=move || can_sms>
                <div class="choice">
                    <input type="checkbox" id="remind-sms" bind:checked=sms />
                    <label for="remind-sms">{move || tx!(texts, followup.by_sms)}</label>
                </div>
            </Show>
            <Show when=move || can_email>
                <div class="choice">
                    <input type="checkbox" id="remind-email" bind:checked=email />
                    <label for="remind-email">{move || tx!(texts, followup.by_email)}</label>
                </div>
            </Show>
        </fieldset>
    }
}

#[component]
fn Receipt(receipt: DeletionReceipt) -> impl IntoView {
    let texts = use_texts();
    let text = move || {
        tx!(
            texts,
            followup.receipt,
            date = date_time(receipt.deleted_at, intl_tag(texts.lang())),
            title = isolated(
                texts.lang(),
                translated(&receipt.protocol_title, receipt.title_translations.as_ref(), texts.lang()).to_owned()
            ),
            questionnaires = receipt.questionnaires,
            photos = receipt.photos,
            alerts = receipt.alerts
        )
    };
    view! {
        <section class="card receipt" aria-labelledby="receipt-title">
            <h1 id="receipt-title">{move || tx!(texts, followup.receipt_title)}</h1>
            <p>{text}</p>
            <p class="muted">{move || tx!(texts, followup.receipt_kept)}</p>
        </section>
    }
}
