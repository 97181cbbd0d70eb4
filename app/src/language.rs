//! The page's language, remembered in a cookie for the whole site.
//!
//! The console is French unless its user chose English: the browser's language
//! is not consulted, so a French service greets its staff in French first. The
//! caller's page opens in the language the server chose for it (the one the
//! regulator picked, else the phone's, see `server/src/web.rs`), and the
//! caller can pick any other.
//!
//! leptos_i18n can keep the cookie itself, but its cookie feature brings a date
//! parser and a cookie library that weighed more than a tenth of the caller's
//! page; reading and writing one cookie by hand costs a few lines.

use std::future::{ready, Future};
use std::pin::Pin;
use std::str::FromStr;

use leptos::prelude::*;
use regard_shared::lang::Lang;
use wasm_bindgen::JsCast;

use crate::i18n::*;
use crate::texts::{parse, use_texts, Dict, Texts};

const COOKIE: &str = "regard_lang";
const COOKIE_MAX_AGE_SECS: u32 = 365 * 24 * 3600;

/// The whole app's languages: the console's words (`i18n`) and the patient's
/// texts, built in, follow the same choice.
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let chosen = saved_locale().unwrap_or(Locale::fr);
    let lang = Lang::from_tag(chosen.as_str()).unwrap_or(Lang::Fr);
    let texts = Texts::provide(lang, built_in(lang), built_in_source);
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(chosen)>
            <TextsFollowLocale texts />
            {children()}
        </I18nSubContextProvider>
    }
}

/// The console's frame shows and keeps the console's language (the patient
/// pages keep theirs: see `PatientLanguageProvider`).
#[component]
pub fn ConsoleLanguage() -> impl IntoView {
    view! { <RememberLanguage texts=use_texts() /> }
}

/// The patient pages of the whole app (the follow-up's, under `/m`): their
/// own language, apart from the console's — the one this phone chose on
/// Regard before, else the phone's own. A page that learns the language the
/// clinician chose for the patient switches to it (`Texts::choose`).
#[component]
pub fn PatientLanguageProvider(children: Children) -> impl IntoView {
    let lang = saved_lang().or_else(phone_lang).unwrap_or(Lang::Fr);
    let texts = Texts::provide(lang, built_in(lang), built_in_source);
    view! {
        <RememberLanguage texts />
        {children()}
    }
}

#[component]
fn TextsFollowLocale(texts: Texts) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| texts.choose(Lang::from_tag(i18n.get_locale().as_str()).unwrap_or(Lang::Fr)));
}

/// The caller's page: `dict` was fetched for `lang` before the page mounted.
#[component]
pub fn CallerLanguageProvider(lang: Lang, dict: Dict, children: Children) -> impl IntoView {
    let texts = Texts::provide(lang, dict, fetched);
    view! {
        <RememberLanguage texts />
        {children()}
    }
}

/// Writes the cookie and the page's `lang` and `dir` whenever the language changes.
#[component]
fn RememberLanguage(texts: Texts) -> impl IntoView {
    Effect::new(move |_| remember(texts.lang()));
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

fn saved_cookie() -> Option<String> {
    let cookies = html_document()?.cookie().ok()?;
    cookies.split(';').find_map(|pair| Some(pair.trim().strip_prefix(COOKIE)?.strip_prefix('=')?.to_owned()))
}

fn saved_locale() -> Option<Locale> {
    Locale::from_str(&saved_cookie()?).ok()
}

fn saved_lang() -> Option<Lang> {
    Lang::from_tag(&saved_cookie()?)
}

/// The first of the phone's languages that Regard has.
fn phone_lang() -> Option<Lang> {
    let languages = web_sys::window()?.navigator().languages();
    languages.iter().filter_map(|tag| tag.as_string()).find_map(|tag| Lang::from_tag(&tag))
}

/// The language the server wrote into the page (`<html lang>`).
pub fn page_lang() -> Lang {
    html_document()
        .and_then(|document| document.document_element()?.get_attribute("lang"))
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::Fr)
}

/// Keeps the choice for next time, and tells screen readers, the browser's
/// spell-checker and hyphenation which language the page is in, and the layout
/// which way it is written.
fn remember(lang: Lang) {
    let Some(document) = html_document() else {
        return;
    };
    let cookie = format!("{COOKIE}={}; path=/; max-age={COOKIE_MAX_AGE_SECS}; samesite=lax", lang.code());
    let _ = document.set_cookie(&cookie);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.code());
        let _ = root.set_attribute("dir", lang.dir());
    }
}

/// A language's texts built into the whole app: the caller page's and the
/// other patient pages' (their sections differ: build.rs checks it).
fn built_in(lang: Lang) -> Dict {
    let files = [regard_shared::language_files!("texts")(lang), regard_shared::language_files!("patient-texts")(lang)];
    files.into_iter().filter_map(parse).flatten().collect()
}

fn built_in_source(lang: Lang) -> Pin<Box<dyn Future<Output = Option<Dict>>>> {
    Box::pin(ready(Some(built_in(lang))))
}

/// Where the caller's page finds a language's texts: beside its own files,
/// with the build's id so that a new version is never read from an old cache.
pub fn texts_url(lang: Lang) -> String {
    let build = html_document()
        .and_then(|document| document.document_element()?.get_attribute("data-build"))
        .unwrap_or_default();
    format!("/caller/texts/{}.json?v={build}", lang.code())
}

pub fn fetched(lang: Lang) -> Pin<Box<dyn Future<Output = Option<Dict>>>> {
    Box::pin(async move {
        let response = gloo_net::http::Request::get(&texts_url(lang)).send().await.ok()?;
        if !response.ok() {
            return None;
        }
        response.json().await.ok()
    })
}
