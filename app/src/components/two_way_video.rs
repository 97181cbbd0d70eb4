//! A face-to-face call: the other person large, oneself small, and the two
//! switches everyone expects (microphone, camera). Used by both sides of a
//! consultation.

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;
use web_sys::MediaStream;

use crate::components::video_view::VideoView;
use crate::media::camera;
use crate::texts::{tx, use_texts};

#[component]
pub fn TwoWayVideo(
    remote: ReadSignal<Option<MediaStream>, LocalStorage>,
    local: ReadSignal<Option<MediaStream>, LocalStorage>,
    /// Accessible name of the other person's video.
    #[prop(into)]
    remote_label: Signal<String>,
) -> impl IntoView {
    let texts = use_texts();
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
    let sound_blocked = RwSignal::new(false);
    let (remote_video, self_video) = (NodeRef::<Video>::new(), NodeRef::<Video>::new());
    let self_label = Signal::derive(move || tx!(texts, call.self_view));
    let shown = view! {
        <div class="two-way">
            <VideoView stream=remote label=remote_label node_ref=remote_video class="remote-video" audible=audible />
            <VideoView stream=local label=self_label node_ref=self_video class="self-view" />
        </div>
        <Show when=move || sound_blocked.get()>
            // The tap is what the browser waits for: sound starts inside it.
            <button type="button" class="primary big" on:click=move |_| {
                if let Some(video) = remote_video.get_untracked() {
                    video.set_muted(false);
                    let _ = video.play();
                }
                sound_blocked.set(false);
            }>{move || tx!(texts, call.tap_to_hear)}</button>
        </Show>
        <div class="call-controls">
            <button type="button" class="secondary" on:click=toggle("audio", microphone)>
                {move || if microphone.get() { tx!(texts, call.mute) } else { tx!(texts, call.unmute) }}
            </button>
            <button type="button" class="secondary" on:click=toggle("video", camera_on)>
                {move || if camera_on.get() { tx!(texts, call.camera_off) } else { tx!(texts, call.camera_on) }}
            </button>
        </div>
    };
    // The doctor's voice needs a tap where the browser refuses sound without one
    // (iPhone, Firefox after a reload): the picture plays muted meanwhile.
    Effect::new(move |_| {
        let (Some(video), Some(_)) = (remote_video.get(), remote.get()) else { return };
        spawn_local(async move {
            let Ok(playing) = video.play() else { return };
            // Only a refusal: a play interrupted by a newer stream is not one.
            let refused = JsFuture::from(playing).await.err().is_some_and(|e| {
                js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).as_deref()
                    == Some("NotAllowedError")
            });
            if refused {
                video.set_muted(true);
                sound_blocked.set(true);
                let _ = video.play();
            }
        });
    });
    shown
}
