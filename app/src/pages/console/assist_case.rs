//! One video assist as the regulator sees it: the caller's live camera, the
//! controls, the photos, the decision and the timeline.

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_params_map;
use regard_shared::assist::{AssistDetail, EventKind};
use regard_shared::live::News;
use regard_shared::signal::{PeerRole, Reply, Request, VideoOff};
use web_sys::MediaStream;

use super::assist_call::{NursingHomeCallCard, RegulatorCamera};
use super::assist_chat::SilentChat;
use super::assist_controls::{CameraControls, Capabilities};
use super::assist_decision::DecisionForm;
use super::assist_gallery::Gallery;
use super::assist_timeline::Timeline;
use super::assist_video_mode::VideoMode;
use crate::api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::patient_language::language_name;
use crate::components::video_view::VideoView;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::call::{Call, CallEvent};
use crate::media::stats::{self, Quality};
use crate::texts::use_texts;
use regard_shared::video::{link_quality, LinkQuality, WeakLinkWatch};

#[component]
pub fn AssistCase() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
            <CaseView id=id.clone() />
    }
}

/// Where the call stands, as the regulator needs to know it.
#[derive(Clone, Copy, PartialEq)]
enum Link {
    Waiting,
    Present,
    Connected,
    Interrupted,
    Failed,
    Reconnecting,
    Elsewhere,
}

/// What the regulator wrote when starting the case, and its reference: what
/// the caller said, kept in view during the video.
#[component]
fn CaseNote(detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let written =
        move || detail.with(|d| d.as_ref().map(|d| (d.summary.note.clone(), d.summary.case_reference.clone())));
    move || {
        written().filter(|(note, reference)| note.is_some() || reference.is_some()).map(|(note, reference)| {
            view! {
                <p class="case-note" data-testid="case-note">
                    {reference.map(|r| view! { <strong>{t!(i18n, assist.reference)} " " {r}</strong> " " })}
                    {note.map(|n| view! { <span>{t!(i18n, assist.case_note)} " : " {n}</span> })}
                </p>
            }
        })
    }
}

/// The language the caller reads, so the regulator knows which one the ready
/// phrases and the texts go out in (a nursing home's call has none).
#[component]
fn CallerLanguage(detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    let language = move || detail.with(|d| d.as_ref().filter(|d| d.call.is_none()).map(|d| d.language));
    move || {
        language().map(|language| {
            let text = match language {
                Some(lang) => t_string!(i18n, patient_language.case, language = language_name(i18n, lang)).to_string(),
                None => t_string!(i18n, patient_language.case_phone).to_string(),
            };
            view! { <p class="hint" data-testid="caller-language">{text}</p> }
        })
    }
}

/// Before the phone joins, how far the caller got with the latest link, as the
/// timeline tells it.
fn caller_step(detail: Option<&AssistDetail>) -> Option<EventKind> {
    let steps = [EventKind::LinkResent, EventKind::LinkOpened, EventKind::ConsentGiven, EventKind::CallEnded];
    detail?.timeline.iter().rev().map(|e| e.kind).find(|kind| steps.contains(kind))
}

fn link_text(i18n: I18nContext<Locale>, link: Link, step: Option<EventKind>) -> String {
    match (link, step) {
        (Link::Waiting, Some(EventKind::LinkOpened)) => t_string!(i18n, assist.state_opened),
        (Link::Waiting, Some(EventKind::ConsentGiven)) => t_string!(i18n, assist.state_consented),
        (link, _) => match link {
            Link::Waiting => t_string!(i18n, assist.state_waiting),
            Link::Present => t_string!(i18n, assist.state_present),
            Link::Connected => t_string!(i18n, assist.state_connected),
            Link::Interrupted => t_string!(i18n, assist.state_interrupted),
            Link::Failed => t_string!(i18n, assist.state_failed),
            Link::Reconnecting => t_string!(i18n, assist.state_reconnecting),
            Link::Elsewhere => t_string!(i18n, assist.state_elsewhere),
        },
    }
    .to_string()
}

#[component]
fn CaseView(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let detail = RwSignal::new(None::<AssistDetail>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let link = RwSignal::new(Link::Waiting);
    let (remote, set_remote) = signal_local(None::<MediaStream>);
    let capabilities = RwSignal::new(None::<Capabilities>);
    let audio_on = RwSignal::new(false);
    let mode = VideoMode::new(i18n);
    let video = NodeRef::<Video>::new();

    let refresh = {
        let id = id.clone();
        move || {
            let id = id.clone();
            spawn_local(async move {
                match api::assist(&id).await {
                    Ok(case) => detail.set(Some(case)),
                    Err(failure) => error.set(Some(error_text(texts, &failure))),
                }
            });
        }
    };
    refresh();
    let about_this = {
        let id = id.clone();
        move |news: &News| match news {
            News::Assist { id: changed, .. } | News::Caller { assist_id: changed, .. } => *changed == id,
            _ => false,
        }
    };
    on_news(about_this, refresh.clone());

    let on_event = {
        let refresh = refresh.clone();
        move |event: CallEvent| match event {
            CallEvent::PeerPresent(present) => {
                link.set(if present { Link::Present } else { Link::Waiting });
                if !present {
                    // The caller's phone left: its last frame is not shown as if live.
                    set_remote.set(None);
                }
                refresh();
            }
            CallEvent::Connection(state) => {
                link.set(match state.as_str() {
                    "connected" => Link::Connected,
                    "disconnected" => Link::Interrupted,
                    "failed" => Link::Failed,
                    _ => link.get_untracked(),
                });
                if state == "connected" {
                    refresh();
                }
            }
            CallEvent::RemoteStream(stream) => set_remote.set(Some(stream)),
            CallEvent::Reply(reply) => {
                let Some(reply) = reply.read() else { return };
                // Replies that say nothing (capabilities, a stored photo) leave the last message up.
                if let Some(said) = mode.on_reply(&reply).or_else(|| reply_said(i18n, reply, capabilities, audio_on)) {
                    notice.set(Some(said));
                }
                refresh();
            }
            // The silent chat's news comes with the case's, on the live channel.
            CallEvent::Request(_) | CallEvent::Consultation(_) | CallEvent::Messages | CallEvent::Ended => {}
            CallEvent::Reconnecting => link.set(Link::Reconnecting),
            CallEvent::Replaced => {
                set_remote.set(None);
                link.set(Link::Elsewhere);
            }
        }
    };
    let call = StoredValue::new_local(Call::start(&format!("assist/{id}"), PeerRole::Clinician, None, on_event));
    on_cleanup(move || call.with_value(Call::hang_up));
    // The phone reports its camera on each new connection: that connection
    // hears the regulator's choice of sharpness or fluidity (or photos, when
    // the phone's link is too slow for video).
    Effect::new(move || {
        if let Some(phone) = capabilities.get() {
            mode.send_favour(call);
            if let Some(kbps) = phone.downlink_kbps {
                mode.slow_phone(call, kbps);
            }
        }
    });

    let snapshot = move |_| call.with_value(|c| c.request(Request::Snapshot));
    // A still from the live video; or, from a browser that cannot send any,
    // from its camera's preview, sent over HTTP.
    let can_snapshot = move || match mode.off.get() {
        None => link.get() == Link::Connected,
        Some(VideoOff::Unsupported) => matches!(link.get(), Link::Present | Link::Connected),
        Some(_) => false,
    };
    let end_call = move |_| {
        call.with_value(Call::hang_up);
        set_remote.set(None);
        link.set(Link::Waiting);
    };

    // A nursing home's call has no number: the home and the resident name it.
    let title = move || {
        detail
            .with(|d| {
                d.as_ref().map(|d| match &d.call {
                    Some(call) => format!("{} – {}", call.nursing_home, call.resident_name),
                    None => d.summary.phone.clone(),
                })
            })
            .unwrap_or_default()
    };
    let from_tablet = move || detail.with(|d| d.as_ref().is_some_and(|d| d.call.is_some()));
    let resend_id = id.clone();
    let chat_id = id.clone();
    view! {
        <p><a href="/console/assist">{t!(i18n, assist.back)}</a></p>
        <h1>{t!(i18n, assist.nav)} " – " {title}</h1>
        <CaseNote detail=detail />
        <CallerLanguage detail=detail />
        <ErrorAlert message=error.into() />
        <div class="case-layout">
            <section class="card live" aria-labelledby="live-title">
                <h2 id="live-title" role="status" data-testid="call-state">{move || match (link.get(), mode.off.get()) {
                    (Link::Present, Some(VideoOff::Unsupported)) => t_string!(i18n, assist.state_present_no_video).to_string(),
                    (link, _) => link_text(i18n, link, detail.with(|d| caller_step(d.as_ref()))),
                }}</h2>
                <VideoView stream=remote label=Signal::derive(move || t_string!(i18n, assist.video_label).to_string()) node_ref=video class="remote-video" audible=audio_on.into() />
                <QualityLine call=call connected=Signal::derive(move || link.get() == Link::Connected)
                    off=mode.off on_weak=Callback::new(move |()| mode.weak_link(call)) />
                <div class="controls">
                    <button type="button" class="primary" on:click=snapshot disabled=move || !can_snapshot()>
                        {t!(i18n, assist.snapshot)}
                    </button>
                    <button type="button" class="secondary" on:click=end_call>{t!(i18n, assist.end_call)}</button>
                </div>
                <Show when=move || !from_tablet()>
                    <ResendLink id=resend_id.clone() live=Signal::derive(move || link.get() == Link::Connected) detail=detail notice=notice error=error />
                </Show>
                <Show when=from_tablet>
                    <RegulatorCamera call=call connected=Signal::derive(move || link.get() == Link::Connected) />
                </Show>
                <CameraControls call=call connected=Signal::derive(move || link.get() == Link::Connected) capabilities=capabilities audio_on=audio_on mode=mode notice=notice />
                <Show when=move || notice.get().is_some()>
                    <p class="alert" role="status">{move || notice.get()}</p>
                </Show>
            </section>
            <div>
                {move || detail.with(|d| d.as_ref().and_then(|d| d.call.clone())).map(|call| view! { <NursingHomeCallCard call=call /> })}
                // A nursing home's tablet has no caller's page to write to.
                <Show when=move || !from_tablet()>
                    <SilentChat id=chat_id.clone() detail=detail />
                </Show>
                <DecisionForm id=id.clone() detail=detail />
                <Gallery id=id.clone() detail=detail />
            </div>
        </div>
        <Timeline detail=detail />
    }
}

/// What the regulator is told of the phone's reply, if anything; the reply's
/// facts (camera capabilities, sound on) go to the controls.
fn reply_said(
    i18n: I18nContext<Locale>,
    reply: Reply,
    capabilities: RwSignal<Option<Capabilities>>,
    audio_on: RwSignal<bool>,
) -> Option<String> {
    let said = match reply {
        Reply::SnapshotStored { .. } => None,
        Reply::Capabilities { torch, zoom, cameras, downlink_kbps } => {
            capabilities.set(Some(Capabilities { torch, zoom, cameras, downlink_kbps }));
            None
        }
        Reply::LocationShared => Some(t_string!(i18n, assist.location_received)),
        Reply::AudioState { on } => {
            audio_on.set(on);
            on.then(|| t_string!(i18n, assist.audio_on))
        }
        // Said by the video mode, which knows why.
        Reply::VideoOff(_) | Reply::Video => None,
        Reply::Refused { .. } => Some(t_string!(i18n, assist.refused)),
        Reply::Failed { .. } => Some(t_string!(i18n, assist.failed)),
    };
    said.map(|s| s.to_string())
}

/// The video's live quality, sampled once a second while it flows; nothing
/// while it does not (a frozen last frame is never shown with figures).
/// `on_weak` hears of a link that stays too weak for video; with the camera
/// `off`, the line says what goes instead of figures.
#[component]
fn QualityLine(
    call: StoredValue<Call, LocalStorage>,
    connected: Signal<bool>,
    off: RwSignal<Option<VideoOff>>,
    on_weak: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let quality = RwSignal::new(None::<Quality>);
    let previous = StoredValue::new_local(None::<(f64, f64)>);
    let watch = StoredValue::new(WeakLinkWatch::default());
    let sample = move || {
        let Some(pc) = call.with_value(Call::peer_connection).filter(|_| connected.get_untracked()) else {
            // The next connection counts its own bytes from zero.
            previous.set_value(None);
            quality.set(None);
            return;
        };
        spawn_local(async move {
            let mut last = previous.get_value();
            let sample = stats::sample(&pc, &mut last).await;
            previous.set_value(last);
            let mut weak = watch.get_value();
            let too_weak = sample.is_some_and(|q| weak.observe(q.fps, q.kbps, q.height));
            watch.set_value(weak);
            if too_weak {
                on_weak.run(());
            }
            quality.set(sample);
        });
    };
    if let Ok(handle) = set_interval_with_handle(sample, std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let verdict = move |q: &Quality| match link_quality(q.fps, q.kbps, q.height) {
        LinkQuality::Good => t_string!(i18n, assist.link_good),
        LinkQuality::Poor => t_string!(i18n, assist.link_poor),
        LinkQuality::Unusable => t_string!(i18n, assist.link_unusable),
    };
    view! {
        <p class="quality" data-testid="quality">
            {move || off.get().map(|why| view! { <strong data-testid="link-quality">{match why {
                VideoOff::AudioOnly => t_string!(i18n, assist.audio_only),
                VideoOff::Unsupported => t_string!(i18n, assist.no_live_video_short),
                VideoOff::Photos | VideoOff::WeakLink => t_string!(i18n, assist.photos_only),
            }}</strong> })}
            {move || quality.get().filter(|_| off.with(Option::is_none)).map(|q| view! {
                <strong data-testid="link-quality">{verdict(&q)}</strong>
                {q.relayed.then(|| view! { " · " <span data-testid="relayed">{t!(i18n, assist.relayed)}</span> })}
                <br />
                <span class="muted">{t_string!(i18n, assist.quality,
                    width = q.width, height = q.height, fps = format!("{:.0}", q.fps),
                    kbps = format!("{:.0}", q.kbps), rtt = q.rtt_ms.map_or("–".to_owned(), |r| format!("{r:.0}"))).to_string()}</span>
            })}
        </p>
    }
}

/// Sends the caller a fresh link. During live video it first says that this
/// cuts the caller off, one click away from "Terminer la vidéo".
#[component]
fn ResendLink(
    id: String,
    live: Signal<bool>,
    detail: RwSignal<Option<AssistDetail>>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let asking = RwSignal::new(false);
    let id = StoredValue::new(id);
    let send = move || {
        asking.set(false);
        spawn_local(async move {
            match api::resend(&id.get_value()).await {
                Ok(case) => {
                    detail.set(Some(case));
                    notice.set(Some(t_string!(i18n, assist.resent).to_string()));
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let ask = move |_| if live.get_untracked() { asking.set(true) } else { send() };
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <p><button type="button" class="secondary" on:click=ask>{t!(i18n, assist.resend)}</button></p>
            }
        >
            <div class="alert alert-waiting" role="alertdialog" aria-labelledby="resend-confirm">
                <p id="resend-confirm">{t!(i18n, assist.resend_confirm)}</p>
                <div class="controls">
                    <button type="button" class="secondary" on:click=move |_| asking.set(false)>{t!(i18n, assist.resend_cancel)}</button>
                    <button type="button" class="secondary" on:click=move |_| send()>{t!(i18n, assist.resend_anyway)}</button>
                </div>
            </div>
        </Show>
    }
}
