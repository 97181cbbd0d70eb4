//! From a follow-up to a teleconsultation in one step, typically after an
//! alert: the patient's identity is the follow-up's and the invitation leaves
//! by the channel they chose for reminders. The consultations started so far
//! are listed, each a link to its room.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::monitoring::wire::FollowUpDetail;
use regard_shared::Action;

use crate::api::monitoring as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::date_time;
use crate::i18n::*;
use crate::session::use_session;
use crate::texts::use_texts;

#[component]
pub fn FollowUpTeleconsultation(detail: FollowUpDetail) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let may_consult = use_session()
        .0
        .with_untracked(|me| me.as_ref().is_some_and(|me| me.user.role.may(Action::ConductConsultation)));
    let open = detail.ended_at.is_none();
    if !may_consult || (!open && detail.consultations.is_empty()) {
        return ().into_any();
    }
    let id = StoredValue::new(detail.summary.id.clone());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        let navigate = navigate.clone();
        pending.set(true);
        spawn_local(async move {
            match api::start_consultation(&id.get_value()).await {
                Ok(started) => navigate(&format!("/console/consultations/{}", started.id), Default::default()),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
        });
    };
    let consultations = detail.consultations.clone();
    view! {
        <section class="card" aria-labelledby="teleconsultation-title">
            <h2 id="teleconsultation-title">{t!(i18n, monitoring.teleconsultation_title)}</h2>
            <ul data-testid="followup-consultations">
                {consultations.into_iter().map(|c| {
                    let when = move || date_time(c.scheduled_at, i18n.get_locale().as_str());
                    view! {
                        <li><a href=format!("/console/consultations/{}", c.id)>
                            {move || t_string!(i18n, monitoring.teleconsultation_of, date = when()).to_string()}
                        </a></li>
                    }
                }).collect_view()}
            </ul>
            {open.then(|| view! {
                <p class="hint">{t!(i18n, monitoring.teleconsultation_hint)}</p>
                <ErrorAlert message=error.into() />
                <button type="button" class="primary" on:click=start disabled=move || pending.get()>
                    {t!(i18n, monitoring.teleconsultation_start)}
                </button>
            })}
        </section>
    }
    .into_any()
}
