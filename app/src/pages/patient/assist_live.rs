//! The caller's camera, live to the regulator, and photos sent by hand.

use leptos::html::{Input, Video};
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::signal::{Reply, VideoOff};
use wasm_bindgen::JsCast;
use web_sys::MediaStream;

use super::assist_ask::{Ask, AskPrompt, Phone};
use super::assist_chat::CallerChat;
use super::assist_clip::ClipRecorder;
use crate::api::{self, Failure};
use crate::components::video_view::VideoView;
use crate::media::call::{Call, CallEvent};
use crate::media::{self, camera};
use crate::texts::{tx, use_texts};

/// How long video may take to connect before the caller is pointed to photos.
const WEAK_NETWORK_MS: i32 = 12_000;

#[derive(Clone, Copy, PartialEq)]
enum Status {
    WaitingDoctor,
    Connecting,
    Connected,
    Reconnecting,
    Elsewhere,
}

#[component]
pub fn LiveCamera(
    assist_id: String,
    stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let texts = use_texts();
    let status = RwSignal::new(Status::WaitingDoctor);
    let notice = RwSignal::new(None::<String>);
    let weak_network = RwSignal::new(false);
    let preview = NodeRef::<Video>::new();
    let call = StoredValue::new_local(None::<Call>);
    // The regulator's own camera and voice, when they turn them on (a nursing
    // home's tablet, where nobody is on the phone with the SAMU).
    let (regulator, set_regulator) = signal_local(None::<MediaStream>);
    let regulator_view = NodeRef::<Video>::new();

    let ask = RwSignal::new(None::<Ask>);
    let (chat_news, set_chat_news) = signal(0u32);
    // Without WebRTC the camera still shows, and takes photos for the
    // regulator over HTTP; nothing goes live, and both sides are told why.
    let live = Call::supported();
    let video_off = RwSignal::new((!live).then_some(VideoOff::Unsupported));
    let facing = StoredValue::new("environment");
    let phone = Phone { texts, stream, preview, call, notice, ask, video_off, facing, set_regulator };
    let answer_ask = move |accepted: bool| phone.answer(accepted);
    let on_event = move |event: CallEvent| match event {
        CallEvent::PeerPresent(true) if !live => phone.reply(Reply::VideoOff(VideoOff::Unsupported)),
        CallEvent::Request(request) if !live && request.needs_live_media() => {
            phone.reply(Reply::VideoOff(VideoOff::Unsupported))
        }
        CallEvent::PeerPresent(true) => {
            status.set(Status::Connecting);
            // Video that cannot connect within seconds will rarely do better:
            // point the caller to photos meanwhile (the attempt goes on).
            media::after(WEAK_NETWORK_MS, move || {
                if status.try_get_untracked() == Some(Status::Connecting) {
                    weak_network.try_set(true);
                }
            });
        }
        CallEvent::PeerPresent(false) => status.set(Status::WaitingDoctor),
        CallEvent::Connection(state) => match state.as_str() {
            "connected" => {
                status.set(Status::Connected);
                weak_network.set(false);
                phone.send_capabilities();
            }
            "disconnected" | "failed" => status.set(Status::Reconnecting),
            _ => {}
        },
        CallEvent::Reconnecting => status.set(Status::Reconnecting),
        CallEvent::Replaced => status.set(Status::Elsewhere),
        CallEvent::Request(request) => phone.on_request(request),
        CallEvent::RemoteStream(remote) => set_regulator.set(Some(remote)),
        CallEvent::Messages => set_chat_news.update(|n| *n += 1),
        CallEvent::Reply(_) | CallEvent::Consultation(_) | CallEvent::Ended => {}
    };
    if let Some(camera) = stream.get_untracked() {
        call.set_value(Some(Call::patient(&format!("assist/{assist_id}"), Some(camera), on_event)));
    }
    // Keep the screen on: a sleeping phone stops its camera.
    spawn_local(async move {
        let _ = camera::keep_screen_awake().await;
    });
    on_cleanup(move || {
        call.with_value(|c| c.as_ref().map(Call::hang_up));
    });

    let stop = Callback::new(move |()| {
        call.with_value(|c| c.as_ref().map(Call::hang_up));
        on_stop.run(());
    });
    let status_text = move || match status.get() {
        Status::WaitingDoctor => tx!(texts, caller.waiting_doctor),
        Status::Connecting => tx!(texts, caller.connecting),
        Status::Connected => tx!(texts, caller.connected),
        Status::Reconnecting => tx!(texts, caller.reconnecting),
        Status::Elsewhere => tx!(texts, caller.elsewhere),
    };
    view! {
        <h1>{move || tx!(texts, caller.live_title)}</h1>
        // With the camera off for photos, no black picture under "the doctor sees you".
        <Show when=move || video_off.get().is_none()>
            <p class="status" role="status" data-testid="caller-status">{status_text}</p>
        </Show>
        <Show when=move || matches!(video_off.get(), None | Some(VideoOff::Unsupported))>
            <VideoView stream=stream label=Signal::derive(move || tx!(texts, caller.preview_label)) node_ref=preview class="preview" />
        </Show>
        <Show when=move || regulator.with(Option::is_some)>
            <VideoView stream=regulator label=Signal::derive(move || tx!(texts, caller.regulator_label))
                node_ref=regulator_view class="regulator-video" audible=Signal::derive(|| true) />
        </Show>
        <p>{move || tx!(texts, caller.keep_open)}</p>
        <Show when=move || weak_network.get() && video_off.get().is_none()>
            <p class="alert" role="status">{move || tx!(texts, caller.weak_network)}</p>
        </Show>
        {move || video_off.get().map(|why| view! {
            <section class="alert" aria-labelledby="video-off-title">
                <h2 id="video-off-title">{match why {
                    VideoOff::Photos => tx!(texts, caller.photos_only_title),
                    VideoOff::WeakLink => tx!(texts, caller.photos_weak_network_title),
                    VideoOff::AudioOnly => tx!(texts, caller.audio_only_title),
                    VideoOff::Unsupported => tx!(texts, caller.no_live_video_title),
                }}</h2>
                <p>{match why {
                    VideoOff::AudioOnly => tx!(texts, caller.audio_only),
                    VideoOff::Unsupported => tx!(texts, caller.no_live_video),
                    VideoOff::Photos | VideoOff::WeakLink => tx!(texts, caller.photos_only),
                }}</p>
            </section>
        })}
        {move || ask.get().map(|question| view! { <AskPrompt question=question on_answer=answer_ask /> })}
        <Show when=move || notice.get().is_some()>
            <p class="alert" role="status">{move || notice.get()}</p>
        </Show>
        <CallerChat news=chat_news />
        <StopButton on_stop=stop />
        <PhotoSender />
        <ClipRecorder stream=stream />
    }
}

/// Stopping asks first: one stray tap near the other buttons must not cut
/// the doctor off.
#[component]
fn StopButton(on_stop: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    let asking = RwSignal::new(false);
    move || {
        if asking.get() {
            view! {
                <section class="alert" role="alertdialog" aria-labelledby="stop-title">
                    <h2 id="stop-title">{move || tx!(texts, caller.stop_confirm)}</h2>
                    <button type="button" class="primary big" on:click=move |_| asking.set(false)>{move || tx!(texts, caller.stop_keep)}</button>
                    <button type="button" class="stop big" on:click=move |_| on_stop.run(())>{move || tx!(texts, caller.stop_yes)}</button>
                </section>
            }
            .into_any()
        } else {
            view! { <button type="button" class="stop big" on:click=move |_| asking.set(true)>{move || tx!(texts, caller.stop)}</button> }
                .into_any()
        }
    }
}

/// Sends a photo taken with the phone's camera app, or chosen from its gallery.
#[component]
pub fn PhotoSender() -> impl IntoView {
    let texts = use_texts();
    let input = NodeRef::<Input>::new();
    let state = RwSignal::new(None::<(bool, String)>);
    let on_change = move |_| {
        let Some(file) = input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        state.set(Some((true, tx!(texts, caller.photo_sending))));
        spawn_local(async move {
            let blob: web_sys::Blob = file.unchecked_into();
            let result = api::upload_photo("photo", &blob).await;
            state.set(Some(match result {
                Ok(_) => (true, tx!(texts, caller.photo_sent)),
                // A photo from a very high-resolution camera mode: say why.
                Err(Failure::Api(e)) if e.field.as_deref() == Some("dimensions") => {
                    (false, tx!(texts, errors.image_too_large))
                }
                Err(_) => (false, tx!(texts, caller.photo_failed)),
            }));
            if let Some(input) = input.get_untracked() {
                input.set_value("");
            }
        });
    };
    view! {
        <section class="photo-sender" aria-labelledby="photo-title">
            <h2 id="photo-title">{move || tx!(texts, caller.photo_title)}</h2>
            <label for="photo-input" class="button secondary big">{move || tx!(texts, caller.photo_button)}</label>
            <input id="photo-input" node_ref=input class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_change />
            {move || state.get().map(|(ok, message)| view! {
                <p class=if ok { "alert" } else { "alert alert-error" } role="status">{message}</p>
            })}
        </section>
    }
}
