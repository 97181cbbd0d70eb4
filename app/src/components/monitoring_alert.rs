//! Tele-monitoring news on every console page of those who follow patients:
//! questionnaires just filled, and alerts still to handle, with a chime and a
//! system notification for each new one.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::live::News;
use regard_shared::monitoring::wire::Activity;

use crate::api::monitoring as api;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::audio;

#[component]
pub fn MonitoringAlert() -> impl IntoView {
    let i18n = use_i18n();
    // News since this page opened; what came before is on the dashboard.
    let since = js_sys::Date::now() as i64;
    let activity = RwSignal::new(Activity::default());
    let announced = StoredValue::new(HashSet::<(String, u32)>::new());
    let poll = move || {
        spawn_local(async move {
            let Ok(news) = api::activity(since).await else { return };
            let fresh: Vec<_> = news
                .filled
                .iter()
                .filter(|f| announced.with_value(|seen| !seen.contains(&(f.followup_id.clone(), f.day))))
                .cloned()
                .collect();
            if !fresh.is_empty() {
                audio::chime();
                for filled in &fresh {
                    let title =
                        t_string!(i18n, monitoring.new_filled, name = filled.patient_name.clone(), day = filled.day);
                    audio::notify(&title.to_string(), "");
                }
                announced.update_value(|seen| seen.extend(fresh.iter().map(|f| (f.followup_id.clone(), f.day))));
            }
            activity.set(news);
        });
    };
    poll();
    on_news(|news| matches!(news, News::FollowUp { .. }), poll);
    view! {
        <Show when=move || { !activity.read().filled.is_empty() || activity.read().open_alerts > 0 }>
            <section class="alert alert-monitoring" role="status" aria-live="polite">
                <Show when=move || { activity.read().open_alerts > 0 }>
                    <p><a href="/console/monitoring">
                        {move || t_string!(i18n, monitoring.banner_alerts, count = activity.read().open_alerts).to_string()}
                    </a></p>
                </Show>
                <ul>
                    <For each=move || activity.get().filled key=|f| (f.followup_id.clone(), f.day) let:filled>
                        <li><a href=format!("/console/monitoring/{}", filled.followup_id)>
                            {t_string!(i18n, monitoring.new_filled, name = filled.patient_name.clone(), day = filled.day).to_string()}
                        </a></li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
