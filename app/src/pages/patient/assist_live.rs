//! The caller's camera, live to the regulator, and photos sent by hand.

use leptos::html::{Input, Video};
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::signal::{PeerRole, Reply, Request};
use wasm_bindgen::JsCast;
use web_sys::MediaStream;

use crate::api;
use crate::components::video_view::VideoView;
use crate::i18n::*;
use crate::media::call::{Call, CallEvent};
use crate::media::{camera, snapshot};

#[derive(Clone, Copy, PartialEq)]
enum Status {
    WaitingDoctor,
    Connecting,
    Connected,
    Reconnecting,
}

#[component]
pub fn LiveCamera(
    assist_id: String,
    stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    on_stop: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(Status::WaitingDoctor);
    let notice = RwSignal::new(None::<String>);
    let preview = NodeRef::<Video>::new();
    let call = StoredValue::new_local(None::<Call>);

    let on_request = move |request: Request| match request {
        Request::Snapshot => spawn_local(async move {
            let (Some(camera), Some(video)) = (stream.get_untracked(), preview.get_untracked()) else { return };
            let reply = match snapshot::take(&camera, &video).await {
                Some(image) => match api::upload_photo("snapshot", &image).await {
                    Ok(stored) => {
                        notice.set(Some(t_string!(i18n, caller.snapshot_taken).to_string()));
                        Reply::SnapshotStored { id: stored.id }
                    }
                    Err(_) => Reply::Failed { request: "snapshot".into(), reason: "upload".into() },
                },
                None => Reply::Failed { request: "snapshot".into(), reason: "no frame yet".into() },
            };
            call.with_value(|c| c.as_ref().map(|c| c.reply(reply)));
        }),
        other => {
            let name = format!("{other:?}");
            call.with_value(|c| c.as_ref().map(|c| c.reply(Reply::Refused { request: name })));
        }
    };
    let on_event = move |event: CallEvent| match event {
        CallEvent::PeerPresent(true) => status.set(Status::Connecting),
        CallEvent::PeerPresent(false) => status.set(Status::WaitingDoctor),
        CallEvent::Connection(state) => match state.as_str() {
            "connected" => status.set(Status::Connected),
            "disconnected" | "failed" => status.set(Status::Reconnecting),
            _ => {}
        },
        CallEvent::Reconnecting => status.set(Status::Reconnecting),
        CallEvent::Request(request) => on_request(request),
        CallEvent::RemoteStream(_) | CallEvent::Reply(_) => {}
    };
    if let Some(camera) = stream.get_untracked() {
        call.set_value(Some(Call::start(&assist_id, PeerRole::Patient, Some(camera), on_event)));
    }
    // Keep the screen on: a sleeping phone stops its camera.
    spawn_local(async move {
        let _ = camera::keep_screen_awake().await;
    });
    on_cleanup(move || {
        call.with_value(|c| c.as_ref().map(Call::hang_up));
    });

    let stop = move |_| {
        call.with_value(|c| c.as_ref().map(Call::hang_up));
        on_stop.run(());
    };
    let status_text = move || {
        match status.get() {
            Status::WaitingDoctor => t_string!(i18n, caller.waiting_doctor),
            Status::Connecting => t_string!(i18n, caller.connecting),
            Status::Connected => t_string!(i18n, caller.connected),
            Status::Reconnecting => t_string!(i18n, caller.reconnecting),
        }
        .to_string()
    };
    view! {
        <h1>{t!(i18n, caller.live_title)}</h1>
        <p class="status" role="status" data-testid="caller-status">{status_text}</p>
        <VideoView stream=stream label=Signal::derive(move || t_string!(i18n, caller.preview_label).to_string()) node_ref=preview class="preview" />
        <p>{t!(i18n, caller.keep_open)}</p>
        <Show when=move || notice.get().is_some()>
            <p class="alert" role="status">{move || notice.get()}</p>
        </Show>
        <button type="button" class="stop big" on:click=stop>{t!(i18n, caller.stop)}</button>
        <PhotoSender />
    }
}

/// Sends a photo taken with the phone's camera app, or chosen from its gallery.
#[component]
pub fn PhotoSender() -> impl IntoView {
    let i18n = use_i18n();
    let input = NodeRef::<Input>::new();
    let state = RwSignal::new(None::<(bool, String)>);
    let on_change = move |_| {
        let Some(file) = input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        state.set(Some((true, t_string!(i18n, caller.photo_sending).to_string())));
        spawn_local(async move {
            let blob: web_sys::Blob = file.unchecked_into();
            let result = api::upload_photo("photo", &blob).await;
            state.set(Some(match result {
                Ok(_) => (true, t_string!(i18n, caller.photo_sent).to_string()),
                Err(_) => (false, t_string!(i18n, caller.photo_failed).to_string()),
            }));
            if let Some(input) = input.get_untracked() {
                input.set_value("");
            }
        });
    };
    view! {
        <section class="photo-sender" aria-labelledby="photo-title">
            <h2 id="photo-title">{t!(i18n, caller.photo_title)}</h2>
            <label for="photo-input" class="button secondary big">{t!(i18n, caller.photo_button)}</label>
            <input id="photo-input" node_ref=input class="visually-hidden" type="file" accept="image/*" capture="environment" on:change=on_change />
            {move || state.get().map(|(ok, message)| view! {
                <p class=if ok { "alert" } else { "alert alert-error" } role="status">{message}</p>
            })}
        </section>
    }
}
