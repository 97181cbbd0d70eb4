//! The patient's list of languages, each in its own name and script (and its
//! `lang`, so a screen reader says it right): someone who cannot read the page's
//! language still finds theirs. A native disclosure: it opens without script
//! state, with the keyboard, and says whether it is open.

use leptos::prelude::*;
use regard_shared::lang::Lang;

use crate::texts::{tx, use_texts};

#[component]
pub fn LanguagePicker() -> impl IntoView {
    let texts = use_texts();
    let open = RwSignal::new(false);
    let choices = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <li>
                    <button type="button" lang=lang.code() dir=lang.dir()
                        aria-current=move || (texts.lang() == lang).then_some("true")
                        on:click=move |_| {
                            open.set(false);
                            texts.choose(lang);
                        }>
                        {lang.own_name()}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <details class="language-picker" prop:open=open on:toggle=move |e| open.set(event_target::<web_sys::HtmlDetailsElement>(&e).open())>
            <summary>
                // A globe drawn, not an emoji: many phones lack the emoji's font.
                <svg class="globe" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
                    <circle cx="10" cy="10" r="8.5" />
                    <path d="M1.5 10h17M10 1.5c-4.5 4.7-4.5 12.3 0 17M10 1.5c4.5 4.7 4.5 12.3 0 17" />
                </svg>
                <span class="visually-hidden">{move || tx!(texts, common.language)} ": "</span>
                {move || texts.lang().own_name()}
            </summary>
            <ul>{choices}</ul>
        </details>
    }
}
