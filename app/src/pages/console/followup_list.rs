//! The patients followed, a page at a time, those needing attention first (the
//! server orders them before cutting pages). News refetches every page shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::live::News;
use regard_shared::monitoring::wire::FollowUpSummary;

use crate::api::{monitoring as api, Failure};
use crate::components::error_text::error_text;
use crate::components::format::{calendar_date, date_time};
use crate::components::paged::{fetch_pages, PageFooter, Shown};
use crate::i18n::*;
use crate::live::on_news;
use crate::pages::console::monitoring_desk::status_name;
use crate::texts::use_texts;

#[component]
pub fn FollowUpList() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let pages = RwSignal::new(1_usize);
    let list = RwSignal::new(None::<Result<Shown<FollowUpSummary>, Failure>>);
    let load =
        move || spawn_local(async move { list.set(Some(fetch_pages(pages.get_untracked(), api::followups).await)) });
    load();
    on_news(|news| matches!(news, News::FollowUp { .. }), load);
    let on_more = Callback::new(move |()| {
        pages.update(|p| *p += 1);
        load();
    });
    view! {
        <section class="card" aria-labelledby="followups-title">
            <h2 id="followups-title">{t!(i18n, monitoring.list_title)}</h2>
            {move || match list.get() {
                None => view! { <p class="muted">"…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                Some(Ok(shown)) if shown.items.is_empty() => {
                    view! { <p class="muted">{t!(i18n, monitoring.none)}</p> }.into_any()
                }
                Some(Ok(shown)) => view! {
                    <FollowUpTable items=shown.items.clone() />
                    <PageFooter shown=shown.items.len() total=shown.total more=shown.more on_more=on_more />
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn FollowUpTable(items: Vec<FollowUpSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let when =
        move |at: Option<i64>| at.map(|ms| date_time(ms, i18n.get_locale_untracked().as_str())).unwrap_or_default();
    let row = move |f: FollowUpSummary| {
        view! {
            <tr>
                <td><a href=format!("/console/monitoring/{}", f.id)>{f.patient_name.clone()}</a></td>
                <td>{f.protocol_title.clone()}</td>
                <td>{calendar_date(&f.start_date, i18n.get_locale_untracked().as_str())}</td>
                <td><span class=format!("badge status-{:?}", f.status).to_lowercase()>{status_name(i18n, f.status)}</span></td>
                <td>{f.open_alerts}</td>
                <td>{when(f.last_filled_at)}</td>
                <td>{when(f.next_due_at)}</td>
            </tr>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="followups">
                <thead><tr>
                    <th scope="col">{t!(i18n, monitoring.patient)}</th>
                    <th scope="col">{t!(i18n, monitoring.protocol)}</th>
                    <th scope="col">{t!(i18n, monitoring.started)}</th>
                    <th scope="col">{t!(i18n, monitoring.status)}</th>
                    <th scope="col">{t!(i18n, monitoring.alerts)}</th>
                    <th scope="col">{t!(i18n, monitoring.last_filled)}</th>
                    <th scope="col">{t!(i18n, monitoring.next_due)}</th>
                </tr></thead>
                <tbody>{items.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}
