//! The regulator's video assist desk: start an assist, see recent ones and the
//! text messages sent.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_navigate;
use regard_shared::assist::{AssistSummary, NewAssist, Outcome, CASE_REFERENCE_MAX_CHARS};
use regard_shared::live::News;
use regard_shared::phone::{self, PhoneError};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::date_time;
use crate::components::outbox::Outbox;
use crate::components::paged::{fetch_pages, PageFooter, Shown};
use crate::components::patient_language::PatientLanguageSelect;
use crate::i18n::*;
use crate::live::on_news;
use crate::texts::{tx, use_texts, Texts};

#[component]
pub fn AssistDesk() -> impl IntoView {
    view! {
            <h1>{t!(use_i18n(), assist.nav)}</h1>
            <p><a href="/console/assist/usage">{t!(use_i18n(), assist.usage_link)}</a></p>
            <div class="columns">
                <NewAssistForm />
                <Outbox />
            </div>
            <RecentAssists />
    }
}

pub fn phone_error(texts: Texts, error: PhoneError) -> String {
    match error {
        PhoneError::Invalid => tx!(texts, form_errors.phone_invalid),
        PhoneError::NotMobile => tx!(texts, form_errors.phone_not_mobile),
    }
    .to_string()
}

#[component]
fn NewAssistForm() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let phone_number = RwSignal::new(String::new());
    let case_reference = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let language = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        // The same rules as the server, checked here to answer at once and in the page's language.
        if let Err(e) = phone::normalise(&phone_number.get_untracked()) {
            error.set(Some(phone_error(texts, e)));
            return;
        }
        if case_reference.get_untracked().chars().count() > CASE_REFERENCE_MAX_CHARS {
            error.set(Some(tx!(texts, form_errors.too_long)));
            return;
        }
        let optional = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let request = NewAssist {
            phone: phone_number.get_untracked(),
            case_reference: optional(case_reference.get_untracked()),
            note: optional(note.get_untracked()),
            language: language.get_untracked(),
        };
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::create_assist(&request).await {
                Ok(case) => navigate(&format!("/console/assist/{}", case.summary.id), Default::default()),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };

    view! {
        <section class="card" aria-labelledby="new-assist">
            <h2 id="new-assist">{t!(i18n, assist.new_title)}</h2>
            <form on:submit=submit novalidate>
                <label for="assist-phone">{t!(i18n, assist.phone)}</label>
                <input id="assist-phone" type="tel" inputmode="tel" autocomplete="off" aria-describedby="assist-phone-hint" bind:value=phone_number />
                <p id="assist-phone-hint" class="hint">{t!(i18n, assist.phone_hint)}</p>
                <PatientLanguageSelect id="assist-language" value=language />
                <label for="assist-case">{t!(i18n, assist.case_reference)}</label>
                <input id="assist-case" type="text" autocomplete="off" maxlength="64" bind:value=case_reference />
                <label for="assist-note">{t!(i18n, assist.note)}</label>
                <textarea id="assist-note" rows="2" maxlength="2000" bind:value=note></textarea>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { t_string!(i18n, assist.sending) } else { t_string!(i18n, assist.send) }}
                </button>
            </form>
        </section>
    }
}

pub fn outcome_name(i18n: I18nContext<Locale>, outcome: Outcome) -> String {
    match outcome {
        Outcome::MedicalAdvice => t_string!(i18n, outcomes.medical_advice),
        Outcome::Gp => t_string!(i18n, outcomes.gp),
        Outcome::Ambulance => t_string!(i18n, outcomes.ambulance),
        Outcome::Firefighters => t_string!(i18n, outcomes.firefighters),
        Outcome::Smur => t_string!(i18n, outcomes.smur),
        Outcome::Other => t_string!(i18n, outcomes.other),
    }
    .to_string()
}

#[component]
fn RecentAssists() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let pages = RwSignal::new(1_usize);
    let cases = RwSignal::new(None::<Result<Shown<AssistSummary>, Failure>>);
    let load =
        move || spawn_local(async move { cases.set(Some(fetch_pages(pages.get_untracked(), api::assists).await)) });
    load();
    on_news(|news| matches!(news, News::Assist { .. } | News::Caller { .. }), load);
    let on_more = Callback::new(move |()| {
        pages.update(|p| *p += 1);
        load();
    });
    view! {
        <section class="card" aria-labelledby="recent-assists">
            <h2 id="recent-assists">{t!(i18n, assist.recent)}</h2>
            {move || match cases.get() {
                None => view! { <p class="muted">"…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                Some(Ok(shown)) if shown.items.is_empty() => {
                    view! { <p class="muted">{t!(i18n, assist.none)}</p> }.into_any()
                }
                Some(Ok(shown)) => view! {
                    <CaseTable cases=shown.items.clone() />
                    <PageFooter shown=shown.items.len() total=shown.total more=shown.more on_more=on_more />
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CaseTable(cases: Vec<AssistSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |case: AssistSummary| {
        let lang = i18n.get_locale().as_str();
        let href = format!("/console/assist/{}", case.id);
        let label = t_string!(i18n, assist.open_case, phone = case.phone.clone()).to_string();
        let outcome =
            case.outcome.map(|o| outcome_name(i18n, o)).unwrap_or_else(|| t_string!(i18n, assist.pending).to_string());
        view! {
            <tr>
                <td>{date_time(case.created_at, lang)}</td>
                <td><a href=href aria-label=label>{case.phone.clone()}</a></td>
                <td>{case.case_reference.clone().unwrap_or_default()}</td>
                <td class="case-note-cell">{case.note.clone().unwrap_or_default()}</td>
                <td>{outcome}</td>
            </tr>
        }
    };
    view! {
        <div class="table-scroll">
            <table>
                <thead><tr>
                    <th scope="col">{t!(i18n, assist.created_at)}</th>
                    <th scope="col">{t!(i18n, assist.caller)}</th>
                    <th scope="col">{t!(i18n, assist.reference)}</th>
                    <th scope="col">{t!(i18n, assist.case_note)}</th>
                    <th scope="col">{t!(i18n, assist.outcome)}</th>
                </tr></thead>
                <tbody>{cases.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}
