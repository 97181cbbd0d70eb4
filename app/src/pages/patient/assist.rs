//! The caller's page, reached from the text message: who is asking, consent,
//! then the camera. Opening the page consumes nothing; the Accept button does.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::assist::LinkState;
use regard_shared::lang::Lang;
use regard_shared::ErrorCode;
use web_sys::MediaStream;

use super::assist_chat::CallerChat;
use super::assist_live::{LiveCamera, PhotoSender};
use crate::api::{self, Failure};
use crate::components::error_text::error_text;
use crate::components::notice::Notice;
use crate::media::call::Call;
use crate::media::camera::{self, CameraError};
use crate::texts::{isolated, tx, use_texts};

#[derive(Clone, PartialEq)]
enum Step {
    Loading,
    Consent { organisation: String },
    Starting,
    Live { assist_id: String },
    NoCamera(CameraError),
    Stopped { assist_id: String },
    Expired,
    InUse,
    Failed(String),
}

/// `token` is the link's secret, from the path of the texted address.
#[component]
pub fn CallerPage(token: String) -> impl IntoView {
    let texts = use_texts();
    let step = RwSignal::new(Step::Loading);
    let (stream, set_stream) = signal_local(None::<MediaStream>);

    let fail = move |failure: Failure| {
        step.set(match &failure {
            Failure::Api(e) if e.code == ErrorCode::LinkInUse => Step::InUse,
            Failure::Api(e) if matches!(e.code, ErrorCode::LinkExpired | ErrorCode::NotFound) => Step::Expired,
            _ => Step::Failed(error_text(texts, &failure)),
        })
    };
    let show_camera = move |assist_id: String, camera: Result<MediaStream, CameraError>| match camera {
        Ok(camera) => {
            set_stream.set(Some(camera));
            step.set(Step::Live { assist_id });
        }
        Err(error) => step.set(Step::NoCamera(error)),
    };
    let start_camera = move |assist_id: String| {
        spawn_local(async move { show_camera(assist_id, camera::rear_camera().await) });
    };

    {
        let token = token.clone();
        spawn_local(async move {
            match api::link_info(&token).await {
                Ok(info) => match (info.state, info.assist_id) {
                    (LinkState::AcceptedHere, Some(assist_id)) => start_camera(assist_id),
                    (LinkState::InUse, _) => step.set(Step::InUse),
                    (LinkState::Expired, _) => step.set(Step::Expired),
                    _ => step.set(Step::Consent { organisation: info.organisation }),
                },
                Err(failure) => fail(failure),
            }
        });
    }

    let token = StoredValue::new(token);
    // A language the caller picks is kept with the case: the regulator sees it,
    // and a new link is texted in it. The page's first language needs no telling.
    Effect::new(move |previous: Option<Lang>| {
        let lang = texts.lang();
        if previous.is_some_and(|previous| previous != lang) {
            spawn_local(async move {
                // Failing costs only that: the page is already in the language.
                let _ = api::choose_language(&token.get_value(), lang).await;
            });
        }
        lang
    });
    let accept = move |_| {
        step.set(Step::Starting);
        let language = texts.lang_untracked().code();
        // The tap consents to both: the camera starts (and the phone asks for
        // it) while the server records the consent, not one round trip later.
        let token = token.get_value();
        spawn_local(async move {
            match futures::join!(api::accept_link(&token, language), camera::rear_camera()) {
                (Ok(accepted), camera) => show_camera(accepted.assist_id, camera),
                (Err(failure), camera) => {
                    if let Ok(camera) = camera {
                        camera::stop(&camera);
                    }
                    fail(failure);
                }
            }
        });
    };
    let stop = Callback::new(move |()| {
        if let Some(stream) = stream.get_untracked() {
            camera::stop(&stream);
        }
        set_stream.set(None);
        if let Step::Live { assist_id } = step.get_untracked() {
            step.set(Step::Stopped { assist_id });
        }
    });

    view! {
        <article class="patient caller">
            {move || match step.get() {
                Step::Loading => view! { <p role="status" class="muted">"…"</p> }.into_any(),
                Step::Consent { organisation } => view! { <Consent organisation=organisation on_accept=accept starting=false /> }.into_any(),
                Step::Starting => view! { <Consent organisation=String::new() on_accept=|_| {} starting=true /> }.into_any(),
                Step::Live { assist_id } => view! { <LiveCamera assist_id=assist_id stream=stream on_stop=stop /> }.into_any(),
                Step::NoCamera(error) => view! { <NoCamera error=error /> }.into_any(),
                Step::Stopped { assist_id } => view! {
                    <Notice title=tx!(texts, caller.stopped_title) body=tx!(texts, caller.stopped) />
                    // The link stays this phone's: the video can start again without a new text.
                    <button type="button" class="primary big" on:click=move |_| start_camera(assist_id.clone())>{move || tx!(texts, caller.restart)}</button>
                    // A caller who cannot speak still writes, without video.
                    <CallerChat />
                }.into_any(),
                Step::Expired => view! { <Notice title=tx!(texts, caller.expired_title) body=tx!(texts, caller.expired) /> }.into_any(),
                Step::InUse => view! { <Notice title=tx!(texts, caller.in_use_title) body=tx!(texts, caller.in_use) /> }.into_any(),
                Step::Failed(message) => view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any(),
            }}
        </article>
    }
}

#[component]
fn Consent(
    organisation: String,
    on_accept: impl Fn(leptos::ev::MouseEvent) + 'static,
    starting: bool,
) -> impl IntoView {
    let texts = use_texts();
    let organisation = StoredValue::new(organisation);
    view! {
        <h1>{move || tx!(texts, caller.asking, organisation = isolated(texts.lang(), organisation.get_value()))}</h1>
        // What matters most, then the one thing to do, visible without
        // scrolling on a small phone; the rest of what it accepts follows.
        <p class="lead">{move || tx!(texts, caller.consent_see)}</p>
        // Said before the link is bound to this browser: another one can still open it.
        {(!Call::supported()).then(|| view! { <p class="alert" role="status">{move || tx!(texts, caller.no_live_video_before)}</p> })}
        <button type="button" class="primary big" on:click=on_accept disabled=starting>
            {move || if starting { tx!(texts, caller.accepting) } else { tx!(texts, caller.accept) }}
        </button>
        {camera::installed_app().then(|| view! { <p class="hint">{move || tx!(texts, caller.allow_again)}</p> })}
        <section aria-labelledby="consent-title">
            <h2 id="consent-title">{move || tx!(texts, caller.consent_title)}</h2>
            <ul class="consent">
                <li>{move || tx!(texts, caller.consent_call)}</li>
                <li>{move || tx!(texts, caller.consent_record)}</li>
                <li>{move || tx!(texts, caller.consent_stop)}</li>
            </ul>
        </section>
        <p class="alert alert-emergency"><strong>{move || tx!(texts, common.emergency)}</strong></p>
    }
}

/// The camera cannot be used: say why, how to fix it, and offer to send a photo instead.
#[component]
fn NoCamera(error: CameraError) -> impl IntoView {
    let texts = use_texts();
    let explanation = move || match error {
        CameraError::Unsupported => view! {
            <h1>{move || tx!(texts, caller.no_camera_title)}</h1>
            <p>{move || tx!(texts, caller.no_camera)}</p>
        }
        .into_any(),
        CameraError::Denied => view! {
            <h1>{move || tx!(texts, caller.denied_title)}</h1>
            <ul class="steps">
                <li>{move || tx!(texts, caller.denied_android)}</li>
                <li>{move || tx!(texts, caller.denied_ios)}</li>
            </ul>
        }
        .into_any(),
        CameraError::NotFound | CameraError::Failed => view! {
            <h1>{move || tx!(texts, caller.no_camera_title)}</h1>
            <p>{move || tx!(texts, caller.camera_failed)}</p>
        }
        .into_any(),
    };
    view! {
        {explanation}
        <button type="button" class="secondary" on:click=|_| { let _ = web_sys::window().map(|w| w.location().reload()); }>
            {move || tx!(texts, caller.retry)}
        </button>
        <CallerChat />
        <PhotoSender />
    }
}
