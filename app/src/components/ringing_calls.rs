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
use crate::components::tab_title;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::audio;

/// The chime repeats this often until someone takes the call.
const CHIME_MS: u64 = 3000;

#[component]
pub fn RingingCalls() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let calls = RwSignal::new(Vec::<IncomingCall>::new());
    let announced = StoredValue::new(HashSet::<String>::new());
    let error = RwSignal::new(None::<String>);

    let poll = move || {
        spawn_local(async move {
            let Ok(ringing) = api::ringing().await else { return };
            let fresh: Vec<_> =
                ringing.iter().filter(|c| announced.with_value(|seen| !seen.contains(&c.assist_id))).collect();
            if !fresh.is_empty() {
                audio::chime();
            }
            for call in fresh {
                let title = t_string!(i18n, nursing_home.ringing_notification, home = call.nursing_home.clone());
                audio::notify(&title.to_string(), &call.reason);
            }
            announced.update_value(|seen| {
                seen.retain(|id| ringing.iter().any(|c| &c.assist_id == id));
                seen.extend(ringing.iter().map(|c| c.assist_id.clone()));
            });
            calls.set(ringing);
        });
    };
    poll();
    // A call rings, is taken by a colleague, or is answered.
    let rings_or_stops = |news: &News| {
        matches!(news, News::Assist { event: EventKind::Requested | EventKind::Taken | EventKind::Decision, .. })
    };
    on_news(rings_or_stops, poll);
    let ring = move || {
        if !calls.read_untracked().is_empty() {
            audio::chime();
        }
    };
    if let Ok(handle) = set_interval_with_handle(ring, std::time::Duration::from_millis(CHIME_MS)) {
        on_cleanup(move || handle.clear());
    }
    tab_title::count_in_title(
        move || calls.read().len(),
        move || t_string!(i18n, nursing_home.ringing_title).to_string(),
    );

    let take = Callback::new(move |assist_id: String| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::take(&assist_id).await {
                Ok(_) => {
                    calls.update(|list| list.retain(|c| c.assist_id != assist_id));
                    navigate(&format!("/console/assist/{assist_id}"), Default::default());
                }
                Err(failure) => error.set(Some(error_text(i18n, &failure))),
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
