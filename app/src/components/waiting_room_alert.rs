//! Patients who entered the waiting room, impossible to miss on any console
//! page: a banner, a chime, the tab's title, and a system notification where
//! the GP allowed them.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::consultation::{ConsultationSummary, Status};
use regard_shared::live::News;

use crate::api;
use crate::components::tab_title;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::audio;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The browser's local day around now, in ms: what "today" means to the GP.
pub fn local_day(offset_days: i64) -> (i64, i64) {
    let now = js_sys::Date::new_0();
    let midnight =
        js_sys::Date::new_with_year_month_day(now.get_full_year(), now.get_month() as i32, now.get_date() as i32);
    let from = midnight.get_time() as i64 + offset_days * DAY_MS;
    (from, from + DAY_MS)
}

#[component]
pub fn WaitingRoomAlert() -> impl IntoView {
    let i18n = use_i18n();
    let waiting = RwSignal::new(Vec::<ConsultationSummary>::new());
    let announced = StoredValue::new(HashSet::<String>::new());

    let poll = move || {
        spawn_local(async move {
            // Yesterday to tomorrow: a late patient of yesterday evening still counts.
            let (from, _) = local_day(-1);
            let Ok(list) = api::consultations(from, from + 3 * DAY_MS).await else { return };
            let now_waiting: Vec<_> = list.into_iter().filter(|c| c.status == Status::Waiting).collect();
            let fresh: Vec<_> =
                now_waiting.iter().filter(|c| announced.with_value(|seen| !seen.contains(&c.id))).cloned().collect();
            if !fresh.is_empty() {
                audio::chime();
                for patient in &fresh {
                    let title = t_string!(i18n, consultation.waiting_notification, name = patient.patient_name.clone());
                    audio::notify(&title.to_string(), &patient.reason);
                }
            }
            announced.update_value(|seen| {
                seen.retain(|id| now_waiting.iter().any(|c| &c.id == id));
                seen.extend(now_waiting.iter().map(|c| c.id.clone()));
            });
            waiting.set(now_waiting);
        });
    };
    poll();
    on_news(|news| matches!(news, News::Consultation { .. }), poll);
    tab_title::count_in_title(
        move || waiting.read().len(),
        move || t_string!(i18n, consultation.waiting_title).to_string(),
    );

    view! {
        <Show when=move || !waiting.read().is_empty()>
            <section class="alert alert-waiting" role="alert" aria-labelledby="waiting-room-title">
                <h2 id="waiting-room-title">{t!(i18n, consultation.waiting_title)}</h2>
                <ul>
                    <For each=move || waiting.get() key=|c| c.id.clone() let:patient>
                        <li>
                            <a href=format!("/console/consultations/{}", patient.id)>
                                {t_string!(i18n, consultation.waiting_patient, name = patient.patient_name.clone()).to_string()}
                            </a>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
