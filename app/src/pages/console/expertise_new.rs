//! A new tele-expertise request: the expert site and specialty, the patient,
//! the specialty's form (drawn by the questionnaire renderer tele-monitoring
//! uses) and the images it asks for, with how to take them. Images are sent as
//! soon as they are chosen, with progress, so the request itself is quick.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use regard_shared::expertise::{ExpertForm, ExpertSite, FileView, NewRequest, Patient, Specialty, Urgency};

use super::expertise_desk::specialty_name;
use super::expertise_files::FileUploader;
use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::today_iso;
use crate::components::questionnaire_form::{Filled, QuestionnaireForm};
use crate::i18n::*;
use crate::texts::{tx, use_texts};

#[component]
pub fn NewExpertiseRequest() -> impl IntoView {
    let i18n = use_i18n();
    view! {
            <p><a href="/console/expertise">{t!(i18n, expertise.back)}</a></p>
            <h1>{t!(i18n, expertise.new_request)}</h1>
            <RequestForm />
    }
}

#[component]
fn RequestForm() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let query = use_query_map();
    let sites = RwSignal::new(Vec::<ExpertSite>::new());
    let forms = RwSignal::new(Vec::<ExpertForm>::new());
    let site = RwSignal::new(String::new());
    let specialty = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    // A resident's or patient's page may hand over who the request is about.
    let from_query = |key: &str| query.read_untracked().get(key).unwrap_or_default();
    let last_name = RwSignal::new(from_query("last_name"));
    let first_name = RwSignal::new(from_query("first_name"));
    let birth_date = RwSignal::new(from_query("birth_date"));
    let files = RwSignal::new(Vec::<FileView>::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);

    spawn_local(async move {
        match (api::sites().await, api::forms().await) {
            (Ok(found), Ok(all)) => {
                if let Some(first) = found.first() {
                    site.set(first.id.clone());
                    specialty.set(first.specialties.first().map(|s| s.as_str().to_owned()).unwrap_or_default());
                }
                sites.set(found);
                forms.set(all);
            }
            (Err(failure), _) | (_, Err(failure)) => error.set(Some(error_text(texts, &failure))),
        }
    });
    let offered =
        move || sites.read().iter().find(|s| s.id == site.get()).map(|s| s.specialties.clone()).unwrap_or_default();
    let form = move || {
        let chosen = Specialty::parse(&specialty.get())?;
        forms.read().iter().find(|f| f.specialty == chosen).cloned()
    };

    let on_filled = Callback::new(move |(answers, _): Filled| {
        let Some(form) = form() else { return };
        let patient = Patient {
            last_name: last_name.get_untracked(),
            first_name: first_name.get_untracked(),
            birth_date: birth_date.get_untracked(),
        };
        if let Err(invalid) = patient.checked(&today_iso()) {
            let message = match invalid.field {
                "birth_date" => tx!(texts, form_errors.birth_date),
                _ => tx!(texts, form_errors.field_required),
            };
            return error.set(Some(message));
        }
        if files.read_untracked().len() < form.images.min {
            return error.set(Some(t_string!(i18n, expertise.need_images, count = form.images.min).to_string()));
        }
        let request = NewRequest {
            expert_site_id: site.get_untracked(),
            specialty: form.specialty,
            urgency: if urgent.get_untracked() { Urgency::Urgent } else { Urgency::Routine },
            patient,
            answers,
            file_ids: files.read_untracked().iter().map(|f| f.id.clone()).collect(),
        };
        error.set(None);
        sending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::send(&request).await {
                Ok(sent) => navigate(&format!("/console/expertise/{}", sent.id), Default::default()),
                Err(failure) => {
                    let field = match &failure {
                        Failure::Api(e) => e.field.clone(),
                        Failure::Network => None,
                    };
                    error.set(Some(match field.as_deref() {
                        Some("files") => t_string!(i18n, expertise.need_images, count = form.images.min).to_string(),
                        Some("expert_site_id" | "specialty") => t_string!(i18n, expertise.choose_site).to_string(),
                        Some("birth_date") => tx!(texts, form_errors.birth_date),
                        _ => error_text(texts, &failure),
                    }));
                    sending.set(false);
                }
            }
        });
    });

    view! {
        <div class="columns">
            <section class="card" aria-labelledby="addressee-title">
                <h2 id="addressee-title">{t!(i18n, expertise.addressee)}</h2>
                <label for="expert-site">{t!(i18n, expertise.expert_site)}</label>
                <select id="expert-site" bind:value=site>
                    {move || sites.get().into_iter().map(|s| view! { <option value=s.id.clone()>{s.name}</option> }).collect_view()}
                </select>
                <label for="expert-specialty">{t!(i18n, expertise.specialty)}</label>
                <select id="expert-specialty" bind:value=specialty>
                    {move || offered().into_iter().map(|s| view! {
                        <option value=s.as_str()>{specialty_name(i18n, s)}</option>
                    }).collect_view()}
                </select>
                <div class="choice">
                    <input id="expert-urgent" type="checkbox" bind:checked=urgent />
                    <label for="expert-urgent">{t!(i18n, expertise.urgent_label)}</label>
                </div>
                <h2>{t!(i18n, expertise.patient)}</h2>
                <label for="expert-last">{t!(i18n, consultation.last_name)}</label>
                <input id="expert-last" type="text" autocomplete="off" maxlength="100" bind:value=last_name />
                <label for="expert-first">{t!(i18n, consultation.first_name)}</label>
                <input id="expert-first" type="text" autocomplete="off" maxlength="100" bind:value=first_name />
                <label for="expert-birth">{t!(i18n, consultation.birth_date)}</label>
                <input id="expert-birth" type="date" bind:value=birth_date />
            </section>
            <section class="card" aria-labelledby="images-title">
                <h2 id="images-title">{t!(i18n, expertise.images)}</h2>
                {move || form().map(|f| view! {
                    <ul class="guidance">{f.images.guidance.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}</ul>
                })}
                <FileUploader files=files input_id="expert-files" />
            </section>
        </div>
        <section class="card" aria-labelledby="form-title">
            {move || form().map(|f| view! {
                <h2 id="form-title">{f.title.clone()}</h2>
                <QuestionnaireForm questionnaire=f.questionnaire on_filled=on_filled busy=sending
                    submit_label=Signal::derive(move || t_string!(i18n, expertise.send).to_string()) />
            })}
            <ErrorAlert message=error.into() />
        </section>
    }
}
