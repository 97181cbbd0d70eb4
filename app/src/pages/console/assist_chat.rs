//! The silent chat as the regulator runs it: ready phrases the caller reads in
//! their own language, free text, and the caller's one-tap answers read in the
//! console's language. The messages come with the case (its live news).

use leptos::html::{Input, Ol, Select};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use regard_shared::assist::AssistDetail;
use regard_shared::silent::{Phrasebook, SilentKind, SilentMessage, PHRASE_GROUPS, TEXT_MAX_CHARS};

use crate::api::silent as api;
use crate::components::chat::scroll_to_newest;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::time_of_day;
use crate::i18n::*;
use crate::texts::use_texts;

#[component]
pub fn SilentChat(id: String, detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let book = RwSignal::new(Phrasebook::default());
    let error = RwSignal::new(None::<String>);
    let phrase = NodeRef::<Select>::new();
    let typed = NodeRef::<Input>::new();
    let log = NodeRef::<Ol>::new();
    // The newest message in view, once drawn.
    Effect::new(move || {
        detail.track();
        scroll_to_newest(log);
    });
    Effect::new(move || {
        let lang = i18n.get_locale().as_str();
        spawn_local(async move {
            match api::phrasebook(lang).await {
                Ok(loaded) => book.set(loaded),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    });
    let id = StoredValue::new(id);
    let send = move |kind: SilentKind, field: Option<web_sys::HtmlInputElement>, content: String| {
        if content.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match api::to_caller(&id.get_value(), kind, content).await {
                Ok(()) => {
                    error.set(None);
                    // What was typed stays in the box until it is sent.
                    if let Some(field) = field {
                        field.set_value("");
                    }
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let send_phrase = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send(SilentKind::Phrase, None, phrase.get_untracked().map(|s| s.value()).unwrap_or_default());
    };
    let send_text = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let field = typed.get_untracked();
        let text = field.as_ref().map(|f| f.value()).unwrap_or_default();
        send(SilentKind::Text, field, text);
    };
    let messages = move || detail.with(|d| d.as_ref().map(|d| d.messages.clone()).unwrap_or_default());
    view! {
        <section class="card silent" aria-labelledby="silent-title">
            <h2 id="silent-title">{t!(i18n, silent.title)}</h2>
            <p class="hint">{t!(i18n, silent.hint)}</p>
            <div role="log"><ol class="chat-log" data-testid="silent-log" node_ref=log>
                {move || {
                    let list = messages();
                    if list.is_empty() {
                        return view! { <li class="muted">{t!(i18n, silent.empty)}</li> }.into_any();
                    }
                    book.with(|book| list.iter().map(|m| message_line(i18n, book, m)).collect_view()).into_any()
                }}
            </ol></div>
            <form class="chat-form" on:submit=send_phrase>
                <label for="silent-phrase">{t!(i18n, silent.phrase)}</label>
                <select id="silent-phrase" node_ref=phrase>{move || book.with(|book| phrase_options(i18n, book))}</select>
                <button type="submit" class="primary">{t!(i18n, silent.send_phrase)}</button>
            </form>
            <form class="chat-form" on:submit=send_text>
                <label for="silent-text">{t!(i18n, silent.text)}</label>
                <input id="silent-text" node_ref=typed type="text" dir="auto" autocomplete="off" maxlength=TEXT_MAX_CHARS.to_string() />
                <button type="submit" class="primary">{t!(i18n, silent.send_text)}</button>
            </form>
            <ErrorAlert message=error.into() />
        </section>
    }
}

/// One message, in the console's language when it is a phrase or an answer.
fn message_line(i18n: I18nContext<Locale>, book: &Phrasebook, message: &SilentMessage) -> impl IntoView {
    let who = if message.from_caller { t_string!(i18n, silent.caller) } else { t_string!(i18n, silent.regulator) };
    let at = time_of_day(message.at, i18n.get_locale_untracked().as_str());
    let mark = (!message.translated()).then(|| format!(" · {}", t_string!(i18n, silent.not_translated)));
    view! {
        <li class=if message.from_caller { "theirs" } else { "mine" }>
            <span class="chat-meta">{who.to_string()} " · " {at} {mark}</span>
            <p dir="auto">{book.read(message).to_owned()}</p>
        </li>
    }
}

/// The ready phrases by group, as the regulator looks for them.
fn phrase_options(i18n: I18nContext<Locale>, book: &Phrasebook) -> impl IntoView {
    let mut phrases = book.phrases.iter();
    PHRASE_GROUPS
        .map(|(group, keys)| {
            let label = match group {
                "show" => t_string!(i18n, silent.group_show),
                "ask" => t_string!(i18n, silent.group_ask),
                "act" => t_string!(i18n, silent.group_act),
                "access" => t_string!(i18n, silent.group_access),
                _ => t_string!(i18n, silent.group_talk),
            };
            let options: Vec<_> = phrases
                .by_ref()
                .take(keys.len())
                .map(|p| view! { <option value=p.key.clone()>{p.text.clone()}</option> })
                .collect();
            view! { <optgroup label=label.to_string()>{options}</optgroup> }
        })
        .collect_view()
}
