//! The page's language: French unless the person chose otherwise, remembered in a
//! cookie for the whole site. The browser's language is not consulted, so a
//! French service greets everyone in French first.
//!
//! leptos_i18n can keep the cookie itself, but its cookie feature brings a date
//! parser and a cookie library that weighed more than a tenth of the caller's
//! page; reading and writing one cookie by hand costs a few lines.

use std::str::FromStr;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::*;

const COOKIE: &str = "regard_lang";
const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 3600;

#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let chosen = saved_locale().unwrap_or(Locale::fr);
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(chosen)>
            <RememberLanguage />
            {children()}
        </I18nSubContextProvider>
    }
}

/// Writes the cookie and the page's `lang` whenever the language changes.
#[component]
fn RememberLanguage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| remember(i18n.get_locale()));
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

fn saved_locale() -> Option<Locale> {
    let cookies = html_document()?.cookie().ok()?;
    let value = cookies.split(';').find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
    Locale::from_str(value).ok()
}

/// Keeps the choice for next time, and tells screen readers and the browser's
/// spell-checker and hyphenation which language the page is in.
fn remember(locale: Locale) {
    let Some(document) = html_document() else {
        return;
    };
    let cookie = format!("{COOKIE}={}; path=/; max-age={COOKIE_MAX_AGE_SECS}; samesite=lax", locale.as_str());
    let _ = document.set_cookie(&cookie);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", locale.as_str());
    }
}
