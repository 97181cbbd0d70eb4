//! The regulator's decision at the end of an assist.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::assist::{AssistDetail, Outcome, NOTE_MAX_CHARS};

use crate::api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::pages::console::assist_list::outcome_name;
use crate::texts::{tx, use_texts};

#[component]
pub fn DecisionForm(id: String, detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let outcome = RwSignal::new(None::<Outcome>);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let pending = RwSignal::new(false);
    // Show the decision already recorded, once the case is loaded.
    Effect::new(move |_| {
        if let Some(case) = detail.get() {
            if outcome.get_untracked().is_none() {
                outcome.set(case.summary.outcome);
                note.set(case.decision_note.unwrap_or_default());
            }
        }
    });
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = outcome.get_untracked() else { return };
        if note.get_untracked().chars().count() > NOTE_MAX_CHARS {
            error.set(Some(tx!(texts, form_errors.too_long)));
            return;
        }
        pending.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match api::decide(&id.get_value(), chosen, note.get_untracked()).await {
                Ok(case) => {
                    detail.set(Some(case));
                    saved.set(true);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="decision-title">
            <h2 id="decision-title">{t!(i18n, assist.decision_title)}</h2>
            <form on:submit=submit>
                <fieldset class="outcomes">
                    <legend class="visually-hidden">{t!(i18n, assist.decision_title)}</legend>
                    {Outcome::ALL.into_iter().map(|choice| {
                        let input_id = format!("outcome-{}", serde_json::to_value(choice).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default());
                        view! {
                            <div class="choice">
                                <input type="radio" name="outcome" id=input_id.clone()
                                    prop:checked=move || outcome.get() == Some(choice)
                                    on:change=move |_| outcome.set(Some(choice)) />
                                <label for=input_id>{move || outcome_name(i18n, choice)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <label for="decision-note">{t!(i18n, assist.decision_note)}</label>
                <textarea id="decision-note" rows="3" maxlength="2000" bind:value=note></textarea>
                <ErrorAlert message=error.into() />
                <Show when=move || saved.get()>
                    <p class="alert alert-ok" role="status">{t!(i18n, assist.decision_saved)}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || pending.get() || outcome.get().is_none()>
                    {t!(i18n, assist.save_decision)}
                </button>
            </form>
        </section>
    }
}
