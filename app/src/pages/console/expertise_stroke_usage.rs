//! Télé-AVC per month and other site: how many stroke requests, what was
//! decided, and the median delays a neurovascular network reviews (door to
//! decision, door to needle, and the share of needles within 60 minutes).

use leptos::prelude::*;
use regard_shared::stroke::StrokeMonth;

use crate::api::expertise as api;
use crate::components::error_text::error_text;
use crate::components::format::month_name;
use crate::i18n::*;
use crate::texts::use_texts;

fn minutes(value: Option<i64>) -> String {
    value.map_or("—".to_owned(), |m| format!("{m} min"))
}

#[component]
pub fn StrokeUsage() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let months = LocalResource::new(api::stroke_usage);
    let row = move |m: StrokeMonth| {
        view! {
            <tr>
                <th scope="row">{month_name(&m.month, i18n.get_locale().as_str())}</th>
                <td>{m.site.clone()}</td>
                <td>{m.requests}</td>
                <td>{format!("{} / {} / {}", m.decided, m.thrombolysis, m.thrombectomy)}</td>
                <td>{minutes(m.request_to_taken)}</td>
                <td>{minutes(m.door_to_decision)}</td>
                <td>{minutes(m.door_to_needle)}</td>
                <td>{format!("{} / {}", m.needle_within_60, m.thrombolysis)}</td>
            </tr>
        }
    };
    view! {
        <p><a href="/console/expertise">{t!(i18n, expertise.back)}</a></p>
        <h1>{t!(i18n, stroke.usage_title)}</h1>
        <section class="card">
            {move || match months.get() {
                None => view! { <p class="muted">"…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t!(i18n, stroke.usage_none)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-scroll">
                        <table data-testid="stroke-usage">
                            <thead><tr>
                                <th scope="col">{t!(i18n, assist.usage_month)}</th>
                                <th scope="col">{t!(i18n, stroke.usage_site)}</th>
                                <th scope="col">{t!(i18n, stroke.usage_requests)}</th>
                                <th scope="col">{t!(i18n, stroke.usage_decisions)}</th>
                                <th scope="col">{t!(i18n, stroke.usage_taken)}</th>
                                <th scope="col">{t!(i18n, stroke.door_to_decision)}</th>
                                <th scope="col">{t!(i18n, stroke.door_to_needle)}</th>
                                <th scope="col">{t!(i18n, stroke.usage_within_60)}</th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <p class="hint">{t!(i18n, stroke.usage_note)}</p>
        </section>
    }
}
