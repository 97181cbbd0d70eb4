//! Series from the site's PACS: the requesting physician opens the panel and
//! sees the studies since yesterday (the patient in front of them was scanned
//! this morning), or searches by patient id, accession number or name, opens a
//! study and attaches one of its series; the server fetches it through
//! DICOMweb. Shown only where the organisation has a PACS connected.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::FileView;
use regard_shared::pacs::{PacsImport, PacsSeries, PacsStudy, PacsView, SEARCH_MAX_CHARS};

use super::expertise_files::series_refusal;
use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::calendar_date;
use crate::i18n::*;
use crate::texts::{use_texts, Texts};
use leptos_i18n::I18nContext;

/// Why the PACS could not help, in the user's language.
fn pacs_failure(i18n: I18nContext<Locale>, texts: Texts, failure: &Failure) -> String {
    match failure {
        Failure::Api(e) if e.field.as_deref() == Some("pacs") => t_string!(i18n, pacs.unavailable).to_string(),
        Failure::Api(e) if e.field.as_deref() == Some("series") => series_refusal(i18n, texts, failure),
        _ => error_text(texts, failure),
    }
}

#[component]
pub fn PacsPanel(files: RwSignal<Vec<FileView>>, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let pacs = RwSignal::new(None::<PacsView>);
    spawn_local(async move {
        // No PACS connected (404), or none for this role: no panel.
        if let Ok(view) = api::pacs().await {
            pacs.set(Some(view));
        }
    });
    let studies = RwSignal::new(None::<Vec<PacsStudy>>);
    let searching = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let text = RwSignal::new(String::new());
    let search = move || {
        searching.set(true);
        error.set(None);
        let wanted = text.get_untracked();
        spawn_local(async move {
            match api::pacs_studies(wanted.trim()).await {
                Ok(found) => studies.set(Some(found)),
                Err(failure) => error.set(Some(pacs_failure(i18n, texts, &failure))),
            }
            searching.set(false);
        });
    };
    let on_toggle = move |ev: leptos::ev::Event| {
        let details: web_sys::Element = event_target(&ev);
        if details.has_attribute("open") && studies.get_untracked().is_none() {
            search();
        }
    };
    // Not a <form>: the panel sits inside the request's form; Enter searches.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            search();
        }
    };
    let status = move || match (searching.get(), studies.get()) {
        (true, _) => t_string!(i18n, pacs.searching).to_string(),
        (false, Some(found)) if found.is_empty() => t_string!(i18n, pacs.none).to_string(),
        (false, Some(found)) => t_string!(i18n, pacs.found, count = found.len()).to_string(),
        (false, None) => String::new(),
    };
    move || {
        pacs.get().map(|p| {
            view! {
                <details class="pacs" on:toggle=on_toggle>
                    <summary>{t_string!(i18n, pacs.open, host = p.host).to_string()}</summary>
                    <div role="search" class="pacs-search">
                        <label for=format!("{id}-pacs")>{t!(i18n, pacs.search_label)}</label>
                        <div class="row">
                            <input id=format!("{id}-pacs") type="search" maxlength=SEARCH_MAX_CHARS.to_string()
                                autocomplete="off" bind:value=text on:keydown=on_key />
                            <button type="button" class="secondary" on:click=move |_| search() disabled=searching>
                                {t!(i18n, pacs.search)}
                            </button>
                        </div>
                    </div>
                    <ErrorAlert message=error.into() />
                    <p role="status" class="muted">{status}</p>
                    <ul class="pacs-studies">
                        <For each=move || studies.get().unwrap_or_default() key=|s| s.uid.clone() let:study>
                            <Study study files error />
                        </For>
                    </ul>
                </details>
            }
        })
    }
}

/// A study as a button that shows its series.
#[component]
fn Study(study: PacsStudy, files: RwSignal<Vec<FileView>>, error: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let lang = i18n.get_locale_untracked().as_str();
    let series = RwSignal::new(None::<Vec<PacsSeries>>);
    let open = RwSignal::new(false);
    let uid = study.uid.clone();
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() && series.get_untracked().is_none() {
            let uid = uid.clone();
            spawn_local(async move {
                match api::pacs_series(&uid).await {
                    Ok(found) => series.set(Some(found)),
                    Err(failure) => error.set(Some(pacs_failure(i18n, texts, &failure))),
                }
            });
        }
    };
    let born = study.birth_date.as_deref().map(|d| t_string!(i18n, expertise.born, date = calendar_date(d, lang)));
    let when = match (&study.date, &study.time) {
        (Some(d), Some(t)) => {
            Some(t_string!(i18n, pacs.when, date = calendar_date(d, lang), time = t.clone()).to_string())
        }
        (Some(d), None) => Some(calendar_date(d, lang)),
        _ => None,
    };
    let about = [Some(study.modalities.join(", ")).filter(|m| !m.is_empty()), study.description.clone(), when]
        .into_iter()
        .flatten()
        .chain(study.images.map(|n| t_string!(i18n, pacs.images, count = n).to_string()))
        .collect::<Vec<_>>()
        .join(" · ");
    let who = [
        Some(study.patient_name.clone()),
        born.map(|b| b.to_string()),
        study.patient_id.as_ref().map(|p| t_string!(i18n, pacs.patient_id, id = p.clone()).to_string()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let study_uid = study.uid.clone();
    view! {
        <li>
            <button type="button" class="pacs-study" aria-expanded=move || open.get().to_string() on:click=toggle>
                <strong>{who}</strong>
                <span>{about}</span>
            </button>
            <Show when=move || open.get()>
                {
                    let study_uid = study_uid.clone();
                    move || match series.get() {
                        None => view! { <p class="muted">{t!(i18n, pacs.loading_series)}</p> }.into_any(),
                        Some(list) if list.is_empty() => view! { <p class="muted">{t!(i18n, pacs.no_series)}</p> }.into_any(),
                        Some(list) => view! {
                            <ul class="pacs-series">
                                {list.into_iter().map(|s| view! { <Series study=study_uid.clone() series=s files error /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                }
            </Show>
        </li>
    }
}

/// A series of a study, and the button that attaches it.
#[component]
fn Series(
    study: String,
    series: PacsSeries,
    files: RwSignal<Vec<FileView>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let importing = RwSignal::new(false);
    let attached = RwSignal::new(false);
    let name =
        [series.modality.clone(), series.description.clone()].into_iter().flatten().collect::<Vec<_>>().join(" — ");
    let label = match series.images {
        Some(count) => t_string!(i18n, pacs.series_label, name = name.clone(), count = count).to_string(),
        None => name.clone(),
    };
    let wanted = PacsImport { study, series: series.uid.clone() };
    let attach = move |_| {
        importing.set(true);
        error.set(None);
        let wanted = wanted.clone();
        spawn_local(async move {
            match api::pacs_import(&wanted).await {
                Ok(view) => {
                    files.update(|f| f.push(view));
                    attached.set(true);
                }
                Err(failure) => error.set(Some(pacs_failure(i18n, texts, &failure))),
            }
            importing.set(false);
        });
    };
    view! {
        <li>
            <span>{label.clone()}</span>
            <button type="button" class="secondary" on:click=attach disabled=move || importing.get() || attached.get()
                aria-label=t_string!(i18n, pacs.attach_label, name = label).to_string()>
                {move || if attached.get() { t_string!(i18n, pacs.attached) } else { t_string!(i18n, pacs.attach) }}
            </button>
            {move || importing.get().then(|| view! {
                <progress aria-label=t_string!(i18n, pacs.importing).to_string()></progress>
                <span class="muted">{t!(i18n, pacs.importing)}</span>
            })}
        </li>
    }
}
