//! What the regulator can ask of the caller's phone during the video. Controls
//! the phone cannot honour (no torch, one camera) are not shown.

use leptos::prelude::*;
use regard_shared::signal::{Favour, Request, VideoOff};

use super::assist_video_mode::VideoMode;
use crate::i18n::*;
use crate::media::call::Call;

/// What the caller's phone reported its camera can do, and its page's download speed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Capabilities {
    pub torch: bool,
    pub zoom: Option<(f64, f64)>,
    pub cameras: u32,
    pub downlink_kbps: Option<u32>,
}

#[component]
pub fn CameraControls(
    call: StoredValue<Call, LocalStorage>,
    #[prop(into)] connected: Signal<bool>,
    capabilities: RwSignal<Option<Capabilities>>,
    audio_on: RwSignal<bool>,
    mode: VideoMode,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let torch = RwSignal::new(false);
    let ask = move |request: Request| {
        call.with_value(|c| c.request(request));
        notice.set(Some(t_string!(i18n, assist.requested).to_string()));
    };
    let caps = move || capabilities.get().unwrap_or_default();
    let several_cameras = move || caps().cameras >= 2;
    view! {
        <div class="controls" role="group" aria-label=move || t_string!(i18n, assist.controls_label).to_string()>
            <Show when=several_cameras>
                <button type="button" class="secondary" disabled=move || !connected.get() on:click=move |_| ask(Request::SwitchCamera)>
                    {t!(i18n, assist.switch_camera)}
                </button>
            </Show>
            <Show when=move || caps().torch>
                <button type="button" class="secondary" aria-pressed=move || torch.get().to_string() disabled=move || !connected.get()
                    on:click=move |_| {
                        let on = !torch.get_untracked();
                        torch.set(on);
                        call.with_value(|c| c.request(Request::Torch { on }));
                    }>
                    {move || if torch.get() { t_string!(i18n, assist.torch_off) } else { t_string!(i18n, assist.torch_on) }}
                </button>
            </Show>
            {move || caps().zoom.map(|(min, max)| view! {
                <label class="zoom">
                    {t!(i18n, assist.zoom)}
                    <input type="range" min=min max=max step="0.1" value=min disabled=move || !connected.get()
                        on:change=move |ev| {
                            if let Ok(level) = event_target_value(&ev).parse::<f64>() {
                                call.with_value(|c| c.request(Request::Zoom { level }));
                            }
                        } />
                </label>
            })}
            <button type="button" class="secondary" disabled=move || !connected.get() on:click=move |_| ask(Request::Location)>
                {t!(i18n, assist.ask_location)}
            </button>
            <button type="button" class="secondary" aria-pressed=move || audio_on.get().to_string() disabled=move || !connected.get()
                on:click=move |_| ask(Request::Audio { on: !audio_on.get_untracked() })>
                {move || if audio_on.get() { t_string!(i18n, assist.stop_audio) } else { t_string!(i18n, assist.ask_audio) }}
            </button>
            <VideoOffButtons call=call connected=connected audio_on=audio_on mode=mode notice=notice />
        </div>
        <Show when=move || mode.off.with(Option::is_none)>
            <FavourChoice call=call connected=connected mode=mode />
        </Show>
    }
}

/// Photos or sound only while the video is on; video again once it is off.
#[component]
fn VideoOffButtons(
    call: StoredValue<Call, LocalStorage>,
    connected: Signal<bool>,
    audio_on: RwSignal<bool>,
    mode: VideoMode,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |off: Option<VideoOff>| {
        mode.choose(call, off);
        // Sound only is the caller's voice: asked if the microphone is not on.
        if off == Some(VideoOff::AudioOnly) && !audio_on.get_untracked() {
            call.with_value(|c| c.request(Request::Audio { on: true }));
        }
        notice.set(Some(t_string!(i18n, assist.requested).to_string()));
    };
    view! {
        <Show when=move || mode.off.with(Option::is_none)
            fallback=move || view! {
                <button type="button" class="secondary" disabled=move || !connected.get() on:click=move |_| choose(None)>
                    {t!(i18n, assist.video_again)}
                </button>
            }>
            <button type="button" class="secondary" disabled=move || !connected.get()
                on:click=move |_| choose(Some(VideoOff::Photos))>
                {t!(i18n, assist.photos_only)}
            </button>
            <button type="button" class="secondary" disabled=move || !connected.get()
                on:click=move |_| choose(Some(VideoOff::AudioOnly))>
                {t!(i18n, assist.audio_only)}
            </button>
        </Show>
    }
}

/// Sharpness (a wound, a rash) or fluidity (breathing, movement) when the
/// caller's link cannot carry both.
#[component]
fn FavourChoice(call: StoredValue<Call, LocalStorage>, connected: Signal<bool>, mode: VideoMode) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |favour: Favour, id: &'static str| {
        view! {
            <span class="choice">
                <input type="radio" name="favour" id=id disabled=move || !connected.get()
                    prop:checked=move || mode.favour.get() == favour
                    on:change=move |_| mode.prefer(call, favour) />
                <label for=id>
                    {move || match favour {
                        Favour::Detail => t_string!(i18n, assist.favour_detail),
                        Favour::Motion => t_string!(i18n, assist.favour_motion),
                    }}
                </label>
            </span>
        }
    };
    view! {
        <fieldset class="favour">
            <legend>{t!(i18n, assist.favour_label)}</legend>
            {option(Favour::Detail, "favour-detail")}
            {option(Favour::Motion, "favour-motion")}
        </fieldset>
    }
}
