//! Urgent tele-expertise requests ringing the specialist on call (and the
//! fallback, once the set time has passed untaken), on every page of their
//! console: a banner, a chime repeated until someone takes the request, the
//! tab's title, and a system notification for each new one.

use std::collections::HashSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::expertise::{Step, StepRequest};
use regard_shared::live::News;
use regard_shared::on_call::RingingRequest;

use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::time_of_day;
use crate::components::ringing::{announce, ring_while};
use crate::i18n::*;
use crate::live::on_news;
use crate::pages::console::expertise_desk::specialty_name;
use crate::texts::use_texts;

#[component]
pub fn RingingRequests() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let requests = RwSignal::new(Vec::<RingingRequest>::new());
    let announced = StoredValue::new(HashSet::<String>::new());
    let error = RwSignal::new(None::<String>);
    // Bumped to ask again: on news, and when the fallback's turn comes.
    let wake = RwSignal::new(0u32);
    let turn = StoredValue::new(None::<TimeoutHandle>);

    let poll = move || {
        spawn_local(async move {
            let Ok(ringing) = api::ringing().await else { return };
            if let Some(previous) = turn.get_value() {
                previous.clear();
            }
            // A moment after the turn, so the server sees it come too.
            let next = ringing.next_in_ms.map(|wait| Duration::from_millis(wait.max(0) as u64 + 250));
            turn.set_value(next.and_then(|wait| set_timeout_with_handle(move || wake.update(|n| *n += 1), wait).ok()));
            let title = |r: &RingingRequest| {
                t_string!(i18n, on_call.notification, specialty = specialty_name(i18n, r.request.specialty)).to_string()
            };
            let said = ringing.now.iter().map(|r| (r.request.id.clone(), title(r), r.request.patient_name.clone()));
            announce(announced, said.collect());
            requests.set(ringing.now);
        });
    };
    Effect::new(move |_| {
        wake.track();
        poll();
    });
    on_cleanup(move || {
        if let Some(handle) = turn.get_value() {
            handle.clear();
        }
    });
    // Sent, taken by a colleague, or rung elsewhere: ask again.
    on_news(|news| matches!(news, News::Expertise { .. }), move || wake.update(|n| *n += 1));
    ring_while(move || requests.read().len(), move || t_string!(i18n, on_call.ringing_title).to_string());

    let take = Callback::new(move |id: String| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let step = StepRequest { step: Step::Take, body: String::new(), file_ids: Vec::new() };
            match api::step(&id, &step).await {
                Ok(_) => {
                    requests.update(|list| list.retain(|r| r.request.id != id));
                    navigate(&format!("/console/expertise/{id}"), Default::default());
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    });
    view! {
        <Show when=move || !requests.read().is_empty() || error.read().is_some()>
            <section class="alert alert-ringing" role="alert" aria-labelledby="urgent-title" data-testid="ringing-requests">
                <h2 id="urgent-title">{t!(i18n, on_call.ringing_title)}</h2>
                <ErrorAlert message=error.into() />
                <ul>
                    <For each=move || requests.get() key=|r| (r.request.id.clone(), r.as_fallback) let:ringing>
                        <RingingRequestItem ringing=ringing take=take />
                    </For>
                </ul>
            </section>
        </Show>
    }
}

#[component]
fn RingingRequestItem(ringing: RingingRequest, take: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let r = ringing.request;
    let (id, href, at) = (r.id.clone(), format!("/console/expertise/{}", r.id), r.submitted_at);
    let what = t_string!(
        i18n,
        on_call.ringing_request,
        specialty = specialty_name(i18n, r.specialty),
        patient = r.patient_name,
        site = r.requesting_site
    )
    .to_string();
    let sent = move || t_string!(i18n, on_call.sent_at, time = time_of_day(at, i18n.get_locale().as_str())).to_string();
    view! {
        <li>
            <p><strong>{what}</strong> " · " {sent}</p>
            {ringing.as_fallback.then(|| view! { <p>{t!(i18n, on_call.as_fallback)}</p> })}
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| take.run(id.clone())>{t!(i18n, on_call.take)}</button>
                <a class="button secondary" href=href>{t!(i18n, on_call.open)}</a>
            </div>
        </li>
    }
}
