//! A console list shown a page at a time: the pages opened so far are fetched
//! again together when news arrives, and a button opens the next one. The
//! server orders the whole list before cutting it, so nothing is ever dropped.

use std::future::Future;

use leptos::prelude::*;
use regard_shared::page::Page;

use crate::api::Failure;
use crate::i18n::*;

/// The pages opened so far, put together.
#[derive(Clone)]
pub struct Shown<T> {
    pub items: Vec<T>,
    pub total: u32,
    pub more: bool,
}

/// The first `pages` pages, each fetched by `fetch` from the marker the
/// previous one gave.
pub async fn fetch_pages<T, F, Fut>(pages: usize, fetch: F) -> Result<Shown<T>, Failure>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, Failure>>,
{
    let mut shown = Shown { items: Vec::new(), total: 0, more: false };
    let mut after = None::<String>;
    for _ in 0..pages.max(1) {
        let page = fetch(after.take()).await?;
        shown.items.extend(page.items);
        shown.total = page.total;
        after = page.next;
        if after.is_none() {
            break;
        }
    }
    shown.more = after.is_some();
    Ok(shown)
}

/// Under a list that does not fit on screen: how many rows of how many, and
/// the button for more. Nothing when every row is shown.
#[component]
pub fn PageFooter(shown: usize, total: u32, more: bool, on_more: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    (more || shown < total as usize).then(|| {
        view! {
            <p class="muted list-count">{t!(i18n, pages.shown_of, shown = shown, total = total)}</p>
            {more.then(|| view! {
                <button type="button" class="secondary" on:click=move |_| on_more.run(())>
                    {t!(i18n, pages.show_more)}
                </button>
            })}
        }
    })
}
