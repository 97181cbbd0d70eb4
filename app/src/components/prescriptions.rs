//! The prescriptions of a consultation, each a PDF to download, with whether a
//! pharmacy has dispensed it. Shown to the GP and to the patient.

use leptos::prelude::*;
use regard_shared::prescription::PrescriptionSummary;

use crate::api;
use crate::components::format::{date_time, intl_tag};
use crate::texts::{tx, use_texts};

/// Adds a prescription unless it is already listed.
pub fn add_prescription(list: RwSignal<Vec<PrescriptionSummary>>, prescription: PrescriptionSummary) {
    list.update(|l| {
        if !l.iter().any(|p| p.id == prescription.id) {
            l.push(prescription);
        }
    });
}

#[component]
pub fn PrescriptionList(
    prescriptions: RwSignal<Vec<PrescriptionSummary>>,
    /// The consultation, on the GP's side.
    #[prop(optional)]
    consultation_id: Option<String>,
) -> impl IntoView {
    let texts = use_texts();
    let consultation_id = StoredValue::new(consultation_id);
    view! {
        <Show when=move || !prescriptions.read().is_empty()>
            <ul class="prescriptions" data-testid="prescriptions">
                <For each=move || prescriptions.get() key=|p| p.id.clone() let:p>
                    <li>
                        <a href=api::prescription_pdf_url(consultation_id.get_value().as_deref(), &p.id) download=format!("ordonnance-{}.pdf", p.id)>
                            {let id = p.id.clone(); move || tx!(texts, prescriptions.download, id = id.clone())}
                        </a>
                        <span class="muted">" · " {move || date_time(p.issued_at, intl_tag(texts.lang()))}
                            {move || p.dispensed_at.map(|_| format!(" · {}", tx!(texts, prescriptions.dispensed)))}
                        </span>
                    </li>
                </For>
            </ul>
        </Show>
    }
}
