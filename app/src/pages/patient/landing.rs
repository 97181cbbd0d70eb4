//! What a patient sees at the root of the patient area: plain words on what
//! Regard is, before any link has brought them to a consultation.

use leptos::prelude::*;

use crate::texts::{tx, use_texts};

#[component]
pub fn PatientLanding() -> impl IntoView {
    let texts = use_texts();
    view! {
        <article class="patient">
            <h1>{move || tx!(texts, landing.title)}</h1>
            <p class="lead">{move || tx!(texts, landing.intro)}</p>
            <p class="alert alert-emergency">
                <strong>{move || tx!(texts, common.emergency)}</strong>
            </p>
            <h2>{move || tx!(texts, landing.how_title)}</h2>
            <ol class="steps">
                <li>{move || tx!(texts, landing.step_link)}</li>
                <li>{move || tx!(texts, landing.step_consent)}</li>
                <li>{move || tx!(texts, landing.step_camera)}</li>
            </ol>
            <p class="muted">{move || tx!(texts, landing.no_link)}</p>
            <h2>{move || tx!(texts, landing.privacy_title)}</h2>
            <p>{move || tx!(texts, landing.privacy)}</p>
        </article>
    }
}
