//! The console's link to tele-expertise, with what waits there: questions and
//! answers the requesting side has not read, requests no specialist has taken.
//! It is how a GP learns in the console that the specialist wrote back.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::Waiting;
use regard_shared::live::News;

use crate::api::expertise as api;
use crate::i18n::*;
use crate::live::on_news;

#[component]
pub fn ExpertiseNavLink(current: Signal<Option<&'static str>>) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = RwSignal::new(Waiting::default());
    let poll = move || {
        spawn_local(async move {
            if let Ok(now) = api::waiting().await {
                waiting.set(now);
            }
        });
    };
    poll();
    on_news(|news| matches!(news, News::Expertise { .. }), poll);
    let count = move || {
        let w = waiting.get();
        w.unread + w.queued
    };
    view! {
        <a href="/console/expertise" aria-current=move || current.get()>
            {t!(i18n, console.nav_expertise)}
            <Show when=move || { count() > 0 }>
                " "
                <span class="badge" data-testid="expertise-badge">
                    {count}
                    <span class="visually-hidden">
                        " " {move || t_string!(i18n, expertise.waiting_badge, count = count()).to_string()}
                    </span>
                </span>
            </Show>
        </a>
    }
}
