//! Live video between the two sites of a request, at once: the emergency
//! department's device at the bedside and the specialist who took the
//! request, sound both ways. The bedside takes the room's patient seat (it
//! shows the patient and offers the call), the specialist the clinician's.
//! The call lives above the request's page, which is drawn again whenever the
//! request moves: a new message or time does not hang up.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::expertise::{RequestDetail, Side};
use regard_shared::signal::PeerRole;
use web_sys::MediaStream;

use super::expertise_camera::{CameraAskBanner, CameraAsks};
use crate::components::error_text::ErrorAlert;
use crate::components::two_way_video::TwoWayVideo;
use crate::i18n::*;
use crate::media::call::{Call, CallEvent};
use crate::media::camera;

/// Whether the reader may be in the request's video now, and as whom.
fn seat(detail: &RequestDetail) -> Option<PeerRole> {
    if !detail.summary.status.video_open() {
        return None;
    }
    match detail.side {
        Side::Requester => Some(PeerRole::Patient),
        Side::Expert if detail.taken_by_you => Some(PeerRole::Clinician),
        Side::Expert => None,
    }
}

#[component]
pub fn LiveVideo(id: String, detail: RwSignal<Option<RequestDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let seat = Memo::new(move |_| detail.with(|d| d.as_ref().and_then(seat)));
    let other_site = move || {
        detail.with(|d| {
            d.as_ref().map_or(String::new(), |d| match d.side {
                Side::Requester => d.summary.expert_site.clone(),
                Side::Expert => d.summary.requesting_site.clone(),
            })
        })
    };
    let (remote, set_remote) = signal_local(None::<MediaStream>);
    let (local, set_local) = signal_local(None::<MediaStream>);
    let call = StoredValue::new_local(None::<Call>);
    let (on, connected, present) = (RwSignal::new(false), RwSignal::new(false), RwSignal::new(false));
    let error = RwSignal::new(None::<String>);

    let hang_up = move || {
        call.update_value(|c| {
            if let Some(c) = c.take() {
                c.hang_up();
            }
        });
        if let Some(stream) = local.get_untracked() {
            camera::stop(&stream);
        }
        set_local.set(None);
        set_remote.set(None);
        on.set(false);
        connected.set(false);
        present.set(false);
    };
    on_cleanup(hang_up);
    // Closed, or given to someone else: the call ends.
    Effect::new(move |_| {
        if seat.get().is_none() && on.get_untracked() {
            hang_up();
        }
    });
    let start = move |_| {
        let Some(role) = seat.get_untracked() else { return };
        on.set(true);
        error.set(None);
        spawn_local(async move {
            let Ok(stream) = camera::camera_and_microphone().await else {
                on.try_set(false);
                return error.set(Some(t_string!(i18n, consultation.gp_camera_failed).to_string()));
            };
            if on.try_get_untracked() != Some(true) {
                return camera::stop(&stream);
            }
            // The same stream (`MediaStream::clone` would copy the camera's tracks,
            // and the copies would keep it on after the call stops it).
            set_local.set(Some(Clone::clone(&stream)));
            let on_event = move |event: CallEvent| match event {
                CallEvent::RemoteStream(stream) => set_remote.set(Some(stream)),
                CallEvent::Connection(state) => connected.set(state == "connected"),
                CallEvent::PeerPresent(here) => present.set(here),
                _ => {}
            };
            let room = format!("expertise/{}", id.get_value());
            call.set_value(Some(Call::start(&room, role, Some(stream), on_event)));
        });
    };
    let remote_label = Signal::derive(move || t_string!(i18n, live_video.remote, site = other_site()).to_string());
    view! {
        <Show when=move || seat.get().is_some()>
            <section class="card" aria-labelledby="live-title" data-testid="live-video">
                <h2 id="live-title">{t!(i18n, live_video.title)}</h2>
                <Show
                    when=move || on.get()
                    fallback=move || view! {
                        <p>{move || t_string!(i18n, live_video.intro, site = other_site()).to_string()}</p>
                        <button type="button" class="primary" on:click=start>{t!(i18n, live_video.start)}</button>
                    }
                >
                    <p role="status" data-testid="live-state">{move || match (present.get(), connected.get()) {
                        (false, _) => t_string!(i18n, live_video.waiting, site = other_site()).to_string(),
                        (true, false) => t_string!(i18n, live_video.connecting).to_string(),
                        (true, true) => t_string!(i18n, live_video.live, site = other_site()).to_string(),
                    }}</p>
                    {move || match seat.get() {
                        Some(PeerRole::Clinician) => view! { <CameraAsks id /> }.into_any(),
                        _ => view! { <CameraAskBanner id /> }.into_any(),
                    }}
                    <TwoWayVideo remote=remote local=local remote_label=remote_label />
                    <button type="button" class="stop" on:click=move |_| hang_up()>{t!(i18n, live_video.stop)}</button>
                </Show>
                <ErrorAlert message=error.into() />
            </section>
        </Show>
    }
}
