//! One consultation as the GP sees it: who, when, the invitations, the
//! admission from the waiting room, the two-way video, the chat and the report.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::consultation::{Author, ChatMessage, ConsultationDetail, DocumentView, Status, REPORT_MAX_CHARS};
use regard_shared::live::News;
use regard_shared::payment::{Mode, Status as PaymentStatus};
use regard_shared::prescription::PrescriptionSummary;
use regard_shared::signal::{ConsultationNews, PeerRole, Reply, VideoOff};
use web_sys::MediaStream;

use super::consultation_day::status_name;
use super::prescription_form::PrescriptionForm;
use crate::api;
use crate::components::chat::{add_message, ChatPanel};
use crate::components::documents::{add_document, DocumentsPanel};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{calendar_date, date_time};
use crate::components::patient_language::PatientLanguageTerm;
use crate::components::payment::{payment_text, settled};
use crate::components::two_way_video::TwoWayVideo;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::call::{Call, CallEvent};
use crate::media::camera;
use crate::texts::{tx, use_texts};

#[component]
pub fn ConsultationRoom() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    view! {
            <RoomView id=id.clone() />
    }
}

#[component]
fn RoomView(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let id = StoredValue::new(id);
    let detail = RwSignal::new(None::<ConsultationDetail>);
    let messages = RwSignal::new(Vec::<ChatMessage>::new());
    let documents = RwSignal::new(Vec::<DocumentView>::new());
    let prescriptions = RwSignal::new(Vec::<PrescriptionSummary>::new());
    let error = RwSignal::new(None::<String>);
    let connected = RwSignal::new(false);
    // The patient's browser has no WebRTC (it says so on joining): chat only.
    let no_video = RwSignal::new(false);
    let (remote, set_remote) = signal_local(None::<MediaStream>);
    let (local, set_local) = signal_local(None::<MediaStream>);
    let call = StoredValue::new_local(None::<Call>);
    // Set from the moment the GP's side starts joining (the camera takes a
    // while): the admit reply and the news of the change both ask to join, and
    // two sockets would make the patient's page offer twice and could pair
    // its connection with the answer to the other offer.
    let joining = StoredValue::new(false);

    let show = move |d: ConsultationDetail| {
        for message in d.messages.clone() {
            add_message(messages, message);
        }
        for document in d.documents.clone() {
            add_document(documents, document);
        }
        prescriptions.set(d.prescriptions.clone());
        detail.set(Some(d));
    };
    let hang_up = move || {
        joining.set_value(false);
        call.update_value(|c| {
            if let Some(c) = c.take() {
                c.hang_up();
            }
        });
        if let Some(stream) = local.get_untracked() {
            camera::stop(&stream);
        }
        set_local.set(None);
        set_remote.set(None);
        connected.set(false);
    };
    on_cleanup(hang_up);

    // The GP's camera and microphone, then the room: the patient's page offers
    // as soon as it sees the GP arrive.
    let join = move || {
        if joining.get_value() {
            return;
        }
        joining.set_value(true);
        spawn_local(async move {
            let stream = match camera::camera_and_microphone().await {
                Ok(stream) => stream,
                Err(_) => {
                    joining.try_set_value(false);
                    error.set(Some(t_string!(i18n, consultation.gp_camera_failed).to_string()));
                    return;
                }
            };
            // Ended, or the page left, while the camera was starting.
            if joining.try_get_value() != Some(true) {
                camera::stop(&stream);
                return;
            }
            // The same stream (`MediaStream::clone` would copy the camera's tracks,
            // and the copies would keep it on after the call stops it).
            set_local.set(Some(Clone::clone(&stream)));
            let on_event = move |event: CallEvent| match event {
                CallEvent::RemoteStream(stream) => set_remote.set(Some(stream)),
                CallEvent::Connection(state) => connected.set(state == "connected"),
                CallEvent::Consultation(news) => match news.read() {
                    Some(ConsultationNews::Chat(message)) => add_message(messages, message),
                    Some(ConsultationNews::Document(document)) => add_document(documents, document),
                    // Issued from this room: its form listed it already.
                    Some(ConsultationNews::Prescription(_)) | None => {}
                },
                CallEvent::Reply(reply) if reply.read() == Some(Reply::VideoOff(VideoOff::Unsupported)) => {
                    no_video.set(true)
                }
                CallEvent::PeerPresent(present) => {
                    no_video.set(false);
                    if !present {
                        connected.set(false);
                    }
                }
                _ => {}
            };
            let room = format!("consultation/{}", id.get_value());
            call.set_value(Some(Call::start(&room, PeerRole::Clinician, Some(stream), on_event)));
        });
    };

    // What the room shows follows the consultation: in it, the GP's camera
    // joins (also back on the page after a reload); over, the call ends.
    let apply = move |d: ConsultationDetail| {
        let status = d.summary.status;
        show(d);
        match status {
            Status::InConsultation => join(),
            Status::Done => hang_up(),
            _ => {}
        }
    };
    let act = move |action: &'static str| {
        spawn_local(async move {
            match api::consultation_action(&id.get_value(), action).await {
                Ok(d) => apply(d),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    // Fetched now, and again at once when it moves (the patient arrives in the waiting room).
    let load = move || {
        spawn_local(async move {
            match api::consultation(&id.get_value()).await {
                Ok(d) => apply(d),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        })
    };
    load();
    on_news(move |news| matches!(news, News::Consultation { id: changed } if id.with_value(|id| id == changed)), load);

    let status = move || detail.with(|d| d.as_ref().map(|d| d.summary.status));
    let remote_label = Signal::derive(move || t_string!(i18n, consultation.patient_video).to_string());
    view! {
        <ErrorAlert message=error.into() />
        {move || detail.get().map(|d| view! { <Header detail=d on_resend=move || act("resend") on_refund=move || act("refund") /> })}
        <Show when=move || status() == Some(Status::Waiting)>
            <button type="button" class="primary big" on:click=move |_| act("admit")>{t!(i18n, consultation.admit)}</button>
        </Show>
        <Show when=move || status() == Some(Status::InConsultation)>
            <section class="card" aria-labelledby="call-title">
                <h2 id="call-title">{move || match (no_video.get(), connected.get()) {
                    (true, _) => t_string!(i18n, consultation.no_video_title),
                    (false, true) => t_string!(i18n, consultation.in_call),
                    (false, false) => t_string!(i18n, consultation.connecting),
                }}</h2>
                <Show
                    when=move || !no_video.get()
                    fallback=move || view! { <p class="alert" role="status">{t!(i18n, consultation.no_video)}</p> }
                >
                    <TwoWayVideo remote=remote local=local remote_label=remote_label />
                </Show>
                <button type="button" class="stop" on:click=move |_| act("end")>{t!(i18n, consultation.end)}</button>
            </section>
        </Show>
        <div class="columns">
            <ChatPanel messages=messages me=Author::Clinician consultation_id=id.get_value() />
            <DocumentsPanel documents=documents me=Author::Clinician consultation_id=id.get_value() />
        </div>
        <PrescriptionForm consultation_id=id.get_value() prescriptions=prescriptions />
        {move || detail.get().map(|d| view! { <ReportEditor id=id.get_value() initial=d.report /> })}
    }
}

#[component]
fn Header(
    detail: ConsultationDetail,
    on_resend: impl Fn() + Copy + 'static,
    on_refund: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let lang = move || i18n.get_locale().as_str();
    let summary = detail.summary.clone();
    let invitations = detail.invitations.clone();
    let payment = detail.payment.clone();
    view! {
        <h1>{summary.patient_name.clone()}</h1>
        <dl class="identity">
            <dt>{t!(i18n, consultation.birth_date)}</dt><dd>{move || calendar_date(&detail.birth_date, lang())}</dd>
            <dt>{t!(i18n, consultation.when)}</dt><dd>{move || date_time(summary.scheduled_at, lang())}</dd>
            <dt>{t!(i18n, consultation.reason)}</dt><dd>{summary.reason.clone()}
                {detail.followup_id.clone().map(|followup| view! {
                    " · " <a href=format!("/console/monitoring/{followup}")>{t!(i18n, consultation.from_followup)}</a>
                })}
            </dd>
            <PatientLanguageTerm language=detail.language />
            <dt>{t!(i18n, consultation.status)}</dt><dd data-testid="consultation-status">{move || status_name(i18n, summary.status)}</dd>
            <dt>{t!(i18n, payment.title)}</dt><dd data-testid="payment">{move || payment_text(texts, &payment)}
                {settled(&detail.payment).then(|| view! {
                    " · " <a href=format!("/api/v1/consultations/{}/receipt", summary.id) download="recu.pdf">{move || tx!(texts, payment.receipt)}</a>
                })}
                {(detail.payment.mode == Mode::Card && detail.payment.status == PaymentStatus::Paid).then(|| view! {
                    " " <button type="button" class="secondary" on:click=move |_| on_refund()>{t!(i18n, payment.refund)}</button>
                })}
            </dd>
        </dl>
        <section aria-labelledby="invitations-title">
            <h2 id="invitations-title">{t!(i18n, consultation.invitations)}</h2>
            <ul class="invitations">
                {invitations.into_iter().map(|inv| {
                    let channel = if inv.channel == "sms" { t_string!(i18n, consultation.by_sms) } else { t_string!(i18n, consultation.by_email) };
                    let outcome = match inv.error {
                        None => t_string!(i18n, consultation.invitation_sent),
                        Some(_) => t_string!(i18n, consultation.invitation_failed),
                    };
                    let class = if inv.error.is_some() { "alert alert-error" } else { "" };
                    // The provider's own words (often English) are for the IT team: on hover, not in the text.
                    view! { <li class=class title=inv.error.clone()>{channel.to_string()} " · " {inv.to.clone()} " · " {outcome.to_string()}</li> }
                }).collect_view()}
            </ul>
            <button type="button" class="secondary" on:click=move |_| on_resend()>{t!(i18n, consultation.resend)}</button>
        </section>
    }
}

/// The report (compte rendu), saved on demand and shown to the patient.
#[component]
fn ReportEditor(id: String, initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let text = RwSignal::new(initial);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if text.get_untracked().chars().count() > REPORT_MAX_CHARS {
            error.set(Some(tx!(texts, form_errors.too_long)));
            return;
        }
        spawn_local(async move {
            match api::save_report(&id.get_value(), text.get_untracked()).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="report-title">
            <h2 id="report-title">{t!(i18n, consultation.report)}</h2>
            <form on:submit=save>
                <label for="report-text" class="visually-hidden">{t!(i18n, consultation.report)}</label>
                <textarea id="report-text" rows="8" bind:value=text on:input=move |_| saved.set(false)></textarea>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary">{t!(i18n, consultation.save_report)}</button>
                <Show when=move || saved.get()>
                    <p role="status">{t!(i18n, consultation.report_saved)}</p>
                </Show>
            </form>
        </section>
    }
}
