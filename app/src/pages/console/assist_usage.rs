//! Video assist activity per month: volume, share that reached video, decisions.

use leptos::prelude::*;
use regard_shared::assist::Outcome;
use regard_shared::usage::MonthUsage;

use crate::api;
use crate::components::error_text::error_text;
use crate::components::format::month_name;
use crate::i18n::*;
use crate::pages::console::assist_list::outcome_name;
use crate::texts::use_texts;

#[component]
pub fn AssistUsage() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let months = LocalResource::new(api::usage);
    let row = move |month: MonthUsage| {
        let share = (month.reached_video * 100).checked_div(month.assists).unwrap_or(0);
        let outcomes = Outcome::ALL
            .into_iter()
            .filter_map(|outcome| {
                let key = serde_json::to_value(outcome).ok()?.as_str()?.to_owned();
                let count = month.outcomes.get(&key)?;
                Some(format!("{} : {count}", outcome_name(i18n, outcome)))
            })
            .collect::<Vec<_>>()
            .join(" · ");
        view! {
            <tr>
                <th scope="row">{month_name(&month.month, i18n.get_locale().as_str())}</th>
                <td>{month.assists}</td>
                <td>{format!("{} ({share} %)", month.reached_video)}</td>
                <td>{outcomes}</td>
            </tr>
        }
    };
    view! {
            <p><a href="/console/assist">{t!(i18n, assist.back)}</a></p>
            <h1>{t!(i18n, assist.usage_title)}</h1>
            <section class="card">
                {move || match months.get() {
                    None => view! { <p class="muted">"…"</p> }.into_any(),
                    Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t!(i18n, assist.usage_none)}</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <div class="table-scroll">
                            <table data-testid="usage">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, assist.usage_month)}</th>
                                    <th scope="col">{t!(i18n, assist.usage_assists)}</th>
                                    <th scope="col">{t!(i18n, assist.usage_video)}</th>
                                    <th scope="col">{t!(i18n, assist.usage_outcomes)}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                            </table>
                        </div>
                    }.into_any(),
                }}
                <p class="hint">{t!(i18n, assist.usage_note)}</p>
            </section>
    }
}
