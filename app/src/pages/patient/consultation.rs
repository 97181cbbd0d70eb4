//! The patient's consultation page, reached from the invitation: who they will
//! see and when, their date of birth and consent, then the device check, the
//! waiting room and the call; afterwards, the report. Opening consumes nothing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use regard_shared::assist::LinkState;
use regard_shared::consultation as rules;
use regard_shared::consultation::{InvitationInfo, PatientConsultation, Status};
use regard_shared::ErrorCode;

use super::consultation_call::{AfterConsultation, ConsultationCall, DeviceCheck};
use crate::api::{self, Failure};
use crate::components::error_text::{birth_date_refusal, error_text, ErrorAlert};
use crate::components::format::{date_time, intl_tag, today_iso};
use crate::components::notice::Notice;
use crate::media::call::Call;
use crate::media::camera;
use crate::texts::{isolated, tx, use_texts};

#[derive(Clone, PartialEq)]
enum Step {
    Loading,
    Identity(InvitationInfo),
    DeviceCheck(PatientConsultation),
    Room(PatientConsultation),
    After(PatientConsultation),
    Expired,
    /// Too many wrong dates of birth.
    Locked,
    InUse,
    Failed(String),
}

#[component]
pub fn ConsultationPage() -> impl IntoView {
    let texts = use_texts();
    let token = StoredValue::new(use_params_map().read_untracked().get("token").unwrap_or_default());
    let step = RwSignal::new(Step::Loading);
    let (stream, set_stream) = signal_local(None::<web_sys::MediaStream>);
    let stop_camera = move || {
        if let Some(camera) = stream.get_untracked() {
            camera::stop(&camera);
        }
        set_stream.set(None);
    };
    on_cleanup(stop_camera);

    let fail = move |failure: Failure| {
        step.set(match &failure {
            Failure::Api(e) if e.code == ErrorCode::LinkInUse => Step::InUse,
            Failure::Api(e) if e.code == ErrorCode::IdentityLocked => Step::Locked,
            Failure::Api(e) if matches!(e.code, ErrorCode::LinkExpired | ErrorCode::NotFound) => Step::Expired,
            _ => Step::Failed(error_text(texts, &failure)),
        })
    };
    // Where someone who already entered on this device goes back to.
    let resume = move |consultation: PatientConsultation| match consultation.status {
        Status::Done => step.set(Step::After(consultation)),
        // Back after a reload in the waiting room or the call: straight there,
        // with the camera and microphone allowed before (a reload loses the
        // stream, not the permission). Asked again only if that fails.
        // Without WebRTC there is no camera to ask for: straight to the chat.
        Status::Waiting | Status::InConsultation if !Call::supported() => step.set(Step::Room(consultation)),
        Status::Waiting | Status::InConsultation => spawn_local(async move {
            match camera::camera_and_microphone().await {
                Ok(camera) => {
                    set_stream.set(Some(camera));
                    step.set(Step::Room(consultation));
                }
                Err(_) => step.set(Step::DeviceCheck(consultation)),
            }
        }),
        _ => step.set(Step::DeviceCheck(consultation)),
    };
    spawn_local(async move {
        match api::invitation(&token.get_value()).await {
            Ok(info) => match info.state {
                // The language the GP chose wins over this phone's on a first
                // visit; a phone that entered keeps the one its patient reads.
                LinkState::Valid => {
                    info.language.into_iter().for_each(|lang| texts.choose(lang));
                    step.set(Step::Identity(info))
                }
                LinkState::AcceptedHere => match api::my_consultation().await {
                    Ok(consultation) => resume(consultation),
                    Err(failure) => fail(failure),
                },
                LinkState::InUse => step.set(Step::InUse),
                LinkState::Expired => step.set(Step::Expired),
            },
            Err(failure) => fail(failure),
        }
    });

    let on_entered = Callback::new(move |c: PatientConsultation| resume(c));
    let on_fail = Callback::new(fail);
    let on_ready = Callback::new(move |c: PatientConsultation| step.set(Step::Room(c)));
    let on_over = Callback::new(move |c: PatientConsultation| {
        stop_camera();
        step.set(Step::After(c));
    });
    view! {
        <article class="patient consultation">
            {move || match step.get() {
                Step::Loading => view! { <p role="status" class="muted">"…"</p> }.into_any(),
                Step::Identity(info) => view! { <Identity info=info token=token.get_value() on_entered=on_entered on_fail=on_fail /> }.into_any(),
                Step::DeviceCheck(c) => view! { <DeviceCheck consultation=c stream=stream set_stream=set_stream on_ready=on_ready on_over=on_over /> }.into_any(),
                Step::Room(c) => view! { <ConsultationCall consultation=c stream=stream on_over=on_over /> }.into_any(),
                Step::After(c) => view! { <AfterConsultation consultation=c /> }.into_any(),
                Step::Expired => view! { <Notice title=tx!(texts, visit.expired_title) body=tx!(texts, visit.expired) /> }.into_any(),
                Step::Locked => view! { <Notice title=tx!(texts, visit.locked_title) body=tx!(texts, visit.locked) /> }.into_any(),
                Step::InUse => view! { <Notice title=tx!(texts, caller.in_use_title) body=tx!(texts, visit.in_use) /> }.into_any(),
                Step::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
            }}
        </article>
    }
}

/// Who and when, the date of birth, and the consent: one screen, one button.
#[component]
fn Identity(
    info: InvitationInfo,
    token: String,
    on_entered: Callback<PatientConsultation>,
    on_fail: Callback<Failure>,
) -> impl IntoView {
    let texts = use_texts();
    let birth_date = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if rules::birth_date(&birth_date.get_untracked(), &today_iso()).is_err() {
            error.set(Some(tx!(texts, form_errors.birth_date)));
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let language = texts.lang_untracked().code();
            match api::enter_consultation(&token.get_value(), birth_date.get_untracked(), language).await {
                Ok(consultation) => on_entered.run(consultation),
                Err(Failure::Api(e)) if e.field.as_deref() == Some("birth_date") => {
                    error.set(Some(birth_date_refusal(texts, &e, tx!(texts, visit.wrong_birth_date))))
                }
                Err(failure) => on_fail.run(failure),
            }
            pending.set(false);
        });
    };
    let when = move || date_time(info.scheduled_at, intl_tag(texts.lang()));
    let with = info.clinician_name.clone();
    let practice = info.practice.clone();
    view! {
        <h1>{move || tx!(texts, visit.title, name = isolated(texts.lang(), with.clone()))}</h1>
        <p class="lead">{practice} " · " {when}</p>
        // Said before the link is bound to this browser: another one can still open it.
        {(!Call::supported()).then(|| view! { <p class="alert" role="status">{move || tx!(texts, visit.no_call_before)}</p> })}
        <form on:submit=submit novalidate>
            <label for="p-birth">{move || tx!(texts, visit.birth_date)}</label>
            <input id="p-birth" type="date" autocomplete="bday" bind:value=birth_date aria-describedby="p-birth-hint" />
            <p id="p-birth-hint" class="hint">{move || tx!(texts, visit.birth_date_hint)}</p>
            // The one thing to do first, visible without scrolling on a small phone; what it accepts follows.
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary big" disabled=move || pending.get()>{move || tx!(texts, visit.enter)}</button>
            <section aria-labelledby="consent-title">
                <h2 id="consent-title">{move || tx!(texts, caller.consent_title)}</h2>
                <ul class="consent">
                    <li>{move || tx!(texts, visit.consent_video)}</li>
                    <li>{move || tx!(texts, visit.consent_record)}</li>
                    <li>{move || tx!(texts, visit.consent_data)}</li>
                    <li>{move || tx!(texts, visit.consent_stop)}</li>
                </ul>
            </section>
        </form>
        <p class="alert alert-emergency"><strong>{move || tx!(texts, common.emergency)}</strong></p>
    }
}
