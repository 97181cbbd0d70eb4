//! The patient's language as the console shows it: its name in the console's
//! language, and the choice a clinician makes when sending a link.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use regard_shared::lang::Lang;

use crate::i18n::*;

/// "arabe" on a French console, "Arabic" on an English one.
pub fn language_name(i18n: I18nContext<Locale>, lang: Lang) -> String {
    match lang {
        Lang::Fr => t_string!(i18n, patient_language.fr),
        Lang::En => t_string!(i18n, patient_language.en),
        Lang::Ar => t_string!(i18n, patient_language.ar),
        Lang::Pt => t_string!(i18n, patient_language.pt),
        Lang::Es => t_string!(i18n, patient_language.es),
        Lang::It => t_string!(i18n, patient_language.it),
        Lang::Tr => t_string!(i18n, patient_language.tr),
        Lang::Uk => t_string!(i18n, patient_language.uk),
        Lang::Ru => t_string!(i18n, patient_language.ru),
        Lang::Ro => t_string!(i18n, patient_language.ro),
    }
    .to_string()
}

/// A list of the patient languages, each in its own script then in the
/// console's words (the regulator may be reading it aloud to the caller);
/// first, the phone's own language. Labelled for a caller, or for a patient
/// (`patient`) when a clinician enrols one.
#[component]
pub fn PatientLanguageSelect(
    id: &'static str,
    value: RwSignal<Option<Lang>>,
    #[prop(optional)] patient: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let options = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <option value=lang.code() selected=move || value.get() == Some(lang)>
                    {move || format!("{} ({})", lang.own_name(), language_name(i18n, lang))}
                </option>
            }
        })
        .collect_view();
    view! {
        <label for=id>
            {move || if patient { t_string!(i18n, patient_language.patient_label) } else { t_string!(i18n, patient_language.label) }}
        </label>
        <select id=id on:change=move |e| value.set(Lang::from_tag(&event_target_value(&e)))>
            <option value="" selected=move || value.get().is_none()>{t!(i18n, patient_language.phone)}</option>
            {options}
        </select>
    }
}

/// "Patient's language: Portuguese", as a term of a record's description
/// list; "the phone's" when nobody chose it.
#[component]
pub fn PatientLanguageTerm(language: Option<Lang>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dt>{t!(i18n, patient_language.patient_label)}</dt>
        <dd data-testid="patient-language">{move || match language {
            Some(lang) => language_name(i18n, lang),
            None => t_string!(i18n, patient_language.phone).to_string(),
        }}</dd>
    }
}
