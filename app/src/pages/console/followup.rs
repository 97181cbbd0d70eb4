//! One patient's follow-up, for the clinician: where it stands, the alerts,
//! a chart per number asked (temperature, SpO2…), every answer by day, the
//! schedule with reminders, and the actions: export as FHIR, new link, stop.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::live::News;
use regard_shared::monitoring::questionnaire::ItemType;
use regard_shared::monitoring::wire::FollowUpDetail;

use super::followup_consultation::FollowUpTeleconsultation;
use super::monitoring_desk::{status_name, AlertList};
use crate::api::{monitoring as api, Failure};
use crate::components::error_text::error_text;
use crate::components::format::due_state_text;
use crate::components::format::{calendar_date, date_time};
use crate::components::line_chart::LineChart;
use crate::components::patient_language::PatientLanguageTerm;
use crate::components::questionnaire_form::answer_text;
use crate::i18n::*;
use crate::live::on_news;
use crate::texts::use_texts;

#[component]
pub fn FollowUpPanel() -> impl IntoView {
    view! { <FollowUpView /> }
}

#[component]
fn FollowUpView() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let id = StoredValue::new(use_params_map().read_untracked().get("id").unwrap_or_default());
    let detail = RwSignal::new(None::<Result<FollowUpDetail, Failure>>);
    let load = move || spawn_local(async move { detail.set(Some(api::followup(&id.get_value()).await)) });
    load();
    on_news(move |news| matches!(news, News::FollowUp { id: changed, .. } if id.with_value(|id| id == changed)), load);
    let on_change = Callback::new(move |()| load());
    move || match detail.get() {
        None => view! { <p class="muted" role="status">"…"</p> }.into_any(),
        Some(Err(failure)) => {
            view! { <p class="alert alert-error" role="alert">{error_text(texts, &failure)}</p> }.into_any()
        }
        Some(Ok(d)) => view! {
            <Header detail=d.clone() on_change=on_change />
            <section class="card" aria-labelledby="alerts-title">
                <h2 id="alerts-title">{t!(i18n, monitoring.alerts)}</h2>
                <AlertList alerts=d.alerts.clone() on_change=on_change with_patient=false />
            </section>
            <FollowUpTeleconsultation detail=d.clone() />
            <Charts detail=d.clone() />
            <Answers detail=d.clone() />
            <Schedule detail=d />
        }
        .into_any(),
    }
}

#[component]
fn Header(detail: FollowUpDetail, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(detail.summary.id.clone());
    let act = move |action: &'static str| {
        spawn_local(async move {
            let _ = api::followup_action(&id.get_value(), action).await;
            confirming.set(false);
            on_change.run(());
        })
    };
    let language = move || i18n.get_locale().as_str();
    let s = detail.summary.clone();
    let consent = move || match detail.consented_at {
        Some(at) => date_time(at, language()),
        None => t_string!(i18n, monitoring.consent_pending).to_string(),
    };
    let channels = [(detail.reminders.sms, "SMS"), (detail.reminders.email, "e-mail")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(", ");
    let ended = detail.ended_at.map(|at| (at, detail.purge_at.unwrap_or(at)));
    view! {
        <h1>{s.patient_name.clone()}</h1>
        <p class="lead">
            {s.protocol_title.clone()} " · " <span class=format!("badge status-{:?}", s.status).to_lowercase()>{status_name(i18n, s.status)}</span>
        </p>
        <dl class="identity">
            <dt>{t!(i18n, consultation.birth_date)}</dt><dd>{calendar_date(&detail.birth_date, language())}</dd>
            <dt>{t!(i18n, consultation.phone)}</dt><dd>{detail.phone.clone().unwrap_or_default()}</dd>
            <dt>{t!(i18n, consultation.email)}</dt><dd>{detail.email.clone().unwrap_or_default()}</dd>
            <dt>{t!(i18n, monitoring.started)}</dt><dd>{calendar_date(&s.start_date, language())}</dd>
            <dt>{t!(i18n, monitoring.consent)}</dt><dd>{consent}</dd>
            <dt>{t!(i18n, monitoring.reminders)}</dt><dd>{channels}</dd>
            <PatientLanguageTerm language=detail.language />
        </dl>
        {ended.map(|(at, purge)| view! {
            <p class="alert">{move || t_string!(i18n, monitoring.ended, date = date_time(at, language()), purge = date_time(purge, language())).to_string()}</p>
        })}
        <p class="actions">
            <a class="button secondary" href=api::export_url(&s.id) download="">{t!(i18n, monitoring.export)}</a>
            {detail.ended_at.is_none().then(|| view! {
                <button type="button" class="secondary" on:click=move |_| act("resend")>{t!(i18n, monitoring.resend)}</button>
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="stop" on:click=move |_| confirming.set(true)>{t!(i18n, monitoring.stop)}</button>
                }>
                    <span role="alert">{t!(i18n, monitoring.stop_confirm)}</span> " "
                    <button type="button" class="stop" on:click=move |_| act("stop")>{t!(i18n, monitoring.confirm)}</button>
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{t!(i18n, monitoring.cancel)}</button>
                </Show>
            })}
        </p>
    }
}

/// One chart per number question that has answers.
#[component]
fn Charts(detail: FollowUpDetail) -> impl IntoView {
    let i18n = use_i18n();
    let last_day = detail.schedule.last().map(|d| d.day).unwrap_or(1);
    let charts: Vec<_> = detail
        .questionnaire
        .item
        .iter()
        .filter(|item| matches!(item.kind, ItemType::Integer | ItemType::Decimal))
        .filter_map(|item| {
            let points: Vec<(u32, f64)> = detail
                .submissions
                .iter()
                .filter_map(|s| s.answers.get(&item.link_id).and_then(|a| a.number()).map(|v| (s.day, v)))
                .collect();
            (!points.is_empty()).then(|| (item.clone(), points))
        })
        .collect();
    view! {
        <section class="card charts" aria-labelledby="charts-title">
            <h2 id="charts-title" class="visually-hidden">{t!(i18n, monitoring.answers_title)}</h2>
            {charts.into_iter().map(|(item, points)| {
                let values = points.iter().map(|(day, v)| format!("J{day} {v}")).collect::<Vec<_>>().join(", ");
                let title = item.clinician_title().to_owned();
                let label = t_string!(i18n, monitoring.chart_label, title = title.clone(), values).to_string();
                view! { <LineChart title=title unit=item.unit().unwrap_or_default().to_owned() points=points last_day=last_day label=label /> }
            }).collect_view()}
        </section>
    }
}

/// Every answer: a row per question, a column per filled day.
#[component]
fn Answers(detail: FollowUpDetail) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let followup_id = detail.summary.id.clone();
    let submissions = detail.submissions.clone();
    let rows = detail
        .questionnaire
        .item
        .clone()
        .into_iter()
        .map(|item| {
            let cells = submissions
                .iter()
                .map(|s| {
                    match s.answers.get(&item.link_id) {
            Some(regard_shared::monitoring::questionnaire::Answer::Attachment(photo)) => view! {
                <td><a href=api::photo_url(&followup_id, photo) target="_blank">{t!(i18n, monitoring.photo)}</a></td>
            }.into_any(),
            Some(answer) => view! { <td>{answer_text(texts, Some(&item), answer)}</td> }.into_any(),
            None => view! { <td>"–"</td> }.into_any(),
        }
                })
                .collect_view();
            view! { <tr><th scope="row">{item.text.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="answers-title">
            <h2 id="answers-title">{t!(i18n, monitoring.answers_title)}</h2>
            <div class="table-scroll">
                <table class="answers">
                    <thead><tr>
                        <th scope="col">{t!(i18n, monitoring.question)}</th>
                        {submissions.iter().map(|s| { let day = s.day; view! { <th scope="col">{move || t_string!(i18n, monitoring.day, day).to_string()}</th> } }).collect_view()}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Schedule(detail: FollowUpDetail) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let now = js_sys::Date::now() as i64;
    view! {
        <section class="card" aria-labelledby="schedule-title">
            <h2 id="schedule-title">{t!(i18n, monitoring.schedule_title)}</h2>
            <ul class="schedule">
                {detail.schedule.into_iter().map(|d| {
                    let state = due_state_text(texts, &d, now);
                    let reminded = d.reminded_at.map(|_| view! { " · " {t!(i18n, monitoring.reminded)} });
                    view! { <li>{move || t_string!(i18n, monitoring.day, day = d.day).to_string()} " – " {move || date_time(d.due_at, i18n.get_locale().as_str())} " – " {state} {reminded}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
