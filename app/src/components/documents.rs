//! The documents of a consultation, the same on both sides: the list (each a
//! download), and a button to add a PDF, JPEG or PNG with a progress bar.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::consultation::{Author, DocumentView, DOCUMENT_MAX_BYTES};
use regard_shared::ErrorCode;
use wasm_bindgen::JsCast;

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::texts::{tx, use_texts};

/// Adds a document unless it is already listed (the sender hears of it twice).
pub fn add_document(documents: RwSignal<Vec<DocumentView>>, document: DocumentView) {
    documents.update(|list| {
        if !list.iter().any(|d| d.id == document.id) {
            list.push(document);
        }
    });
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} ko", (bytes + 1023) / 1024)
    }
}

#[component]
pub fn DocumentsPanel(
    documents: RwSignal<Vec<DocumentView>>,
    me: Author,
    /// The consultation, on the GP's side; the patient's device knows its own.
    #[prop(optional)]
    consultation_id: Option<String>,
) -> impl IntoView {
    let texts = use_texts();
    let input = NodeRef::<Input>::new();
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let base = StoredValue::new(api::documents_url(consultation_id.as_deref()));

    let on_change = move |_| {
        let Some(file) = input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        if file.size() > DOCUMENT_MAX_BYTES as f64 {
            error.set(Some(tx!(texts, documents.too_large)));
            return;
        }
        let name = String::from(js_sys::encode_uri_component(&file.name()));
        let url = format!("{}?name={name}", base.get_value());
        error.set(None);
        progress.set(Some(0.0));
        spawn_local(async move {
            let blob: &web_sys::Blob = file.unchecked_ref();
            match api::upload_with_progress::<DocumentView>(&url, blob, move |p| progress.set(Some(p))).await {
                Ok(document) => add_document(documents, document),
                Err(Failure::Api(e)) if e.code == ErrorCode::PayloadTooLarge => {
                    error.set(Some(tx!(texts, documents.too_large)))
                }
                Err(Failure::Api(e)) if e.field.as_deref() == Some("document") => {
                    error.set(Some(tx!(texts, documents.wrong_type)))
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            progress.set(None);
            if let Some(input) = input.get_untracked() {
                input.set_value("");
            }
        });
    };
    let item = move |d: DocumentView| {
        let from = if d.author == me {
            tx!(texts, chat.you)
        } else if d.author == Author::Clinician {
            tx!(texts, chat.doctor)
        } else {
            tx!(texts, chat.patient)
        };
        view! {
            <li>
                <a href=format!("{}/{}", base.get_value(), d.id) download=d.name.clone()>{d.name.clone()}</a>
                <span class="muted">" · " {size(d.bytes)} " · " {from.to_string()}</span>
            </li>
        }
    };
    view! {
        <section class="card" aria-labelledby="documents-title">
            <h2 id="documents-title">{move || tx!(texts, documents.title)}</h2>
            <ul class="documents" data-testid="documents">
                <For each=move || documents.get() key=|d| d.id.clone() let:document>
                    {item(document)}
                </For>
            </ul>
            <label for="document-input">{move || tx!(texts, documents.add)}</label>
            <input id="document-input" node_ref=input type="file" aria-describedby="document-hint"
                accept="application/pdf,image/jpeg,image/png" on:change=on_change />
            <p id="document-hint" class="hint">{move || tx!(texts, documents.hint)}</p>
            {move || progress.get().map(|p| view! {
                <label for="document-progress">{move || tx!(texts, documents.sending)}</label>
                <progress id="document-progress" max="100" value=(p * 100.0).round()></progress>
            })}
            <ErrorAlert message=error.into() />
        </section>
    }
}
