//! Nursing homes' calls ringing in the SAMU centre, on every page of a
//! regulator's console: a banner, a chime repeated until someone takes the
//! call, the tab's title, and a system notification for each new call.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::assist::EventKind;
use regard_shared::live::News;
use regard_shared::nursing_home::IncomingCall;

use crate::api::nursing_home as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::ringing::{announce, ring_while};
use crate::i18n::*;
use crate::live::on_news;
use crate::texts::use_texts;

#[component]
pub fn RingingCalls() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let calls = RwSignal::new(Vec::<IncomingCall>::new());
    let announced = StoredValue::new(HashSet::<String>::new());
    let error = RwSignal::new(None::<String>);

    let poll = move || {
        spawn_local(async move {
            let Ok(ringing) = api::ringing().await else { return };
            let title = |c: &IncomingCall| {
                t_string!(i18n, nursing_home.ringing_notification, home = c.nursing_home.clone()).to_string()
            };
            announce(announced, ringing.iter().map(|c| (c.assist_id.clone(), title(c), c.reason.clone())).collect());
            calls.set(ringing);
        });
    };
    poll();
    // A call rings, is taken by a colleague, or is answered.
    let rings_or_stops = |news: &News| {
        matches!(news, News::Assist { event: EventKind::Requested | EventKind::Taken | EventKind::Decision, .. })
    };
    on_news(rings_or_stops, poll);
    ring_while(move || calls.read().len(), move || t_string!(i18n, nursing_home.ringing_title).to_string());

    let take = Callback::new(move |assist_id: String| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::take(&assist_id).await {
                Ok(_) => {
                    calls.update(|list| list.retain(|c| c.assist_id != assist_id));
                    navigate(&format!("/console/assist/{assist_id}"), Default::default());
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    });
    view! {
        <Show when=move || !calls.read().is_empty() || error.read().is_some()>
            <section class="alert alert-ringing" role="alert" aria-labelledby="ringing-title" data-testid="ringing">
                <h2 id="ringing-title">{t!(i18n, nursing_home.ringing_title)}</h2>
                <ErrorAlert message=error.into() />
                <ul>
                    <For each=move || calls.get() key=|c| c.assist_id.clone() let:call>
                        {
                            let id = call.assist_id.clone();
                            let who = t_string!(i18n, nursing_home.ringing_call,
                                home = call.nursing_home.clone(), name = call.resident_name.clone(), room = call.room.clone()).to_string();
                            view! {
                                <li>
                                    <p><strong>{who}</strong> " — " {call.reason.clone()}</p>
                                    <button type="button" class="primary" on:click=move |_| take.run(id.clone())>
                                        {t!(i18n, nursing_home.take)}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </section>
        </Show>
    }
}
