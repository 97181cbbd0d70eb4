//! A short video clip of the scene (a resident's breathing, a gait), recorded
//! from the live camera by the page and sent into the case with its progress:
//! what a still photo cannot show, for when the live video is not enough.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::assist::{SnapshotView, CLIP_MAX_SECONDS};
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobEvent, BlobPropertyBag, MediaRecorder, MediaStream};

use crate::api;
use crate::texts::{tx, use_texts};

#[derive(Clone, Copy, PartialEq)]
enum Clip {
    Idle,
    Recording { seconds_left: u32 },
    Sending { percent: u32 },
    Sent,
    Failed,
}

/// The recorder and the callbacks it calls, kept together as long as it records.
struct Recording {
    recorder: MediaRecorder,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
    _on_stop: Closure<dyn FnMut()>,
}

#[component]
pub fn ClipRecorder(stream: ReadSignal<Option<MediaStream>, LocalStorage>) -> impl IntoView {
    let texts = use_texts();
    let state = RwSignal::new(Clip::Idle);
    let recording = StoredValue::new_local(None::<Recording>);

    let send = move |clip: Blob| {
        state.set(Clip::Sending { percent: 0 });
        spawn_local(async move {
            let progress = move |done: f64| state.set(Clip::Sending { percent: (done * 100.0).round() as u32 });
            let sent = api::upload_with_progress::<SnapshotView>("/api/v1/patient/assist/clips", &clip, progress).await;
            state.set(if sent.is_ok() { Clip::Sent } else { Clip::Failed });
        });
    };
    let stop = move || {
        recording.with_value(|r| {
            if let Some(r) = r {
                let _ = r.recorder.stop();
            }
        })
    };
    let start = move |_| {
        let Some(camera) = stream.get_untracked() else { return };
        let Ok(recorder) = MediaRecorder::new_with_media_stream(&camera) else {
            return state.set(Clip::Failed);
        };
        let chunks = Rc::new(RefCell::new(Vec::<Blob>::new()));
        let on_data = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
                if let Some(data) = event.data() {
                    chunks.borrow_mut().push(data);
                }
            })
        };
        let mime = recorder.mime_type();
        let on_stop = Closure::<dyn FnMut()>::new(move || {
            let parts: js_sys::Array = chunks.borrow().iter().collect();
            let options = BlobPropertyBag::new();
            options.set_type(&mime);
            match Blob::new_with_blob_sequence_and_options(&parts, &options) {
                Ok(clip) if clip.size() > 0.0 => send(clip),
                _ => state.set(Clip::Failed),
            }
        });
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
        if recorder.start().is_err() {
            return state.set(Clip::Failed);
        }
        recording.set_value(Some(Recording { recorder, _on_data: on_data, _on_stop: on_stop }));
        state.set(Clip::Recording { seconds_left: CLIP_MAX_SECONDS });
        // A countdown that stops the recording by itself at the limit.
        let tick = set_interval_with_handle(
            move || match state.get_untracked() {
                Clip::Recording { seconds_left } if seconds_left > 1 => {
                    state.set(Clip::Recording { seconds_left: seconds_left - 1 })
                }
                Clip::Recording { .. } => stop(),
                _ => {}
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(tick) = tick {
            Effect::new(move |_| {
                if !matches!(state.get(), Clip::Recording { .. }) {
                    tick.clear();
                }
            });
        }
    };
    on_cleanup(move || {
        if matches!(state.get_untracked(), Clip::Recording { .. }) {
            stop();
        }
    });

    let message = move || match state.get() {
        Clip::Idle => None,
        Clip::Recording { seconds_left } => Some(tx!(texts, caller.clip_recording, seconds = seconds_left)),
        Clip::Sending { percent } => Some(tx!(texts, caller.clip_sending, percent = percent)),
        Clip::Sent => Some(tx!(texts, caller.clip_sent)),
        Clip::Failed => Some(tx!(texts, caller.clip_failed)),
    };
    let recording_now = move || matches!(state.get(), Clip::Recording { .. });
    view! {
        <section class="clip-recorder" aria-labelledby="clip-title">
            <h2 id="clip-title">{move || tx!(texts, caller.clip_title)}</h2>
            <p class="hint">{tx!(texts, caller.clip_hint, seconds = CLIP_MAX_SECONDS)}</p>
            <Show
                when=recording_now
                fallback=move || view! {
                    <button type="button" class="secondary big" on:click=start
                        disabled=move || matches!(state.get(), Clip::Sending { .. })>
                        {move || tx!(texts, caller.clip_start)}
                    </button>
                }
            >
                <button type="button" class="primary big" on:click=move |_| stop()>{move || tx!(texts, caller.clip_stop)}</button>
            </Show>
            {move || message().map(|text| view! {
                <p class=if state.get() == Clip::Failed { "alert alert-error" } else { "alert" } role="status">{text}</p>
            })}
        </section>
    }
}
