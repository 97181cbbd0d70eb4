//! The consultation's chat, the same on both sides: the messages (kept with the
//! consultation) and a box to write one; and what every chat log does.

use leptos::html::Ol;
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::consultation::{Author, ChatMessage, MESSAGE_MAX_CHARS};

use crate::api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{intl_tag, time};
use crate::texts::{tx, use_texts};

/// Adds a message unless it is already shown: the sender gets it twice, from
/// its own request and from the room.
pub fn add_message(messages: RwSignal<Vec<ChatMessage>>, message: ChatMessage) {
    messages.update(|list| {
        if !list.iter().any(|m| m.id == message.id) {
            list.push(message);
        }
    });
}

#[component]
pub fn ChatPanel(
    messages: RwSignal<Vec<ChatMessage>>,
    /// Who writes from this page.
    me: Author,
    /// The consultation, on the GP's side; the patient's device knows its own.
    #[prop(optional)]
    consultation_id: Option<String>,
) -> impl IntoView {
    let texts = use_texts();
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let consultation_id = StoredValue::new(consultation_id);
    let log = NodeRef::<Ol>::new();
    Effect::new(move || {
        messages.track();
        scroll_to_newest(log);
    });

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = draft.get_untracked().trim().to_owned();
        if body.is_empty() || pending.get_untracked() {
            return;
        }
        if body.chars().count() > MESSAGE_MAX_CHARS {
            error.set(Some(tx!(texts, form_errors.too_long)));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::send_message(consultation_id.get_value().as_deref(), body).await {
                Ok(message) => {
                    // Cleared only once stored: a failed send keeps what was typed.
                    draft.set(String::new());
                    error.set(None);
                    add_message(messages, message);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };

    let who = move |author: Author| {
        match (author == me, author) {
            (true, _) => tx!(texts, chat.you),
            (false, Author::Clinician) => tx!(texts, chat.doctor),
            (false, Author::Patient) => tx!(texts, chat.patient),
        }
        .to_string()
    };
    view! {
        <section class="card chat" aria-labelledby="chat-title">
            <h2 id="chat-title">{move || tx!(texts, chat.title)}</h2>
            <div role="log"><ol class="chat-log" data-testid="chat-log" node_ref=log>
                <For each=move || messages.get() key=|m| m.id.clone() let:message>
                    <li class=if message.author == me { "mine" } else { "theirs" }>
                        <span class="chat-meta">{who(message.author)} " · " {time(message.at, intl_tag(texts.lang_untracked()))}</span>
                        <p>{message.body.clone()}</p>
                    </li>
                </For>
            </ol></div>
            <form class="chat-form" on:submit=send>
                <label for="chat-input" class="visually-hidden">{move || tx!(texts, chat.label)}</label>
                <input id="chat-input" type="text" autocomplete="off" maxlength="2000" bind:value=draft
                    placeholder=move || tx!(texts, chat.placeholder) />
                <button type="submit" class="primary" disabled=move || pending.get()>{move || tx!(texts, chat.send)}</button>
            </form>
            <ErrorAlert message=error.into() />
        </section>
    }
}

/// Brings a chat's newest message into view, once it is drawn (the log
/// scrolls within its own height).
pub fn scroll_to_newest(log: NodeRef<Ol>) {
    request_animation_frame(move || {
        if let Some(log) = log.get_untracked() {
            log.set_scroll_top(log.scroll_height());
        }
    });
}
