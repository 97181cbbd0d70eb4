//! The patient's side of the video: the device check (camera preview and a
//! moving microphone level), the waiting room, the call with its chat, and
//! what remains afterwards (the report).

use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::consultation::{Author, PatientConsultation, Status};
use regard_shared::signal::{ConsultationNews, Reply, VideoOff};
use web_sys::MediaStream;

use crate::api;
use crate::components::chat::{add_message, ChatPanel};
use crate::components::documents::{add_document, DocumentsPanel};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{date_time, intl_tag};
use crate::components::payment::{payment_text, settled};
use crate::components::prescriptions::{add_prescription, PrescriptionList};
use crate::components::two_way_video::TwoWayVideo;
use crate::components::video_view::VideoView;
use crate::media::audio::LevelMeter;
use crate::media::call::{Call, CallEvent};
use crate::media::camera::{self, CameraError};
use crate::texts::{isolated, tx, use_texts};
use regard_shared::payment::euros;

/// Meter level above which the microphone surely picks up sound (about -48 dBFS).
pub const HEARD_LEVEL: u32 = 20;

/// Camera and microphone, shown to the patient before they wait: a problem is
/// found now, not in front of the doctor.
#[component]
pub fn DeviceCheck(
    consultation: PatientConsultation,
    stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    set_stream: WriteSignal<Option<MediaStream>, LocalStorage>,
    on_ready: Callback<PatientConsultation>,
    on_over: Callback<PatientConsultation>,
) -> impl IntoView {
    let texts = use_texts();
    let problem = RwSignal::new(None::<CameraError>);
    let level = RwSignal::new(0u32);
    let heard = RwSignal::new(false);
    let listening = RwSignal::new(true);
    let suspended_ticks = StoredValue::new(0u32);
    let error = RwSignal::new(None::<String>);
    let meter = StoredValue::new_local(None::<LevelMeter>);
    // Without WebRTC the camera would serve nothing: the patient is told
    // before, and waits to write to the doctor instead.
    let live = Call::supported();

    if live {
        spawn_local(async move {
            let camera = match stream.get_untracked() {
                Some(camera) => Ok(camera),
                None => camera::camera_and_microphone().await,
            };
            match camera {
                Ok(camera) => {
                    meter.set_value(LevelMeter::new(&camera));
                    set_stream.set(Some(camera));
                }
                Err(e) => problem.set(Some(e)),
            }
        });
    }
    if let Ok(handle) = set_interval_with_handle(
        move || {
            meter.with_value(|m| {
                let Some(m) = m else { return };
                let now = m.level();
                // Rise at once, fall slowly, as a recording meter does: a short
                // sound stays visible long enough to be seen.
                level.update(|shown| *shown = now.max(*shown * 85 / 100));
                if now > HEARD_LEVEL {
                    heard.set(true);
                }
                // Sound takes a moment to start even where it is allowed: the
                // tap is asked for only once it has stayed off for a second.
                suspended_ticks.update_value(|n| *n = if m.running() { 0 } else { *n + 1 });
                listening.set(suspended_ticks.get_value() < 10);
            })
        },
        std::time::Duration::from_millis(100),
    ) {
        on_cleanup(move || handle.clear());
    }

    let consultation = StoredValue::new(consultation);
    let preview = NodeRef::<Video>::new();
    let self_label = Signal::derive(move || tx!(texts, call.self_view));
    let go = move |_| {
        spawn_local(async move {
            match api::enter_waiting_room().await {
                Ok(c) => on_ready.run(c),
                // Ended while the patient was checking their camera: show what is left.
                Err(_) if matches!(api::my_consultation().await, Ok(ref c) if c.status == Status::Done) => {
                    on_over.run(consultation.get_value())
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let resume = move |_| meter.with_value(|m| m.as_ref().map_or((), LevelMeter::resume));
    let hint = move || match (heard.get(), listening.get()) {
        (true, _) => view! { <p class="hint">{move || tx!(texts, visit.mic_ok)}</p> }.into_any(),
        (false, true) => view! { <p class="hint">{move || tx!(texts, visit.mic_speak)}</p> }.into_any(),
        // Sound stays off until the page is tapped (Safari, Firefox after a reload).
        (false, false) => view! {
            <button type="button" class="secondary" on:click=resume>{move || tx!(texts, visit.mic_tap)}</button>
        }
        .into_any(),
    };
    let title = move || {
        if live {
            tx!(texts, visit.check_title)
        } else {
            tx!(texts, visit.no_call_title)
        }
    };
    view! {
        <h1>{title}</h1>
        {move || match problem.get() {
            Some(problem) => view! { <DevicesBlocked problem=problem /> }.into_any(),
            None if !live => view! {
                <p class="alert" role="status">{move || tx!(texts, visit.no_call_wait)}</p>
                <ErrorAlert message=error.into() />
                <button type="button" class="primary big" on:click=go>{move || tx!(texts, visit.to_waiting_room)}</button>
            }.into_any(),
            None => view! {
                <VideoView stream=stream label=self_label node_ref=preview class="preview" />
                <label for="mic-level">{move || tx!(texts, visit.mic_level)}</label>
                <meter id="mic-level" min="0" max="100" low=HEARD_LEVEL optimum="60" value=move || level.get() data-testid="mic-level"></meter>
                {hint}
                <ErrorAlert message=error.into() />
                <button type="button" class="primary big" on:click=go disabled=move || stream.get().is_none()>
                    {move || tx!(texts, visit.to_waiting_room)}
                </button>
            }.into_any(),
        }}
    }
}

/// Camera or microphone unavailable: why, and how to unblock them.
#[component]
fn DevicesBlocked(problem: CameraError) -> impl IntoView {
    let texts = use_texts();
    let explanation = match problem {
        CameraError::Denied => view! {
            <p class="alert alert-error" role="alert">{move || tx!(texts, visit.blocked)}</p>
            <ul class="steps">
                <li>{move || tx!(texts, visit.blocked_android)}</li>
                <li>{move || tx!(texts, visit.blocked_ios)}</li>
                <li>{move || tx!(texts, visit.blocked_desktop)}</li>
            </ul>
        }
        .into_any(),
        CameraError::Unsupported => {
            view! { <p class="alert alert-error" role="alert">{move || tx!(texts, caller.no_camera)}</p> }.into_any()
        }
        CameraError::NotFound | CameraError::Failed => {
            view! { <p class="alert alert-error" role="alert">{move || tx!(texts, visit.devices_failed)}</p> }
                .into_any()
        }
    };
    view! {
        {explanation}
        <button type="button" class="secondary" on:click=|_| { let _ = web_sys::window().map(|w| w.location().reload()); }>
            {move || tx!(texts, caller.retry)}
        </button>
    }
}

/// The waiting room, then the call: the page joins the room at once, and the
/// call starts when the GP admits the patient and joins too.
#[component]
pub fn ConsultationCall(
    consultation: PatientConsultation,
    stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    on_over: Callback<PatientConsultation>,
) -> impl IntoView {
    let texts = use_texts();
    let messages = RwSignal::new(consultation.messages.clone());
    let documents = RwSignal::new(consultation.documents.clone());
    let prescriptions = RwSignal::new(consultation.prescriptions.clone());
    let doctor_here = RwSignal::new(false);
    let connected = RwSignal::new(false);
    let left = RwSignal::new(false);
    let (remote, set_remote) = signal_local(None::<MediaStream>);
    let live = Call::supported();
    let call = StoredValue::new_local(None::<Call>);

    let finish = move || {
        spawn_local(async move {
            if let Ok(c) = api::my_consultation().await {
                on_over.run(c);
            }
        })
    };
    let on_event = move |event: CallEvent| match event {
        CallEvent::PeerPresent(present) => {
            doctor_here.set(present);
            // The GP's page waits for a video that cannot come: tell it why.
            if present && !live {
                call.with_value(|c| c.as_ref().map(|c| c.reply(Reply::VideoOff(VideoOff::Unsupported))));
            }
        }
        CallEvent::Connection(state) => connected.set(state == "connected"),
        CallEvent::RemoteStream(s) => set_remote.set(Some(s)),
        CallEvent::Consultation(news) => match news.read() {
            Some(ConsultationNews::Chat(message)) => add_message(messages, message),
            Some(ConsultationNews::Document(document)) => add_document(documents, document),
            Some(ConsultationNews::Prescription(prescription)) => add_prescription(prescriptions, prescription),
            None => {}
        },
        CallEvent::Ended => finish(),
        _ => {}
    };
    let room = format!("consultation/{}", consultation.id);
    call.set_value(Some(Call::patient(&room, stream.get_untracked(), on_event)));
    let hang_up = move || {
        call.with_value(|c| {
            if let Some(c) = c {
                c.hang_up();
            }
        })
    };
    on_cleanup(hang_up);

    let clinician = consultation.clinician_name.clone();
    let when = consultation.scheduled_at;
    let doctor_label = Signal::derive(move || tx!(texts, visit.doctor_video));
    view! {
        <Show
            when=move || doctor_here.get()
            fallback=move || {
                let clinician = clinician.clone();
                view! {
                    <h1>{move || tx!(texts, visit.waiting_title)}</h1>
                    <p class="lead" role="status">
                        {move || tx!(texts, visit.waiting, name = isolated(texts.lang(), clinician.clone()), when = date_time(when, intl_tag(texts.lang())))}
                    </p>
                    <p>{move || tx!(texts, visit.keep_open)}</p>
                }
            }
        >
            <Show
                when=move || live
                fallback=move || view! {
                    <h1>{move || tx!(texts, visit.doctor_here)}</h1>
                    <p class="alert" role="status">{move || tx!(texts, visit.no_call)}</p>
                }
            >
                // A heading that also announces its changes (a role on the h1 itself would hide the heading).
                <h1><span role="status">{move || if connected.get() { tx!(texts, visit.in_call) } else { tx!(texts, visit.connecting) }}</span></h1>
                <TwoWayVideo remote=remote local=stream remote_label=doctor_label />
            </Show>
        </Show>
        <ChatPanel messages=messages me=Author::Patient />
        <PrescriptionList prescriptions=prescriptions />
        <DocumentsPanel documents=documents me=Author::Patient />
        <Show
            when=move || !left.get()
            fallback=move || view! {
                <p class="alert" role="status">{move || tx!(texts, visit.left)}</p>
                <button type="button" class="primary" on:click=|_| { let _ = web_sys::window().map(|w| w.location().reload()); }>
                    {move || tx!(texts, visit.come_back)}
                </button>
            }
        >
            <button type="button" class="secondary" on:click=move |_| {
                hang_up();
                doctor_here.set(false);
                left.set(true);
            }>{move || tx!(texts, visit.leave)}</button>
        </Show>
    }
}

/// After the consultation: the report, kept available through the same link.
#[component]
pub fn AfterConsultation(consultation: PatientConsultation) -> impl IntoView {
    let texts = use_texts();
    let report = consultation.report.clone();
    let payment = consultation.payment.clone();
    let (shown, amount) = (payment.clone(), payment.amount_cents);
    let clinician = consultation.clinician_name.clone();
    let prescriptions = RwSignal::new(consultation.prescriptions.clone());
    let documents = RwSignal::new(consultation.documents.clone());
    view! {
        <h1>{move || tx!(texts, visit.after_title)}</h1>
        <p class="lead">{move || tx!(texts, visit.after, name = isolated(texts.lang(), clinician.clone()))}</p>
        <section class="card" aria-labelledby="report-title">
            <h2 id="report-title">{move || tx!(texts, visit.report)}</h2>
            {if report.is_empty() {
                view! { <p class="muted">{move || tx!(texts, visit.no_report)}</p> }.into_any()
            } else {
                view! { <p class="report" data-testid="report">{report}</p> }.into_any()
            }}
        </section>
        <p data-testid="payment">{move || payment_text(texts, &shown)}
            {settled(&payment).then(|| view! {
                " · " <a href=move || format!("/api/v1/patient/consultation/receipt?lang={}", texts.lang().code()) download="recu.pdf">{move || tx!(texts, payment.receipt)}</a>
            })}
        </p>
        {payment.checkout_url.clone().map(|url| view! {
            <a class="button primary big" href=url rel="noopener">{move || tx!(texts, payment.pay, amount = euros(amount))}</a>
        })}
        <section class="card" aria-labelledby="after-prescriptions">
            <h2 id="after-prescriptions">{move || tx!(texts, prescriptions.yours)}</h2>
            <PrescriptionList prescriptions=prescriptions />
            <Show when=move || prescriptions.read().is_empty()>
                <p class="muted">{move || tx!(texts, prescriptions.none)}</p>
            </Show>
        </section>
        <DocumentsPanel documents=documents me=Author::Patient />
    }
}
