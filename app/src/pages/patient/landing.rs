//! What a patient sees at the root of the patient area: plain words on what
//! Regard is, before any link has brought them to a consultation.

use leptos::prelude::*;

use crate::i18n::*;
use crate::texts::{tx, use_texts};

#[component]
pub fn PatientLanding() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    view! {
        <article class="patient">
            <h1>{t!(i18n, patient.title)}</h1>
            <p class="lead">{t!(i18n, patient.intro)}</p>
            <p class="alert alert-emergency">
                <strong>{move || tx!(texts, common.emergency)}</strong>
            </p>
            <h2>{t!(i18n, patient.how_title)}</h2>
            <ol class="steps">
                <li>{t!(i18n, patient.step_link)}</li>
                <li>{t!(i18n, patient.step_consent)}</li>
                <li>{t!(i18n, patient.step_camera)}</li>
            </ol>
            <p class="muted">{t!(i18n, patient.no_link)}</p>
            <h2>{t!(i18n, patient.privacy_title)}</h2>
            <p>{t!(i18n, patient.privacy)}</p>
        </article>
    }
}
