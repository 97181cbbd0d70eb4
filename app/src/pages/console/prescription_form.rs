//! The GP writes a prescription during or after the consultation: lines of
//! medicine, dosage, duration, quantity and a free note, then issues it. The
//! server gives it its identifier and signs it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::prescription::{validate_lines, Line, PrescriptionSummary, MAX_LINES};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::prescriptions::{add_prescription, PrescriptionList};
use crate::i18n::*;
use crate::texts::use_texts;

fn blank() -> Line {
    Line {
        medicine: String::new(),
        dosage: String::new(),
        duration: String::new(),
        quantity: String::new(),
        note: String::new(),
    }
}

#[component]
pub fn PrescriptionForm(consultation_id: String, prescriptions: RwSignal<Vec<PrescriptionSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let lines = RwSignal::new(vec![blank()]);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let id = StoredValue::new(consultation_id);
    // Only adding or removing a line redraws the inputs: typing must keep the focus.
    let count = Memo::new(move |_| lines.with(Vec::len));

    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = match validate_lines(&lines.get_untracked()) {
            Ok(checked) => checked,
            Err(_) => {
                error.set(Some(t_string!(i18n, prescription.incomplete).to_string()));
                return;
            }
        };
        pending.set(true);
        spawn_local(async move {
            match api::issue_prescription(&id.get_value(), checked).await {
                Ok(issued) => {
                    add_prescription(prescriptions, issued);
                    lines.set(vec![blank()]);
                    error.set(None);
                }
                Err(Failure::Api(e)) if e.field.is_some() => {
                    error.set(Some(t_string!(i18n, prescription.incomplete).to_string()))
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };
    // One input of line `i`; `field` picks which part of the line it edits.
    let input = move |i: usize, field: fn(&mut Line) -> &mut String, label: String, name: &'static str| {
        let input_id = format!("rx-{name}-{i}");
        view! {
            <label for=input_id.clone()>{label}</label>
            <input id=input_id type="text" autocomplete="off" maxlength="200"
                prop:value=move || lines.with(|l| l.get(i).map(|line| { let mut line = line.clone(); field(&mut line).clone() }).unwrap_or_default())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    lines.update(|l| if let Some(line) = l.get_mut(i) { *field(line) = value; });
                } />
        }
    };
    view! {
        <section class="card" aria-labelledby="prescription-title">
            <h2 id="prescription-title">{t!(i18n, prescription.title)}</h2>
            <PrescriptionList prescriptions=prescriptions consultation_id=id.get_value() />
            <form on:submit=issue novalidate>
                {move || (0..count.get()).map(|i| view! {
                    <fieldset class="rx-line">
                        <legend>{t_string!(i18n, prescription.line, n = i + 1).to_string()}</legend>
                        {input(i, |l| &mut l.medicine, t_string!(i18n, prescription.medicine).to_string(), "medicine")}
                        {input(i, |l| &mut l.dosage, t_string!(i18n, prescription.dosage).to_string(), "dosage")}
                        {input(i, |l| &mut l.duration, t_string!(i18n, prescription.duration).to_string(), "duration")}
                        {input(i, |l| &mut l.quantity, t_string!(i18n, prescription.quantity).to_string(), "quantity")}
                        {input(i, |l| &mut l.note, t_string!(i18n, prescription.note).to_string(), "note")}
                    </fieldset>
                }).collect_view()}
                <button type="button" class="secondary" disabled=move || { count.get() >= MAX_LINES }
                    on:click=move |_| lines.update(|l| l.push(blank()))>{t!(i18n, prescription.add_line)}</button>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, prescription.issue)}</button>
            </form>
        </section>
    }
}
