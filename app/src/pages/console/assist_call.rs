//! What the regulator needs first when a nursing home calls: who the resident
//! is, where, and why the nurse is calling; and their own camera, sent back.

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::nursing_home::IncomingCall;
use regard_shared::signal::Request;
use web_sys::MediaStream;

use crate::components::error_text::ErrorAlert;
use crate::components::format::calendar_date;
use crate::components::video_view::VideoView;
use crate::i18n::*;
use crate::media::call::Call;
use crate::media::camera;
use crate::texts::{tx, use_texts};

#[component]
pub fn NursingHomeCallCard(call: IncomingCall) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="call-card-title" data-testid="nursing-home-call">
            <h2 id="call-card-title">{t!(i18n, nursing_home.call_card)} " — " {call.nursing_home}</h2>
            <dl>
                <dt>{t!(i18n, nursing_home.resident)}</dt>
                <dd>
                    {call.resident_name} " · " {t_string!(i18n, nursing_home.born, date = calendar_date(&call.birth_date, i18n.get_locale().as_str())).to_string()}
                    " · " {t_string!(i18n, nursing_home.room_n, room = call.room).to_string()}
                </dd>
                <dt>{t!(i18n, nursing_home.reason)}</dt>
                <dd>{call.reason}</dd>
                <dt>{t!(i18n, nursing_home.requested_by)}</dt>
                <dd>{call.requested_by}</dd>
            </dl>
        </section>
    }
}

/// The regulator's own camera and microphone, sent to the nursing home's
/// tablet: nobody there is on the phone with the SAMU, so the nurse hears and
/// sees the doctor through the call itself. Off until the regulator asks.
#[component]
pub fn RegulatorCamera(call: StoredValue<Call, LocalStorage>, connected: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let (mine, set_mine) = signal_local(None::<MediaStream>);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let self_view = NodeRef::<Video>::new();
    // Also run when the page is left, when the signals may already be gone.
    let stop = move || {
        if let Some(stream) = mine.try_get_untracked().flatten() {
            camera::stop(&stream);
        }
        set_mine.try_set(None);
    };
    on_cleanup(stop);
    let toggle = move |_| {
        if mine.with_untracked(Option::is_some) {
            stop();
            call.with_value(|c| {
                c.set_local(None);
                c.request(Request::ClinicianMedia { on: false });
            });
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match camera::camera_and_microphone().await {
                Ok(stream) => {
                    call.with_value(|c| {
                        // The same stream (`MediaStream::clone` would copy the camera's
                        // tracks, and the copies would keep it on once turned off).
                        c.set_local(Some(Clone::clone(&stream)));
                        // The tablet offers again; the answer carries this stream.
                        c.request(Request::ClinicianMedia { on: true });
                    });
                    set_mine.set(Some(stream));
                }
                Err(_) => error.set(Some(t_string!(i18n, nursing_home.own_camera_failed).to_string())),
            }
            pending.set(false);
        });
    };
    view! {
        <div class="regulator-camera">
            <button type="button" class="secondary" on:click=toggle disabled=move || pending.get() || !connected.get()>
                {move || if mine.with(Option::is_some) {
                    t_string!(i18n, nursing_home.own_camera_off)
                } else {
                    t_string!(i18n, nursing_home.own_camera_on)
                }}
            </button>
            <Show when=move || mine.with(Option::is_some)>
                <VideoView stream=mine label=Signal::derive(move || tx!(texts, call.self_view))
                    node_ref=self_view class="self-view" />
            </Show>
            <ErrorAlert message=error.into() />
        </div>
    }
}
