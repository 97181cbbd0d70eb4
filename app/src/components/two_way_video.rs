//! A face-to-face call: the other person large, oneself small, and the two
//! switches everyone expects (microphone, camera). Used by both sides of a
//! consultation.

use leptos::html::Video;
use leptos::prelude::*;
use web_sys::MediaStream;

use crate::components::video_view::VideoView;
use crate::i18n::*;
use crate::media::camera;

#[component]
pub fn TwoWayVideo(
    remote: ReadSignal<Option<MediaStream>, LocalStorage>,
    local: ReadSignal<Option<MediaStream>, LocalStorage>,
    /// Accessible name of the other person's video.
    #[prop(into)]
    remote_label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let microphone = RwSignal::new(true);
    let camera_on = RwSignal::new(true);
    let toggle = move |kind: &'static str, state: RwSignal<bool>| {
        move |_| {
            let on = !state.get_untracked();
            if let Some(stream) = local.get_untracked() {
                camera::set_enabled(&stream, kind, on);
            }
            state.set(on);
        }
    };
    let audible = Signal::derive(|| true);
    let (remote_video, self_video) = (NodeRef::<Video>::new(), NodeRef::<Video>::new());
    let self_label = Signal::derive(move || t_string!(i18n, call.self_view).to_string());
    view! {
        <div class="two-way">
            <VideoView stream=remote label=remote_label node_ref=remote_video class="remote-video" audible=audible />
            <VideoView stream=local label=self_label node_ref=self_video class="self-view" />
        </div>
        <div class="call-controls">
            <button type="button" class="secondary" on:click=toggle("audio", microphone)>
                {move || if microphone.get() { t_string!(i18n, call.mute) } else { t_string!(i18n, call.unmute) }}
            </button>
            <button type="button" class="secondary" on:click=toggle("video", camera_on)>
                {move || if camera_on.get() { t_string!(i18n, call.camera_off) } else { t_string!(i18n, call.camera_on) }}
            </button>
        </div>
    }
}
