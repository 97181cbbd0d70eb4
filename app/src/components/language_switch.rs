//! One button that switches to the next language. Each locale file names itself
//! (`language.name`, `language.switch_to`), so the button speaks the target
//! language: someone who cannot read the current one still finds it.

use leptos::prelude::*;

use crate::i18n::*;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let next = move || {
        let locales = Locale::get_all();
        let current = locales.iter().position(|l| *l == i18n.get_locale()).unwrap_or(0);
        locales[(current + 1) % locales.len()]
    };
    view! {
        <button
            type="button"
            class="language-switch"
            lang=move || next().as_str()
            aria-label=move || td_string!(next(), language.switch_to).to_string()
            on:click=move |_| i18n.set_locale(next())
        >
            {move || td_string!(next(), language.name).to_string()}
        </button>
    }
}
