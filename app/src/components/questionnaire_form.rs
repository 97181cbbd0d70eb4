//! A follow-up questionnaire as a phone form, drawn from the protocol's FHIR
//! Questionnaire: yes/no and choices as large radio buttons, numbers with their
//! unit and bounds, free text, a photo. Questions appear and disappear with
//! `enableWhen` as the patient answers, and the answers are checked with the
//! same rules the server applies before anything is sent. The words follow
//! the page's language as it changes (the protocol's translations), and what
//! was typed stays.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::lang::Lang;
use regard_shared::monitoring::questionnaire::{Answer, AnswerError, Answers, Item, ItemType, Problem, Questionnaire};
use regard_shared::monitoring::translation::translated;

use crate::components::error_text::ErrorAlert;
use crate::components::format::decimal;
use crate::offline;
use crate::texts::{tx, use_texts, Texts};

/// What the form hands over: checked answers, and the photos to send first.
pub type Filled = (Answers, HashMap<String, Vec<u8>>);

/// Stands for a photo until it is sent and the server names it.
const PHOTO_PLACEHOLDER: &str = "pending";

/// The answers typed so far, as the rules read them. Numbers accept a comma.
fn parse(questionnaire: &Questionnaire, raw: &HashMap<String, String>) -> Result<Answers, AnswerError> {
    let mut answers = Answers::new();
    for item in &questionnaire.item {
        let Some(value) = raw.get(&item.link_id).map(|v| v.trim()).filter(|v| !v.is_empty()) else { continue };
        let not_a_number = || AnswerError { link_id: item.link_id.clone(), problem: Problem::WrongType };
        let answer = match item.kind {
            ItemType::Boolean => Answer::Boolean(value == "true"),
            ItemType::Choice => Answer::Choice(value.to_owned()),
            ItemType::Integer => Answer::Integer(value.parse().map_err(|_| not_a_number())?),
            ItemType::Decimal => Answer::Decimal(value.replace(',', ".").parse().map_err(|_| not_a_number())?),
            ItemType::String | ItemType::Text => Answer::Text(value.to_owned()),
            ItemType::Attachment => Answer::Attachment(PHOTO_PLACEHOLDER.to_owned()),
        };
        answers.insert(item.link_id.clone(), answer);
    }
    Ok(answers)
}

fn bound(value: Option<f64>, lang: Lang) -> String {
    value.map(|v| decimal(v, lang)).unwrap_or_else(|| "…".to_owned())
}

/// A question's words in `lang`.
fn question_text(item: &Item, lang: Lang) -> String {
    translated(&item.text, item.text_element.as_ref(), lang).to_owned()
}

fn problem_text(texts: Texts, questionnaire: &Questionnaire, error: &AnswerError) -> String {
    let lang = texts.lang_untracked();
    let question = questionnaire.item(&error.link_id).map(|i| question_text(i, lang)).unwrap_or(error.link_id.clone());
    match error.problem {
        Problem::Required | Problem::UnknownOption | Problem::UnknownQuestion => {
            tx!(texts, followup.required, question = question)
        }
        Problem::OutOfRange { min, max } => {
            tx!(texts, followup.out_of_range, question = question, min = bound(min, lang), max = bound(max, lang))
        }
        Problem::WrongType => tx!(texts, followup.not_a_number, question = question),
        Problem::TooLong => tx!(texts, followup.too_long, question = question),
    }
}

#[component]
pub fn QuestionnaireForm(
    questionnaire: Questionnaire,
    on_filled: Callback<Filled>,
    /// The send button's words; "send my answers" when absent.
    #[prop(optional, into)]
    submit_label: Option<Signal<String>>,
    /// Set while the caller finishes sending, so the button stays disabled.
    #[prop(optional, into)]
    busy: Option<Signal<bool>>,
) -> impl IntoView {
    let texts = use_texts();
    let raw = RwSignal::new(HashMap::<String, String>::new());
    let (photos, set_photos) = signal_local(HashMap::<String, web_sys::File>::new());
    let error = RwSignal::new(None::<String>);
    let invalid = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let questionnaire = StoredValue::new(questionnaire);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let checked = questionnaire.with_value(|q| parse(q, &raw.get_untracked()).and_then(|a| q.check(&a)));
        let answers = match checked {
            Ok(answers) => answers,
            Err(e) => {
                error.set(Some(questionnaire.with_value(|q| problem_text(texts, q, &e))));
                invalid.set(Some(e.link_id));
                return;
            }
        };
        error.set(None);
        invalid.set(None);
        pending.set(true);
        let files: Vec<(String, web_sys::File)> =
            photos.get_untracked().into_iter().filter(|(link_id, _)| answers.contains_key(link_id)).collect();
        spawn_local(async move {
            let mut bytes = HashMap::new();
            for (link_id, file) in files {
                if let Some(content) = offline::file_bytes(&file).await {
                    bytes.insert(link_id, content);
                }
            }
            on_filled.run((answers, bytes));
            pending.set(false);
        });
    };

    let shown = move |item: &Item| {
        let answers = questionnaire.with_value(|q| parse(q, &raw.get()).unwrap_or_default());
        questionnaire.with_value(|q| q.enabled(item, &answers))
    };
    let items = questionnaire.with_value(|q| q.item.clone());
    view! {
        <form class="questionnaire" on:submit=submit novalidate>
            {items
                .into_iter()
                .map(|item| {
                    let visible = {
                        let item = item.clone();
                        move || shown(&item)
                    };
                    let link_id = item.link_id.clone();
                    let is_invalid = move || { invalid.get().as_deref() == Some(link_id.as_str()) };
                    view! {
                        <Show when=visible.clone()>
                            <Question item=item.clone() raw=raw set_photos=set_photos invalid=Signal::derive(is_invalid.clone()) />
                        </Show>
                    }
                })
                .collect_view()}
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary big" disabled=move || pending.get() || busy.is_some_and(|b| b.get())>
                {move || match submit_label {
                    Some(label) => label.get(),
                    None => tx!(texts, followup.send),
                }}
            </button>
        </form>
    }
}

#[component]
fn Question(
    item: Item,
    raw: RwSignal<HashMap<String, String>>,
    set_photos: WriteSignal<HashMap<String, web_sys::File>, LocalStorage>,
    invalid: Signal<bool>,
) -> impl IntoView {
    let texts = use_texts();
    let id = format!("q-{}", item.link_id);
    let text = {
        let item = item.clone();
        move || question_text(&item, texts.lang())
    };
    let key = StoredValue::new(item.link_id.clone());
    let value = move || key.with_value(|k| raw.read().get(k).cloned().unwrap_or_default());
    let set = move |v: String| key.with_value(|k| raw.update(|r| _ = r.insert(k.clone(), v)));
    let required = item.required.then_some(" *");
    let radios = |options: Vec<(String, Signal<String>)>| {
        options
            .into_iter()
            .enumerate()
            .map(|(n, (code, label))| {
                let radio_id = format!("{id}-{n}");
                let checked = {
                    let code = code.clone();
                    move || value() == code
                };
                view! {
                    <div class="choice">
                        <input type="radio" id=radio_id.clone() name=id.clone() prop:checked=checked
                            on:change=move |_| set(code.clone()) />
                        <label for=radio_id>{label}</label>
                    </div>
                }
            })
            .collect_view()
    };
    match item.kind {
        ItemType::Boolean | ItemType::Choice => {
            let options = if item.kind == ItemType::Boolean {
                vec![
                    ("true".to_owned(), Signal::derive(move || tx!(texts, followup.yes))),
                    ("false".to_owned(), Signal::derive(move || tx!(texts, followup.no))),
                ]
            } else {
                item.answer_option
                    .iter()
                    .map(|o| {
                        let coding = o.value_coding.clone();
                        let label = move || {
                            translated(&coding.display, coding.display_element.as_ref(), texts.lang()).to_owned()
                        };
                        (o.value_coding.code.clone(), Signal::derive(label))
                    })
                    .collect()
            };
            view! {
                <fieldset class="question" aria-invalid=move || invalid.get().to_string()>
                    <legend>{text}{required}</legend>
                    {radios(options)}
                </fieldset>
            }
            .into_any()
        }
        ItemType::Integer | ItemType::Decimal => {
            let (min, max) = item.range();
            let unit = item.unit().map(str::to_owned);
            let mode = if item.kind == ItemType::Integer { "numeric" } else { "decimal" };
            view! {
                <div class="question">
                    <label for=id.clone()>{text}{required}</label>
                    <div class="with-unit">
                        <input id=id.clone() type="text" inputmode=mode autocomplete="off"
                            aria-invalid=move || invalid.get().to_string()
                            aria-describedby=format!("{id}-range")
                            prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
                        // A unit reads left to right in every page (°C, not C° in Arabic).
                        {unit.map(|u| view! { <span aria-hidden="true" dir="ltr">{u}</span> })}
                    </div>
                    <p id=format!("{id}-range") class="hint">{move || bound(min, texts.lang())} " – " {move || bound(max, texts.lang())} " " <span dir="ltr">{item.unit().map(str::to_owned)}</span></p>
                </div>
            }
            .into_any()
        }
        ItemType::String | ItemType::Text => view! {
            <div class="question">
                <label for=id.clone()>{text}{required}</label>
                <textarea id=id.clone() rows="3" maxlength="1000" aria-invalid=move || invalid.get().to_string()
                    prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
            </div>
        }
        .into_any(),
        ItemType::Attachment => {
            let on_change = move |ev: leptos::ev::Event| {
                let input: web_sys::HtmlInputElement = event_target(&ev);
                let file = input.files().and_then(|files| files.get(0));
                let link_id = key.get_value();
                set(if file.is_some() { PHOTO_PLACEHOLDER.to_owned() } else { String::new() });
                set_photos.update(|photos| match file {
                    Some(file) => _ = photos.insert(link_id, file),
                    None => _ = photos.remove(&link_id),
                });
            };
            view! {
                <div class="question">
                    <label for=id.clone()>{text}{required}</label>
                    <p class="hint">{move || tx!(texts, followup.take_photo)}</p>
                    <input id=id.clone() type="file" accept="image/jpeg,image/png,image/webp" capture="environment"
                        aria-invalid=move || invalid.get().to_string() on:change=on_change />
                </div>
            }
            .into_any()
        }
    }
}

/// An answer as people read it in the page's language, with the option's
/// words and the unit (tracked: call it where the page redraws).
pub fn answer_text(texts: Texts, item: Option<&Item>, answer: &Answer) -> String {
    let lang = texts.lang();
    let unit = item.and_then(Item::unit).map(|u| format!(" {u}")).unwrap_or_default();
    match answer {
        Answer::Boolean(true) => tx!(texts, followup.yes),
        Answer::Boolean(false) => tx!(texts, followup.no),
        Answer::Choice(code) => item
            .and_then(|i| i.answer_option.iter().find(|o| &o.value_coding.code == code))
            .map(|o| translated(&o.value_coding.display, o.value_coding.display_element.as_ref(), lang).to_owned())
            .unwrap_or_else(|| code.clone()),
        Answer::Integer(i) => format!("{i}{unit}"),
        Answer::Decimal(d) => format!("{}{unit}", decimal(*d, lang)),
        Answer::Text(text) => text.clone(),
        Answer::Attachment(_) => tx!(texts, followup.photo),
    }
}
