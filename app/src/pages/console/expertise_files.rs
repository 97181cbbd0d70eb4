//! Images of a tele-expertise request: choosing and sending them (photos and
//! DICOM files, one progress bar at a time), and viewing them, each opening in
//! the zoom-and-pan viewer; the original is a download where the server allows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::{FileKind, FileView, DICOM_MAX_BYTES, IMAGE_MAX_BYTES};
use regard_shared::imaging::{
    MIXED_SERIES, NOT_A_SERIES, SAME_SLICE_TWICE, SERIES_MAX_BYTES, TOO_FEW_SLICES, UNEVEN_SLICES, UNORDERED_SLICES,
};
use regard_shared::ErrorCode;

use super::expertise_pacs::PacsPanel;
use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::image_viewer::ImageViewer;
use crate::components::series_viewer::SeriesViewer;
use crate::i18n::*;
use crate::texts::{use_texts, Texts};
use leptos_i18n::I18nContext;

/// What the file picker offers: photos, DICOM by extension or type, and a
/// series as a zip.
const ACCEPT: &str = "image/jpeg,image/png,.dcm,application/dicom,.zip,application/zip";

fn is_dicom_name(name: &str) -> bool {
    name.to_lowercase().ends_with(".dcm")
}

fn is_zip_name(name: &str) -> bool {
    name.to_lowercase().ends_with(".zip")
}

/// The files of a choice that make one series: a zip, or several DICOM files
/// chosen together. The others are sent one by one.
fn series_of(chosen: &mut Vec<web_sys::File>) -> Vec<web_sys::File> {
    let in_series = |f: &web_sys::File| is_zip_name(&f.name()) || is_dicom_name(&f.name());
    let candidates = chosen.iter().filter(|f| in_series(f)).count();
    let zipped = chosen.iter().any(|f| is_zip_name(&f.name()));
    if candidates < 2 && !zipped {
        return Vec::new();
    }
    let (series, rest): (Vec<_>, Vec<_>) = chosen.drain(..).partition(in_series);
    *chosen = rest;
    series
}

/// Whether DICOM files refused as a series are images of their own: loose
/// files (not a zip) of different series, or with no slice order.
fn separate_images(series: &[web_sys::File], refusal: &str) -> bool {
    series.iter().all(|f| is_dicom_name(&f.name())) && [MIXED_SERIES, UNORDERED_SLICES].contains(&refusal)
}

/// The refusal of a series, in the user's language.
pub(super) fn series_refusal(i18n: I18nContext<Locale>, texts: Texts, failure: &Failure) -> String {
    let Failure::Api(e) = failure else { return error_text(texts, failure) };
    if e.code == ErrorCode::PayloadTooLarge {
        return t_string!(i18n, series.too_large).to_string();
    }
    match e.message.as_str() {
        MIXED_SERIES => t_string!(i18n, series.mixed),
        UNORDERED_SLICES => t_string!(i18n, series.unordered),
        SAME_SLICE_TWICE => t_string!(i18n, series.same_slice),
        UNEVEN_SLICES => t_string!(i18n, series.uneven),
        TOO_FEW_SLICES => t_string!(i18n, series.too_few),
        NOT_A_SERIES => t_string!(i18n, series.not_series),
        _ if e.field.as_deref() == Some("series") => t_string!(i18n, series.unreadable),
        _ => return error_text(texts, failure),
    }
    .to_string()
}

#[component]
pub fn FileUploader(files: RwSignal<Vec<FileView>>, input_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let progress = RwSignal::new(None::<(String, f64)>);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else { return };
        let mut chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        let series = series_of(&mut chosen);
        input.set_value("");
        error.set(None);
        spawn_local(async move {
            let mut chosen = chosen;
            if !series.is_empty() {
                let name = series.iter().map(|f| f.name()).find(|n| is_zip_name(n)).unwrap_or_else(|| series[0].name());
                let shown = t_string!(i18n, series.sending, count = series.len()).to_string();
                if series.iter().map(|f| f.size()).sum::<f64>() > SERIES_MAX_BYTES as f64 {
                    error.set(Some(t_string!(i18n, series.too_large).to_string()));
                } else {
                    progress.set(Some((shown.clone(), 0.0)));
                    match api::upload_series(&name, &series, move |p| progress.set(Some((shown.clone(), p)))).await {
                        Ok(view) => files.update(|f| f.push(view)),
                        // Several DICOM images that are not one series (two
                        // X-rays, say): each is sent as an image of its own.
                        Err(Failure::Api(e)) if separate_images(&series, &e.message) => chosen.extend(series),
                        Err(failure) => error.set(Some(series_refusal(i18n, texts, &failure))),
                    }
                }
            }
            // One at a time: a phone on 4G sends one image faster than two halves.
            for file in chosen {
                let name = file.name();
                let limit = if is_dicom_name(&name) { DICOM_MAX_BYTES } else { IMAGE_MAX_BYTES };
                if file.size() > limit as f64 {
                    error.set(Some(t_string!(i18n, expertise.file_too_large, name = name.clone()).to_string()));
                    continue;
                }
                progress.set(Some((name.clone(), 0.0)));
                let shown = name.clone();
                match api::upload(&file, move |p| progress.set(Some((shown.clone(), p)))).await {
                    Ok(view) => files.update(|f| f.push(view)),
                    Err(Failure::Api(e)) if e.code == ErrorCode::PayloadTooLarge => {
                        error.set(Some(t_string!(i18n, expertise.file_too_large, name = name.clone()).to_string()))
                    }
                    Err(Failure::Api(e)) if e.field.as_deref() == Some("file") => {
                        error.set(Some(if is_dicom_name(&name) {
                            t_string!(i18n, expertise.not_dicom, name = name.clone()).to_string()
                        } else {
                            t_string!(i18n, expertise.wrong_file, name = name.clone()).to_string()
                        }))
                    }
                    Err(failure) => error.set(Some(error_text(texts, &failure))),
                }
            }
            progress.set(None);
        });
    };
    let remove = move |id: String| files.update(|f| f.retain(|v| v.id != id));
    view! {
        <label for=input_id>{t!(i18n, expertise.add_images)}</label>
        <input id=input_id type="file" multiple accept=ACCEPT on:change=on_change />
        {move || progress.get().map(|(name, done)| view! {
            <p>
                <label for=format!("{input_id}-progress")>{t_string!(i18n, expertise.sending_file, name = name).to_string()}</label>
                <progress id=format!("{input_id}-progress") max="1" value=done></progress>
            </p>
        })}
        <ErrorAlert message=error.into() />
        <PacsPanel files id=input_id />
        <ul class="file-list" data-testid="chosen-files">
            <For each=move || files.get() key=|f| f.id.clone() let:file>
                <li>
                    <img src=api::preview_url(&file.id) alt="" width="64" height="64" />
                    <span>{file.name.clone()}</span>
                    <button type="button" class="secondary" on:click={
                        let id = file.id.clone();
                        move |_| remove(id.clone())
                    }>
                        {t_string!(i18n, expertise.remove_file, name = file.name.clone()).to_string()}
                    </button>
                </li>
            </For>
        </ul>
    }
}

/// The request's images as thumbnails; choosing one sets `open`, which the
/// page owns so that the viewer survives the request being loaded again.
#[component]
pub fn FileGallery(files: Vec<FileView>, may_download: bool, open: RwSignal<Option<FileView>>) -> impl IntoView {
    let i18n = use_i18n();
    let items = files
        .into_iter()
        .map(|file| {
            let label = match (&file.kind, &file.description) {
                (FileKind::Series, d) => t_string!(i18n, series.label, name = file.name.clone(), count = file.slices,
                    description = d.clone().unwrap_or_else(|| "DICOM".to_owned())).to_string(),
                (FileKind::Dicom, Some(d)) => format!("{} (DICOM, {d})", file.name),
                (FileKind::Dicom, None) => format!("{} (DICOM)", file.name),
                _ => file.name.clone(),
            };
            let shown = file.clone();
            view! {
                <li>
                    <button type="button" class="thumbnail" on:click=move |_| open.set(Some(shown.clone()))
                        aria-label=t_string!(i18n, expertise.view_image, name = label.clone()).to_string()>
                        <img src=api::preview_url(&file.id) alt="" loading="lazy" />
                    </button>
                    <span>{label}</span>
                    {may_download.then(|| view! {
                        <a href=api::original_url(&file.id) download=file.name.clone()>{t!(i18n, expertise.download_original)}</a>
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="gallery" data-testid="expertise-gallery">{items}</ul> }
}

/// The image or series chosen in the gallery, in its viewer. Rendered outside
/// the request's details, so news about the request (a message, an NIHSS item
/// from the other side, the live channel reopening) neither closes it nor
/// loses the slice and window being read.
#[component]
pub fn OpenedFile(open: RwSignal<Option<FileView>>) -> impl IntoView {
    view! {
        {move || open.get().map(|file| {
            let on_close = Callback::new(move |_| open.set(None));
            if file.kind == FileKind::Series {
                view! {
                    <SeriesViewer file_id=file.id.clone() label=file.name.clone() count=file.slices
                        width=file.width height=file.height on_close />
                }.into_any()
            } else {
                view! { <ImageViewer src=api::preview_url(&file.id) label=file.name.clone() on_close /> }.into_any()
            }
        })}
    }
}
