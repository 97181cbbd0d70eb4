//! The tele-monitoring desk: alerts to handle, the patients followed with where
//! each stands, enrolling a patient (the link leaves at once), adding a
//! protocol from a file, and the follow-ups whose data has been deleted.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_navigate;
use regard_shared::live::News;
use regard_shared::monitoring::alerts::Level;
use regard_shared::monitoring::wire::{AlertView, DeletionReceipt, NewFollowUp, ProtocolSummary, Status};

use crate::api::{monitoring as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{date_time, today_iso};
use crate::components::outbox::Outbox;
use crate::components::paged::{fetch_pages, PageFooter, Shown};
use crate::components::patient_fields::{self, PatientFields, PatientInputs};
use crate::components::patient_language::PatientLanguageSelect;
use crate::i18n::*;
use crate::live::on_news;
use crate::pages::console::followup_list::FollowUpList;
use crate::texts::use_texts;

#[component]
pub fn MonitoringDesk() -> impl IntoView {
    let i18n = use_i18n();
    view! {
            <h1>{t!(i18n, monitoring.title)}</h1>
            <OpenAlerts />
            <FollowUpList />
            <div class="columns">
                <EnrolForm />
                <Outbox />
            </div>
            <div class="columns">
                <ProtocolImport />
                <Receipts />
            </div>
    }
}

pub fn status_name(i18n: I18nContext<Locale>, status: Status) -> String {
    match status {
        Status::Invited => t_string!(i18n, monitoring.status_invited),
        Status::OnTrack => t_string!(i18n, monitoring.status_on_track),
        Status::Alert => t_string!(i18n, monitoring.status_alert),
        Status::Missed => t_string!(i18n, monitoring.status_missed),
        Status::Stopped => t_string!(i18n, monitoring.status_stopped),
        Status::Finished => t_string!(i18n, monitoring.status_finished),
    }
    .to_string()
}

fn level_name(i18n: I18nContext<Locale>, level: Level) -> String {
    match level {
        Level::Red => t_string!(i18n, monitoring.level_red),
        Level::Orange => t_string!(i18n, monitoring.level_orange),
    }
    .to_string()
}

/// Alerts, red first, each acknowledged with a note of what was done.
#[component]
pub fn AlertList(alerts: Vec<AlertView>, on_change: Callback<()>, with_patient: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="alerts">
            {alerts.into_iter().map(|alert| {
                let note = RwSignal::new(String::new());
                let id = StoredValue::new(alert.id.clone());
                let acknowledge = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    spawn_local(async move {
                        if api::acknowledge(&id.get_value(), note.get_untracked()).await.is_ok() {
                            on_change.run(());
                        }
                    });
                };
                let level = alert.level;
                let when = move || date_time(alert.raised_at, i18n.get_locale().as_str());
                let note_id = format!("note-{}", alert.id);
                view! {
                    <li class=format!("alert-item level-{}", if level == Level::Red { "red" } else { "orange" })>
                        <span class="badge">{level_name(i18n, level)}</span> " "
                        {with_patient.then(|| view! { <a href=format!("/console/monitoring/{}", alert.followup_id)>{alert.patient_name.clone()}</a> " · " })}
                        <strong>{alert.message.clone()}</strong> " · "
                        {move || t_string!(i18n, monitoring.day, day = alert.day).to_string()} " · " {when}
                        {match alert.acknowledged_at {
                            Some(_) => view! { <p class="muted">{t_string!(i18n, monitoring.acknowledged, name = alert.acknowledged_by.clone().unwrap_or_default(), note = alert.note.clone()).to_string()}</p> }.into_any(),
                            None => view! {
                                <form class="inline" on:submit=acknowledge>
                                    <label for=note_id.clone()>{t!(i18n, monitoring.note)}</label>
                                    <input id=note_id type="text" maxlength="1000" bind:value=note />
                                    <button type="submit" class="secondary">{t!(i18n, monitoring.acknowledge)}</button>
                                </form>
                            }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn OpenAlerts() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    // A failed fetch says so: it must never read as "no alert".
    let alerts = RwSignal::new(None::<Result<Shown<AlertView>, Failure>>);
    let pages = RwSignal::new(1_usize);
    let load = move || {
        spawn_local(async move { alerts.set(Some(fetch_pages(pages.get_untracked(), api::open_alerts).await)) })
    };
    load();
    on_news(|news| matches!(news, News::FollowUp { .. }), load);
    let on_change = Callback::new(move |()| load());
    let on_more = Callback::new(move |()| {
        pages.update(|p| *p += 1);
        load();
    });
    view! {
        <section class="card" aria-labelledby="alerts-title">
            <h2 id="alerts-title">{t!(i18n, monitoring.open_alerts_title)}</h2>
            {move || match alerts.get() {
                None => view! { <p class="muted" role="status">"…"</p> }.into_any(),
                Some(Err(failure)) => {
                    view! { <p class="alert alert-error" role="alert">{error_text(texts, &failure)}</p> }.into_any()
                }
                Some(Ok(shown)) if shown.items.is_empty() => {
                    view! { <p class="muted">{t!(i18n, monitoring.no_open_alerts)}</p> }.into_any()
                }
                Some(Ok(shown)) => view! {
                    <AlertList alerts=shown.items.clone() on_change=on_change with_patient=true />
                    <PageFooter shown=shown.items.len() total=shown.total more=shown.more on_more=on_more />
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn EnrolForm() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let patient = PatientInputs::new();
    let protocols = RwSignal::new(Vec::<ProtocolSummary>::new());
    let protocol = RwSignal::new(String::new());
    let start = RwSignal::new(today_iso());
    let language = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        let list = api::protocols().await.unwrap_or_default();
        if let Some(first) = list.first() {
            protocol.set(first.id.clone());
        }
        protocols.set(list);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (phone, email) = match patient.check(texts, &today_iso()) {
            Ok(contact) => contact,
            Err(message) => return error.set(Some(message)),
        };
        let request = NewFollowUp {
            last_name: patient.last_name.get_untracked(),
            first_name: patient.first_name.get_untracked(),
            birth_date: patient.birth_date.get_untracked(),
            phone,
            email,
            protocol_id: protocol.get_untracked(),
            start_date: start.get_untracked(),
            language: language.get_untracked(),
        };
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::enrol(&request).await {
                Ok(created) => navigate(&format!("/console/monitoring/{}", created.summary.id), Default::default()),
                Err(failure) => error.set(Some(patient_fields::refusal(texts, &failure, |field| match field {
                    "start_date" => Some(t_string!(i18n, monitoring.start_date_error).to_string()),
                    "protocol_id" => Some(t_string!(i18n, monitoring.protocol_error).to_string()),
                    _ => None,
                }))),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="enrol-title">
            <h2 id="enrol-title">{t!(i18n, monitoring.enrol_title)}</h2>
            <form on:submit=submit novalidate>
                <PatientFields inputs=patient prefix="m" />
                <label for="m-protocol">{t!(i18n, monitoring.protocol)}</label>
                <select id="m-protocol" on:change=move |ev| protocol.set(event_target_value(&ev)) prop:value=move || protocol.get()>
                    <For each=move || protocols.get() key=|p| (p.id.clone(), p.version) let:p>
                        <option value=p.id.clone()>{format!("{} (J{} → J{}, {})", p.title, p.days.first().copied().unwrap_or(1), p.days.last().copied().unwrap_or(1), p.time)}</option>
                    </For>
                </select>
                <label for="m-start">{t!(i18n, monitoring.start_date)}</label>
                <input id="m-start" type="date" bind:value=start />
                <PatientLanguageSelect id="m-language" value=language patient=true />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, monitoring.enrol)}</button>
            </form>
        </section>
    }
}

#[component]
fn ProtocolImport() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let message = RwSignal::new(None::<Result<String, String>>);
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let outcome = match api::import_protocol(text.unwrap_or_default()).await {
                Ok(p) => Ok(t_string!(i18n, monitoring.imported, title = p.title, version = p.version).to_string()),
                // The server says where the mistake is (`questionnaire.item[3].linkId: …`): show it as is.
                Err(Failure::Api(e)) => Err(e.message),
                Err(failure) => Err(error_text(texts, &failure)),
            };
            message.set(Some(outcome));
        });
    };
    view! {
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">{t!(i18n, monitoring.import_title)}</h2>
            <p class="hint">{t!(i18n, monitoring.import_hint)}</p>
            <label for="protocol-file">{t!(i18n, monitoring.import_file)}</label>
            <input id="protocol-file" type="file" accept="application/json,.json" on:change=on_file />
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="alert alert-ok" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="alert alert-error" role="alert">{text}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Receipts() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let pages = RwSignal::new(1_usize);
    let receipts = RwSignal::new(None::<Result<Shown<DeletionReceipt>, Failure>>);
    let load =
        move || spawn_local(async move { receipts.set(Some(fetch_pages(pages.get_untracked(), api::receipts).await)) });
    load();
    let on_more = Callback::new(move |()| {
        pages.update(|p| *p += 1);
        load();
    });
    let line = move |r: DeletionReceipt| {
        let date = date_time(r.deleted_at, i18n.get_locale().as_str());
        let text = t_string!(
            i18n,
            monitoring.receipt_line,
            name = r.patient_name,
            title = r.protocol_title,
            date,
            count = r.questionnaires
        );
        view! { <li>{text.to_string()}</li> }
    };
    view! {
        <section class="card" aria-labelledby="receipts-title">
            <h2 id="receipts-title">{t!(i18n, monitoring.receipts_title)}</h2>
            {move || match receipts.get() {
                None => view! { <p class="muted">"…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                Some(Ok(shown)) => view! {
                    <ul>{shown.items.clone().into_iter().map(line).collect_view()}</ul>
                    <PageFooter shown=shown.items.len() total=shown.total more=shown.more on_more=on_more />
                }.into_any(),
            }}
        </section>
    }
}
