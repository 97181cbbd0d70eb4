//! The NIHSS scored live on a stroke request: the scores sent with it, which
//! either side changes while they examine the patient together over video.
//! A changed item shows who scored it last and when; a change reaches the other
//! side at once (the request's news), and every change is kept.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::{RequestDetail, Status};
use regard_shared::nihss::{ItemScore, Nihss, ITEMS};

use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::time_of_day;
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn LiveNihss(detail: RequestDetail, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let Some(nihss) = detail.nihss.clone() else { return ().into_any() };
    let lang = i18n.get_locale().as_str();
    let open = detail.summary.status != Status::Closed;
    let id = StoredValue::new(detail.summary.id.clone());
    let error = RwSignal::new(None::<String>);
    let change = move |item: &'static str, score: u8| {
        spawn_local(async move {
            match api::nihss(&id.get_value(), &ItemScore { item: item.to_owned(), score }).await {
                Ok(_) => on_done.run(()),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let label = |item: &str| {
        let question = format!("nihss_{item}");
        detail
            .form
            .questionnaire
            .item
            .iter()
            .find(|q| q.link_id == question)
            .map_or(format!("NIHSS {item}"), |q| q.text.clone())
    };
    let total = nihss.total().map_or("—".to_owned(), |t| t.to_string());
    view! {
        <section class="card" aria-labelledby="nihss-title">
            <h2 id="nihss-title">{t!(i18n, nihss.title)}</h2>
            <p class="delays"><span>{t!(i18n, nihss.total)} " "<strong data-testid="nihss-total">{total}</strong></span></p>
            <div class="table-scroll">
                <table class="nihss" data-testid="nihss">
                    <tbody>
                        {ITEMS.into_iter().map(|(item, max)| view! {
                            <ItemRow item=item max=max label=label(item) nihss=nihss.clone() lang=lang open=open on_change=change />
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <ErrorAlert message=error.into() />
        </section>
    }
    .into_any()
}

#[component]
fn ItemRow(
    item: &'static str,
    max: u8,
    label: String,
    nihss: Nihss,
    lang: &'static str,
    open: bool,
    on_change: impl Fn(&'static str, u8) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = nihss.current(item).cloned();
    let score = current.as_ref().map(|e| e.score);
    // Who changed it since the request was sent; the first scores are the sender's.
    let changed = current.filter(|_| nihss.entries.iter().filter(|e| e.item == item).count() > 1);
    let select_id = format!("nihss-{item}");
    view! {
        <tr>
            <th scope="row"><label for=select_id.clone()>{label}</label></th>
            <td>
                <select id=select_id disabled=!open on:change=move |ev| {
                    if let Ok(score) = event_target_value(&ev).parse() {
                        on_change(item, score);
                    }
                }>
                    {score.is_none().then(|| view! { <option value="" selected=true>"—"</option> })}
                    {(0..=max).map(|n| view! { <option value=n.to_string() selected=score == Some(n)>{n}</option> }).collect_view()}
                </select>
            </td>
            <td class="hint">{changed.map(|e| t_string!(i18n, nihss.scored_by, by = e.by, time = time_of_day(e.at, lang)).to_string())}</td>
        </tr>
    }
}
