//! The photos and short videos of an assist, as the regulator opens them.

use leptos::prelude::*;
use regard_shared::assist::AssistDetail;

use crate::api;
use crate::components::format::time;
use crate::i18n::*;

/// What the caller sent or the regulator took, newest last.
#[component]
pub fn Gallery(id: String, detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    view! {
        <section class="card" aria-labelledby="gallery-title">
            <h2 id="gallery-title">{t!(i18n, assist.gallery)}</h2>
            {move || {
                let photos = detail.with(|d| d.as_ref().map(|d| d.snapshots.clone()).unwrap_or_default());
                if photos.is_empty() {
                    return view! { <p class="muted">{t!(i18n, assist.no_photos)}</p> }.into_any();
                }
                let lang = i18n.get_locale().as_str();
                view! {
                    <ul class="gallery" data-testid="gallery">
                        {photos.into_iter().map(|photo| {
                            let url = api::photo_url(&id.get_value(), &photo.id);
                            if photo.content_type.starts_with("video/") {
                                let label = t_string!(i18n, assist.clip_label, time = time(photo.taken_at, lang)).to_string();
                                return view! { <li><video src=url controls preload="metadata" aria-label=label></video></li> }.into_any();
                            }
                            let alt = t_string!(i18n, assist.photo_alt, time = time(photo.taken_at, lang)).to_string();
                            let href = url.clone();
                            view! { <li><a href=href target="_blank" rel="noopener"><img src=url alt=alt /></a></li> }.into_any()
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
