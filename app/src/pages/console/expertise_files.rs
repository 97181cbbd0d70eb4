//! Images of a tele-expertise request: choosing and sending them (photos and
//! DICOM files, one progress bar at a time), and viewing them, each opening in
//! the zoom-and-pan viewer; the original is a download where the server allows.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::{FileKind, FileView, DICOM_MAX_BYTES, IMAGE_MAX_BYTES};
use regard_shared::ErrorCode;

use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::image_viewer::ImageViewer;
use crate::i18n::*;

/// What the file picker offers: photos, and DICOM by extension or type.
const ACCEPT: &str = "image/jpeg,image/png,.dcm,application/dicom";

fn is_dicom_name(name: &str) -> bool {
    name.to_lowercase().ends_with(".dcm")
}

#[component]
pub fn FileUploader(files: RwSignal<Vec<FileView>>, input_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(None::<(String, f64)>);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(list) = input.files() else { return };
        let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
        input.set_value("");
        error.set(None);
        spawn_local(async move {
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
                    Err(failure) => error.set(Some(error_text(i18n, &failure))),
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

/// The request's images as thumbnails; one opens in the viewer.
#[component]
pub fn FileGallery(files: Vec<FileView>, may_download: bool) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<FileView>);
    let items = files
        .into_iter()
        .map(|file| {
            let label = match (&file.kind, &file.description) {
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
    view! {
        <ul class="gallery" data-testid="expertise-gallery">{items}</ul>
        {move || open.get().map(|file| view! {
            <ImageViewer src=api::preview_url(&file.id) label=file.name.clone() on_close=Callback::new(move |_| open.set(None)) />
        })}
    }
}
