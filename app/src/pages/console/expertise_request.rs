//! One tele-expertise request, as either side sees it: the patient, the form's
//! answers, the images (zoom and pan), and the thread, where each side takes
//! the steps the status allows (shared rules): take, ask for more, reply,
//! answer, close, or schedule a teleconsultation with the patient.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::expertise::{Message, RequestDetail, Side, Status, Step, Urgency};
use regard_shared::live::News;
use regard_shared::on_call::Rung;

use super::expertise_desk::{specialty_name, status_name};
use super::expertise_files::{FileGallery, OpenedFile};
use super::expertise_nihss::LiveNihss;
use super::expertise_steps::{Draft, Escalate, StepForms};
use super::expertise_stroke::{StrokeDraft, StrokeTimelineCard};
use super::expertise_video::LiveVideo;
use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{calendar_date, date_time, time_of_day};
use crate::components::questionnaire_form::answer_text;
use crate::i18n::*;
use crate::live::on_news;
use crate::texts::use_texts;

#[component]
pub fn ExpertiseRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
            <p><a href="/console/expertise">{t!(i18n, expertise.back)}</a></p>
            <RequestView id=id.clone() />
    }
}

#[component]
fn RequestView(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let detail = RwSignal::new(None::<RequestDetail>);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let load = move || {
        spawn_local(async move {
            match api::request(&id.get_value()).await {
                Ok(found) => detail.set(Some(found)),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        })
    };
    load();
    on_news(move |news| matches!(news, News::Expertise { id: changed } if id.with_value(|id| id == changed)), load);
    let reload = Callback::new(move |_| load());
    let draft = Draft::default();
    let stroke_draft = StrokeDraft::default();
    let open_file = RwSignal::new(None);
    view! {
        <ErrorAlert message=error.into() />
        {move || detail.get().map(|d| view! { <Heading detail=d /> })}
        <LiveVideo id=id.get_value() detail=detail />
        {move || detail.get().map(|d| {
            let lang = i18n.get_locale().as_str();
            view! {
                <div class="columns">
                    <LiveNihss detail=d.clone() on_done=reload />
                    <StrokeTimelineCard detail=d.clone() draft=stroke_draft on_done=reload />
                </div>
                <div class="columns">
                    <section class="card" aria-labelledby="request-title">
                        <h2 id="request-title">{d.form.title.clone()}</h2>
                        <Answers detail=d.clone() />
                        <h3>{t!(i18n, expertise.images)}</h3>
                        <FileGallery files=d.files.clone() may_download=d.side == Side::Expert open=open_file />
                    </section>
                    <section class="card" aria-labelledby="thread-title">
                        <h2 id="thread-title">{t!(i18n, expertise.thread)}</h2>
                        <Thread messages=d.thread.clone() lang=lang />
                        <StepForms detail=d.clone() draft=draft on_done=reload />
                        <Escalate detail=d.clone() on_done=reload />
                    </section>
                </div>
            }
        })}
        <OpenedFile open=open_file />
    }
}

/// Who, what, where it stands, and whom it rings.
#[component]
fn Heading(detail: RequestDetail) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.get_locale().as_str();
    let (d, s) = (&detail, detail.summary.clone());
    view! {
        <h1>{s.patient_name.clone()}</h1>
        <p>
            {t_string!(i18n, expertise.born, date = calendar_date(&d.patient.birth_date, lang)).to_string()}
            " · " {specialty_name(i18n, s.specialty)}
            {(s.urgency == Urgency::Urgent).then(|| view! { " · " <strong class="urgent">{t!(i18n, expertise.urgent)}</strong> })}
        </p>
        <p>
            <strong data-testid="expertise-status" data-status=s.status.as_str()>{status_name(i18n, s.status)}</strong>
            " · " {t_string!(i18n, expertise.route, from = s.requesting_site.clone(), to = s.expert_site.clone()).to_string()}
            {d.expert.clone().map(|name| format!(" · {}", t_string!(i18n, expertise.taken_by, name = name)))}
            {taken_at(d).map(|at| format!(" ({})", time_of_day(at, lang)))}
        </p>
        {d.rung.clone().filter(|_| s.status == Status::Submitted).map(|rung| view! {
            <p class="alert" role="status" data-testid="rung">{rung_text(i18n, &rung, lang)}</p>
        })}
    }
}

#[component]
fn Answers(detail: RequestDetail) -> impl IntoView {
    let texts = use_texts();
    let items = detail
        .form
        .questionnaire
        .item
        .iter()
        .filter_map(|item| {
            let answer = detail.answers.get(&item.link_id)?;
            Some(view! { <dt>{item.text.clone()}</dt> <dd>{answer_text(texts, Some(item), answer)}</dd> })
        })
        .collect_view();
    view! { <dl class="answers" data-testid="expertise-answers">{items}</dl> }
}

fn step_title(i18n: leptos_i18n::I18nContext<Locale>, message: &Message) -> String {
    match message.step {
        Step::Submit => t_string!(i18n, expertise.step_submit).to_string(),
        Step::Take => t_string!(i18n, expertise.step_take).to_string(),
        Step::AskInformation => t_string!(i18n, expertise.step_ask).to_string(),
        Step::Reply => t_string!(i18n, expertise.step_reply).to_string(),
        Step::Answer => t_string!(i18n, expertise.step_answer).to_string(),
        Step::Close => t_string!(i18n, expertise.step_close).to_string(),
        Step::Escalate => t_string!(i18n, expertise.step_escalate, when = message.body.clone()).to_string(),
    }
}

#[component]
fn Thread(messages: Vec<Message>, lang: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="thread" data-testid="expertise-thread">
            {messages.into_iter().map(|m| {
                let text = (m.step != Step::Escalate && !m.body.is_empty()).then(|| m.body.clone());
                let files = m.file_ids.len();
                view! {
                    <li data-step=format!("{:?}", m.step).to_lowercase() class=if m.side == Side::Expert { "from-expert" } else { "from-requester" }>
                        <p><strong>{step_title(i18n, &m)}</strong> " — " {m.author.clone()} " · " <time>{date_time(m.at, lang)}</time></p>
                        {text.map(|t| view! { <p class="message-body">{t}</p> })}
                        {(files > 0).then(|| view! { <p class="hint">{t_string!(i18n, expertise.files_attached, count = files).to_string()}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// When a specialist took the request: its thread's step.
fn taken_at(detail: &RequestDetail) -> Option<i64> {
    detail.thread.iter().find(|m| m.step == Step::Take).map(|m| m.at)
}

/// Whom an untaken urgent request rings, and when the fallback will be rung.
fn rung_text(i18n: leptos_i18n::I18nContext<Locale>, rung: &Rung, lang: &str) -> String {
    let mut text = t_string!(i18n, on_call.rung, on_call = rung.on_call.clone()).to_string();
    if let Some(fallback) = &rung.fallback {
        let time = time_of_day(rung.escalate_at, lang);
        text.push_str(&t_string!(i18n, on_call.rung_fallback, fallback = fallback.clone(), time = time).to_string());
    }
    text.push('.');
    text
}
