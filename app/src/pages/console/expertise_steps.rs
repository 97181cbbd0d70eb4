//! What each side may do next on a request, offered from the shared status
//! rules: the specialist takes it, asks for more or answers; the requester
//! replies with text and images; either closes an answered request; the
//! specialist who took it may schedule a teleconsultation with the patient.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::{Escalation, FileView, RequestDetail, Side, Step, StepRequest};
use regard_shared::ErrorCode;

use super::consultation_day::local_instant;
use super::expertise_files::FileUploader;
use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::today_iso;
use crate::components::patient_fields;
use crate::i18n::*;
use crate::texts::{tx, use_texts, Texts};

fn refused(i18n: leptos_i18n::I18nContext<Locale>, texts: Texts, failure: &Failure) -> String {
    match failure {
        Failure::Api(e) if e.code == ErrorCode::Conflict => t_string!(i18n, expertise.step_refused).to_string(),
        Failure::Api(e) if e.field.as_deref() == Some("body") => tx!(texts, form_errors.field_required),
        _ => error_text(texts, failure),
    }
}

/// What the user is writing on a request: owned by the request's page, not by
/// the forms, so that a reload (their own step, news from the other side)
/// redraws the forms without wiping a message being typed.
#[derive(Clone, Copy)]
pub struct Draft {
    body: RwSignal<String>,
    files: RwSignal<Vec<FileView>>,
}

impl Default for Draft {
    fn default() -> Draft {
        Draft { body: RwSignal::new(String::new()), files: RwSignal::new(Vec::new()) }
    }
}

impl Draft {
    fn clear(self) {
        self.body.set(String::new());
        self.files.set(Vec::new());
    }
}

#[component]
pub fn StepForms(detail: RequestDetail, draft: Draft, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let (side, status, mine) = (detail.side, detail.summary.status, detail.taken_by_you);
    // The rules say whose turn it is; only the specialist who took it goes on.
    let can =
        move |step: Step| status.after(side, step).is_some() && (side == Side::Requester || step == Step::Take || mine);
    let id = StoredValue::new(detail.summary.id.clone());
    let Draft { body, files } = draft;
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |step: Step| {
        if pending.get_untracked() {
            return;
        }
        let request = StepRequest {
            step,
            body: body.get_untracked(),
            file_ids: files.read_untracked().iter().map(|f| f.id.clone()).collect(),
        };
        if matches!(step, Step::AskInformation | Step::Reply | Step::Answer) && request.checked_body().is_err() {
            return error.set(Some(tx!(texts, form_errors.field_required)));
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::step(&id.get_value(), &request).await {
                Ok(_) => {
                    draft.clear();
                    on_done.run(());
                }
                Err(failure) => error.set(Some(refused(i18n, texts, &failure))),
            }
            pending.set(false);
        });
    };
    let writes = can(Step::AskInformation) || can(Step::Answer) || can(Step::Reply);
    view! {
        <div class="step-forms">
            {can(Step::Take).then(|| view! {
                <button type="button" class="primary large" disabled=move || pending.get() on:click=move |_| send(Step::Take)>
                    {t!(i18n, expertise.take)}
                </button>
            })}
            {writes.then(|| view! {
                <label for="step-body">{if side == Side::Expert { t_string!(i18n, expertise.your_message) } else { t_string!(i18n, expertise.your_reply) }}</label>
                <textarea id="step-body" rows="5" maxlength="4000" bind:value=body></textarea>
                {can(Step::Reply).then(|| view! { <FileUploader files=files input_id="reply-files" /> })}
                <div class="actions">
                    {can(Step::AskInformation).then(|| view! {
                        <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| send(Step::AskInformation)>
                            {t!(i18n, expertise.ask)}
                        </button>
                    })}
                    {can(Step::Answer).then(|| view! {
                        <button type="button" class="primary" disabled=move || pending.get() on:click=move |_| send(Step::Answer)>
                            {t!(i18n, expertise.answer)}
                        </button>
                    })}
                    {can(Step::Reply).then(|| view! {
                        <button type="button" class="primary" disabled=move || pending.get() on:click=move |_| send(Step::Reply)>
                            {t!(i18n, expertise.reply)}
                        </button>
                    })}
                </div>
            })}
            {can(Step::Close).then(|| view! {
                <button type="button" class="secondary" disabled=move || pending.get() on:click=move |_| send(Step::Close)>
                    {t!(i18n, expertise.close)}
                </button>
            })}
            <ErrorAlert message=error.into() />
        </div>
    }
}

/// The specialist who took a request schedules a teleconsultation with the
/// patient; the invitation goes out as for any teleconsultation.
#[component]
pub fn Escalate(detail: RequestDetail, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let status = detail.summary.status;
    if let Some(consultation) = detail.consultation_id.clone().filter(|_| detail.side == Side::Expert) {
        return view! {
            <p><a href=format!("/console/consultations/{consultation}")>{t!(i18n, expertise.open_consultation)}</a></p>
        }
        .into_any();
    }
    let offered = detail.side == Side::Expert
        && detail.taken_by_you
        && detail.consultation_id.is_none()
        && status.after(Side::Expert, Step::Escalate).is_some();
    if !offered {
        return ().into_any();
    }
    let id = StoredValue::new(detail.summary.id.clone());
    let [date, at, phone, email] = std::array::from_fn(|_| RwSignal::new(String::new()));
    date.set(today_iso());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(scheduled_at) = local_instant(&date.get_untracked(), &at.get_untracked()) else {
            return error.set(Some(tx!(texts, form_errors.scheduled_at)));
        };
        let filled = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|v| !v.is_empty());
        let escalation = Escalation { scheduled_at, phone: filled(phone), email: filled(email) };
        if escalation.phone.is_none() && escalation.email.is_none() {
            return error.set(Some(tx!(texts, form_errors.contact)));
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::escalate(&id.get_value(), &escalation).await {
                Ok(_) => on_done.run(()),
                Err(failure) => error.set(Some(patient_fields::refusal(texts, &failure, |field| match field {
                    "scheduled_at" => Some(tx!(texts, form_errors.scheduled_at)),
                    _ => None,
                }))),
            }
            pending.set(false);
        });
    };
    view! {
        <details class="escalate">
            <summary>{t!(i18n, expertise.escalate)}</summary>
            <form on:submit=submit novalidate>
                <label for="esc-date">{t!(i18n, consultation.date)}</label>
                <input id="esc-date" type="date" bind:value=date />
                <label for="esc-time">{t!(i18n, consultation.time)}</label>
                <input id="esc-time" type="time" bind:value=at />
                <label for="esc-phone">{t!(i18n, consultation.phone)}</label>
                <input id="esc-phone" type="tel" inputmode="tel" autocomplete="off" bind:value=phone />
                <label for="esc-email">{t!(i18n, consultation.email)}</label>
                <input id="esc-email" type="email" autocomplete="off" bind:value=email />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, expertise.escalate_send)}</button>
            </form>
        </details>
    }
    .into_any()
}
