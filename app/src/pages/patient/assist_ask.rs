//! What the regulator asks of the caller's phone during the video: a photo,
//! zoom, the other camera, the torch, the position, the microphone, no video
//! (photos or voice only), sharpness or fluidity. What changes the phone is asked on screen and done on the caller's tap.

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::signal::{Reply, Request, VideoOff};
use web_sys::MediaStream;

use crate::api;
use crate::media::call::Call;
use crate::media::{camera, location, snapshot, stats};
use crate::texts::{tx, use_texts, Texts};

/// The live page's state the requests act on.
#[derive(Clone, Copy)]
pub struct Phone {
    pub texts: Texts,
    pub stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    pub preview: NodeRef<Video>,
    pub call: StoredValue<Option<Call>, LocalStorage>,
    pub notice: RwSignal<Option<String>>,
    pub ask: RwSignal<Option<Ask>>,
    /// The camera is stopped, and why.
    pub video_off: RwSignal<Option<VideoOff>>,
    pub facing: StoredValue<&'static str>,
    pub set_regulator: WriteSignal<Option<MediaStream>, LocalStorage>,
}

impl Phone {
    pub fn reply(self, reply: Reply) {
        self.call.with_value(|c| {
            if let Some(c) = c {
                c.reply(reply)
            }
        })
    }

    fn renegotiate(self) {
        self.call.with_value(|c| {
            if let Some(c) = c {
                c.renegotiate()
            }
        })
    }

    /// Tells the console what this camera can do, so it shows only usable controls.
    pub fn send_capabilities(self) {
        spawn_local(async move {
            let Some(camera) = self.stream.get_untracked() else { return };
            let (torch, zoom) = camera::capabilities(&camera);
            let cameras = camera::camera_count().await;
            self.reply(Reply::Capabilities { torch, zoom, cameras, downlink_kbps: stats::page_downlink_kbps() });
        })
    }

    /// A request of the regulator: done at once, or asked of the caller.
    pub fn on_request(self, request: Request) {
        let Phone { texts, stream, preview, notice, ask, video_off, facing, set_regulator, .. } = self;
        let Some(camera) = stream.get_untracked() else {
            // Said, not ignored: the regulator's button waits for an answer.
            if request == Request::Snapshot {
                self.reply(Reply::Failed { request: "snapshot".into(), reason: "no camera".into() });
            }
            return;
        };
        match request {
            Request::Snapshot => spawn_local(async move {
                let Some(video) = preview.get_untracked() else {
                    return self.reply(Reply::Failed { request: "snapshot".into(), reason: "no preview".into() });
                };
                let answer = match snapshot::take(&camera, &video).await {
                    Some(image) => match api::upload_photo("snapshot", &image).await {
                        Ok(stored) => {
                            notice.set(Some(tx!(texts, caller.snapshot_taken)));
                            Reply::SnapshotStored { id: stored.id }
                        }
                        Err(_) => Reply::Failed { request: "snapshot".into(), reason: "upload".into() },
                    },
                    None => Reply::Failed { request: "snapshot".into(), reason: "no frame yet".into() },
                };
                self.reply(answer);
            }),
            Request::Zoom { level } => spawn_local(async move {
                camera::apply(&camera, "zoom", level.into()).await;
            }),
            // The caller holds the phone: what changes it is asked, and done on their tap.
            Request::SwitchCamera => ask.set(Some(Ask::SwitchCamera)),
            Request::Torch { on } => ask.set(Some(Ask::Torch { on })),
            Request::Location => ask.set(Some(Ask::Location)),
            Request::Audio { on: true } => ask.set(Some(Ask::Audio)),
            Request::Audio { on: false } => spawn_local(async move {
                camera::set_microphone(&camera, false).await;
                self.renegotiate();
                self.reply(Reply::AudioState { on: false });
            }),
            Request::ClinicianMedia { on } => {
                if !on {
                    set_regulator.set(None);
                }
                self.renegotiate();
            }
            Request::VideoOff(why) => {
                // Stopped, not paused: the phone's own camera app takes the photos.
                camera::stop_video(&camera);
                video_off.set(Some(why));
                self.renegotiate();
                self.reply(Reply::VideoOff(why));
            }
            Request::Favour(favour) => self.call.with_value(|c| c.iter().for_each(|c| c.favour(favour))),
            Request::Video => spawn_local(async move {
                if camera::switch(&camera, facing.get_value()).await {
                    video_off.set(None);
                    self.renegotiate();
                    self.reply(Reply::Video);
                } else {
                    self.reply(Reply::Failed { request: "video".into(), reason: "no camera".into() });
                }
            }),
        }
    }

    /// The caller's answer to what was asked on screen.
    pub fn answer(self, accepted: bool) {
        let Phone { texts, stream, notice, ask, facing, .. } = self;
        let Some(question) = ask.get_untracked() else { return };
        ask.set(None);
        let Some(camera) = stream.get_untracked() else { return };
        spawn_local(async move {
            match (question, accepted) {
                (Ask::Location, true) => match location::current_position().await {
                    Some(here) if api::share_location(&here).await.is_ok() => {
                        notice.set(Some(tx!(texts, caller.location_sent)));
                        self.reply(Reply::LocationShared);
                    }
                    _ => {
                        notice.set(Some(tx!(texts, caller.location_failed)));
                        self.reply(Reply::Failed { request: "location".into(), reason: "unavailable".into() });
                    }
                },
                (Ask::Audio, true) => {
                    let on = camera::set_microphone(&camera, true).await;
                    self.renegotiate();
                    if on {
                        notice.set(Some(tx!(texts, caller.audio_enabled)));
                    }
                    self.reply(Reply::AudioState { on });
                }
                (Ask::SwitchCamera, true) => {
                    let next = if facing.get_value() == "environment" { "user" } else { "environment" };
                    if camera::switch(&camera, next).await {
                        facing.set_value(next);
                        self.renegotiate();
                        self.send_capabilities();
                    } else {
                        self.reply(Reply::Failed { request: "switch_camera".into(), reason: "no other camera".into() });
                    }
                }
                (Ask::Torch { on }, true) => {
                    if !camera::apply(&camera, "torch", on.into()).await {
                        self.reply(Reply::Failed { request: "torch".into(), reason: "unsupported".into() });
                    }
                }
                (question, false) => self.reply(Reply::Refused { request: question.name().into() }),
            }
        });
    }
}

/// What the doctor asked that needs the caller's own tap.
#[derive(Clone, Copy, PartialEq)]
pub enum Ask {
    SwitchCamera,
    Torch { on: bool },
    Location,
    Audio,
}

impl Ask {
    fn name(self) -> &'static str {
        match self {
            Ask::SwitchCamera => "switch_camera",
            Ask::Torch { .. } => "torch",
            Ask::Location => "location",
            Ask::Audio => "audio",
        }
    }
}

#[component]
pub fn AskPrompt(question: Ask, on_answer: impl Fn(bool) + Copy + 'static) -> impl IntoView {
    let texts = use_texts();
    let (text, yes) = match question {
        Ask::SwitchCamera => (tx!(texts, caller.ask_switch), tx!(texts, caller.switch)),
        Ask::Torch { on: true } => (tx!(texts, caller.ask_torch_on), tx!(texts, caller.torch_on)),
        Ask::Torch { on: false } => (tx!(texts, caller.ask_torch_off), tx!(texts, caller.torch_off)),
        Ask::Location => (tx!(texts, caller.ask_location), tx!(texts, caller.share_location)),
        Ask::Audio => (tx!(texts, caller.ask_audio), tx!(texts, caller.enable_audio)),
    };
    view! {
        <section class="ask" role="alertdialog" aria-labelledby="ask-text">
            <p id="ask-text" class="lead">{text.to_string()}</p>
            <button type="button" class="primary big" on:click=move |_| on_answer(true)>{yes.to_string()}</button>
            <button type="button" class="secondary big" on:click=move |_| on_answer(false)>{move || tx!(texts, caller.decline)}</button>
        </section>
    }
}
