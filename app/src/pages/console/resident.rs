//! One resident, as the nursing home's nurse sees them: who they are, calling
//! the SAMU about them (the tablet then shows the resident to the regulator),
//! and what the SAMU decided on earlier calls.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::nursing_home::{CallStatus, Resident, ResidentCall, ResidentDetail, REASON_MAX_CHARS};
use regard_shared::validate;

use crate::api::{nursing_home as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{calendar_date, date_time};
use crate::i18n::*;
use crate::pages::console::assist_list::outcome_name;
use crate::texts::{tx, use_texts};

#[component]
pub fn ResidentPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
            <ResidentView id=id.clone() />
    }
}

#[component]
fn ResidentView(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let detail = RwSignal::new(None::<ResidentDetail>);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    spawn_local(async move {
        match api::resident(&id.get_value()).await {
            Ok(found) => detail.set(Some(found)),
            Err(failure) => error.set(Some(error_text(texts, &failure))),
        }
    });
    view! {
        <p><a href="/console/residents">{t!(i18n, nursing_home.back)}</a></p>
        <ErrorAlert message=error.into() />
        {move || detail.get().map(|d| {
            let r = d.resident;
            let lang = i18n.get_locale().as_str();
            view! {
                <h1>{format!("{} {}", r.first_name, r.last_name)}</h1>
                <p>
                    {t_string!(i18n, nursing_home.room_n, room = r.room.clone()).to_string()} " · "
                    {t_string!(i18n, nursing_home.born, date = calendar_date(&r.birth_date, lang)).to_string()}
                    {r.gp_name.clone().map(|gp| format!(" · {} : {gp}", t_string!(i18n, nursing_home.gp)))}
                </p>
                <p><a class="button secondary" href=expertise_link(&r)>{t!(i18n, nursing_home.ask_expert)}</a></p>
                <div class="columns">
                    <CallSamu resident_id=r.id.clone() />
                    <CallHistory calls=d.calls lang=lang />
                </div>
            }
        })}
    }
}

/// A tele-expertise request about this resident, their identity filled in.
fn expertise_link(resident: &Resident) -> String {
    let enc = |v: &str| String::from(js_sys::encode_uri_component(v));
    format!(
        "/console/expertise/new?last_name={}&first_name={}&birth_date={}",
        enc(&resident.last_name),
        enc(&resident.first_name),
        enc(&resident.birth_date)
    )
}

#[component]
fn CallSamu(resident_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let reason = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let online = web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Ok(text) = validate::required_text("reason", &reason.get_untracked(), REASON_MAX_CHARS) else {
            return error.set(Some(tx!(texts, form_errors.field_required)));
        };
        pending.set(true);
        error.set(None);
        let resident_id = resident_id.clone();
        spawn_local(async move {
            match api::call_samu(&resident_id, text).await {
                // The tablet becomes the caller's phone: same page, same video. That
                // page is its own entry (app/src/lib.rs), so the browser loads it.
                Ok(placed) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().assign(&placed.caller_path);
                    }
                }
                Err(failure) => {
                    // Without network the nurse must know at once to dial 15 instead.
                    error.set(Some(match failure {
                        Failure::Network => t_string!(i18n, nursing_home.needs_network).to_string(),
                        Failure::Api(_) => error_text(texts, &failure),
                    }));
                    pending.set(false);
                }
            }
        });
    };
    view! {
        <section class="card call-samu" aria-labelledby="call-title">
            <h2 id="call-title">{t!(i18n, nursing_home.call_title)}</h2>
            <p class="hint">{t!(i18n, nursing_home.call_hint)}</p>
            {(!online).then(|| view! { <p class="alert" role="alert">{t!(i18n, nursing_home.needs_network)}</p> })}
            <form on:submit=submit novalidate>
                <label for="call-reason">{t!(i18n, nursing_home.reason)}</label>
                <textarea id="call-reason" rows="3" maxlength="500" aria-describedby="call-reason-hint" bind:value=reason></textarea>
                <p id="call-reason-hint" class="hint">{t!(i18n, nursing_home.reason_hint)}</p>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary large" disabled=move || pending.get()>
                    {move || if pending.get() { t_string!(i18n, nursing_home.calling) } else { t_string!(i18n, nursing_home.call) }}
                </button>
            </form>
        </section>
    }
}

#[component]
fn CallHistory(calls: Vec<ResidentCall>, lang: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, nursing_home.history)}</h2>
            {if calls.is_empty() {
                view! { <p class="muted">{t!(i18n, nursing_home.no_calls)}</p> }.into_any()
            } else {
                view! {
                    <ul class="call-history" data-testid="call-history">
                        {calls.into_iter().map(|call| {
                            let status = match call.status {
                                CallStatus::Ringing => t_string!(i18n, nursing_home.status_ringing).to_string(),
                                CallStatus::Taken => t_string!(i18n, nursing_home.status_taken,
                                    name = call.regulator.clone().unwrap_or_default()).to_string(),
                                CallStatus::Decided => t_string!(i18n, nursing_home.status_decided,
                                    outcome = call.outcome.map(|o| outcome_name(i18n, o)).unwrap_or_default()).to_string(),
                            };
                            view! {
                                <li data-status=format!("{:?}", call.status).to_lowercase()>
                                    <p><time>{date_time(call.requested_at, lang)}</time> " — " {call.reason}</p>
                                    <p><strong>{status}</strong>
                                        {call.regulator.filter(|_| call.status == CallStatus::Decided).map(|name| format!(" ({name})"))}
                                    </p>
                                    {call.decision_note.filter(|n| !n.is_empty()).map(|note| view! { <p>{note}</p> })}
                                    <p class="hint">{t_string!(i18n, nursing_home.by, name = call.requested_by).to_string()}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
