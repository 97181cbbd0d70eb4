//! The silent chat on the caller's page, for a caller who cannot speak: the
//! regulator's messages in the page's language, answers in one tap, and text
//! typed by hand (shown to both sides as typed, marked as not translated).

use leptos::html::{Input, Ol};
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::silent::{SilentKind, ANSWERS, TEXT_MAX_CHARS};
use web_sys::HtmlElement;

use crate::api::silent as api;
use crate::texts::{tx, use_texts, Key, Texts};

/// How often a page without the room (no camera, video stopped) asks for
/// the regulator's messages.
const POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// `news` changes when the room says the chat has news; without it (the
/// video off or impossible: no room joined) the page asks every `POLL`.
#[component]
pub fn CallerChat(#[prop(optional)] news: Option<ReadSignal<u32>>) -> impl IntoView {
    let texts = use_texts();
    let polled = RwSignal::new(0u32);
    if news.is_none() {
        if let Ok(handle) = set_interval_with_handle(move || polled.update(|n| *n += 1), POLL) {
            on_cleanup(move || handle.clear());
        }
    }
    let failed = RwSignal::new(false);
    // Bumped when this page's own message is stored: it shows even if the
    // room's news is late (the socket reconnecting).
    let sent = RwSignal::new(0u32);
    let input = NodeRef::<Input>::new();
    let log = NodeRef::<Ol>::new();
    // Read again on news, and in the new language when the caller picks one.
    Effect::new(move || {
        if let Some(news) = news {
            news.track();
        }
        polled.track();
        sent.track();
        let lang = texts.lang();
        spawn_local(async move {
            if let (Some(lines), Some(log)) = (api::caller_messages(lang).await, log.get_untracked()) {
                draw(texts, &log, &lines);
            }
        });
    });
    let send = move |kind: SilentKind, content: String| {
        spawn_local(async move {
            let stored = api::to_regulator(kind, content).await.is_ok();
            failed.try_set(!stored);
            if stored {
                sent.try_update(|n| *n += 1);
            }
            // What was typed stays in the field until it is sent.
            if let Some(input) = input.get_untracked().filter(|_| stored && kind == SilentKind::Text) {
                input.set_value("");
            }
        });
    };
    let send_text = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let text = input.get_untracked().map(|i| i.value()).unwrap_or_default();
        if !text.trim().is_empty() {
            send(SilentKind::Text, text);
        }
    };
    view! {
        <section class="silent" aria-labelledby="chat-title">
            <h2 id="chat-title">{move || tx!(texts, caller.chat_title)}</h2>
            <p class="hint">{move || tx!(texts, caller.chat_hint)}</p>
            // The live region around the list: a list with the role of a log is no list.
            <div role="log"><ol class="chat-log" node_ref=log></ol></div>
            <div class="answers">
                {ANSWERS.map(|answer| view! {
                    <button type="button" class="secondary big" on:click=move |_| send(SilentKind::Answer, answer.to_owned())>
                        {move || texts.text(Key("answers", answer))}
                    </button>
                })}
            </div>
            <form class="chat-form" on:submit=send_text>
                <label for="chat-text">{move || tx!(texts, caller.chat_label)}</label>
                <input id="chat-text" node_ref=input dir="auto" maxlength=TEXT_MAX_CHARS.to_string() autocomplete="off" />
                <button type="submit" class="primary">{move || tx!(texts, caller.chat_send)}</button>
            </form>
            {move || failed.get().then(|| view! { <p class="alert alert-error" role="alert">{move || tx!(texts, caller.chat_failed)}</p> })}
        </section>
    }
}

/// Draws the messages by hand where the console uses a reactive list: here
/// that list would cost the caller's page (a byte budget) 2 KB, and the log
/// is redrawn whole at each news anyway.
fn draw(texts: Texts, log: &HtmlElement, lines: &[api::Line]) -> Option<()> {
    let document = document();
    let element = |tag: &str, class: &str, text: &str| {
        let element = document.create_element(tag).ok()?;
        element.set_class_name(class);
        element.set_text_content(Some(text));
        Some(element)
    };
    log.set_text_content(None);
    for line in lines {
        let who = if line.from_caller { tx!(texts, caller.chat_you) } else { tx!(texts, caller.chat_doctor) };
        let who = if line.translated { who } else { format!("{who} · {}", tx!(texts, caller.chat_not_translated)) };
        let text = element("p", "", &line.text)?;
        text.set_attribute("dir", "auto").ok()?;
        let item = element("li", if line.from_caller { "mine" } else { "theirs" }, "")?;
        let meta = element("span", "chat-meta", &who)?;
        item.append_with_node_2(&meta, &text).ok()?;
        log.append_child(&item).ok()?;
    }
    log.set_scroll_top(log.scroll_height());
    Some(())
}
