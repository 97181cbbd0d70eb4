//! Who a patient is and how to reach them: the fields a clinician types to
//! invite someone who has no account (a teleconsultation, a home follow-up).

use leptos::prelude::*;
use regard_shared::{consultation as rules, phone, validate};

use crate::api::Failure;
use crate::components::error_text::error_text;
use crate::i18n::*;
use crate::pages::console::assist_list::phone_error;
use crate::texts::{tx, Texts};

#[derive(Clone, Copy)]
pub struct PatientInputs {
    pub last_name: RwSignal<String>,
    pub first_name: RwSignal<String>,
    pub birth_date: RwSignal<String>,
    pub phone: RwSignal<String>,
    pub email: RwSignal<String>,
}

fn optional(value: String) -> Option<String> {
    Some(value.trim().to_owned()).filter(|s| !s.is_empty())
}

impl PatientInputs {
    pub fn new() -> PatientInputs {
        let [last_name, first_name, birth_date, phone, email] = std::array::from_fn(|_| RwSignal::new(String::new()));
        PatientInputs { last_name, first_name, birth_date, phone, email }
    }

    /// The server's rules, checked here first to answer at once in the page's
    /// language. Gives the phone and e-mail to send, each optional.
    pub fn check(&self, texts: Texts, today: &str) -> Result<(Option<String>, Option<String>), String> {
        for value in [self.last_name, self.first_name] {
            validate::name("name", &value.get_untracked()).map_err(|_| tx!(texts, form_errors.field_required))?;
        }
        rules::birth_date(&self.birth_date.get_untracked(), today).map_err(|_| tx!(texts, form_errors.birth_date))?;
        let (phone_value, email_value) = (optional(self.phone.get_untracked()), optional(self.email.get_untracked()));
        if phone_value.is_none() && email_value.is_none() {
            return Err(tx!(texts, form_errors.contact));
        }
        if let Some(number) = &phone_value {
            phone::normalise(number).map_err(|e| phone_error(texts, e))?;
        }
        if let Some(address) = &email_value {
            validate::email(address).map_err(|_| tx!(texts, form_errors.email))?;
        }
        Ok((phone_value, email_value))
    }
}

/// The message for a field the server refused, if it is one of these fields.
pub fn field_error(texts: Texts, field: &str) -> Option<String> {
    Some(match field {
        "birth_date" => tx!(texts, form_errors.birth_date),
        "email" => tx!(texts, form_errors.email),
        "phone" => tx!(texts, form_errors.contact),
        "last_name" | "first_name" => tx!(texts, form_errors.field_required),
        _ => return None,
    })
}

/// What to say when the server refused a form: `own` gives the words for the
/// form's own fields, then come the patient fields, then the error's code.
pub fn refusal(texts: Texts, failure: &Failure, own: impl Fn(&str) -> Option<String>) -> String {
    match failure {
        Failure::Api(e) => e
            .field
            .as_deref()
            .and_then(|field| own(field).or_else(|| field_error(texts, field)))
            .unwrap_or_else(|| error_text(texts, failure)),
        Failure::Network => error_text(texts, failure),
    }
}

/// The labelled inputs; `prefix` keeps their ids unique on the page.
#[component]
pub fn PatientFields(inputs: PatientInputs, prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let id = move |name: &str| format!("{prefix}-{name}");
    view! {
        <label for=id("last")>{t!(i18n, consultation.last_name)}</label>
        <input id=id("last") type="text" autocomplete="off" maxlength="100" bind:value=inputs.last_name />
        <label for=id("first")>{t!(i18n, consultation.first_name)}</label>
        <input id=id("first") type="text" autocomplete="off" maxlength="100" bind:value=inputs.first_name />
        <label for=id("birth")>{t!(i18n, consultation.birth_date)}</label>
        <input id=id("birth") type="date" bind:value=inputs.birth_date />
        <label for=id("phone")>{t!(i18n, consultation.phone)}</label>
        <input id=id("phone") type="tel" inputmode="tel" autocomplete="off" bind:value=inputs.phone />
        <label for=id("email")>{t!(i18n, consultation.email)}</label>
        <input id=id("email") type="email" autocomplete="off" bind:value=inputs.email />
        <p class="hint">{t!(i18n, consultation.contact_hint)}</p>
    }
}
