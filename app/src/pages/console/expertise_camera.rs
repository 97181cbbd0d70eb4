//! Moving the camera at the bedside during a request's live video: the
//! specialist's buttons (the face, the arms, the legs… what a remote
//! neurological examination needs to see), and the ask as the bedside's
//! screen shows it, large enough to read from beside the bed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use regard_shared::live::{CameraAsk, News};

use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::live::on_each_news;
use crate::texts::use_texts;

/// The button's word for an ask.
fn short(i18n: I18nContext<Locale>, ask: CameraAsk) -> String {
    match ask {
        CameraAsk::Face => t_string!(i18n, camera.face),
        CameraAsk::Arms => t_string!(i18n, camera.arms),
        CameraAsk::Legs => t_string!(i18n, camera.legs),
        CameraAsk::WholeBody => t_string!(i18n, camera.whole_body),
        CameraAsk::Closer => t_string!(i18n, camera.closer),
        CameraAsk::Steady => t_string!(i18n, camera.steady),
    }
    .to_string()
}

/// The ask in full, as the bedside reads it.
fn sentence(i18n: I18nContext<Locale>, ask: CameraAsk) -> String {
    match ask {
        CameraAsk::Face => t_string!(i18n, camera.face_ask),
        CameraAsk::Arms => t_string!(i18n, camera.arms_ask),
        CameraAsk::Legs => t_string!(i18n, camera.legs_ask),
        CameraAsk::WholeBody => t_string!(i18n, camera.whole_body_ask),
        CameraAsk::Closer => t_string!(i18n, camera.closer_ask),
        CameraAsk::Steady => t_string!(i18n, camera.steady_ask),
    }
    .to_string()
}

/// The specialist's side: one button per ask.
#[component]
pub fn CameraAsks(id: StoredValue<String>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let sent = RwSignal::new(None::<CameraAsk>);
    let error = RwSignal::new(None::<String>);
    let ask = move |ask: CameraAsk| {
        error.set(None);
        spawn_local(async move {
            match api::ask_camera(&id.get_value(), ask).await {
                Ok(()) => sent.set(Some(ask)),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    let buttons = CameraAsk::ALL.map(|a| {
        let pressed = move || (sent.get() == Some(a)).to_string();
        view! { <button type="button" class="secondary" aria-pressed=pressed on:click=move |_| ask(a)>{short(i18n, a)}</button> }
    });
    view! {
        <div class="camera-asks" role="group" aria-labelledby="camera-asks-title">
            <p id="camera-asks-title">{t!(i18n, camera.group)}</p>
            <div class="controls">{buttons.collect_view()}</div>
        </div>
        <p role="status" class="muted">
            {move || sent.get().map(|a| t_string!(i18n, camera.sent, what = sentence(i18n, a)).to_string())}
        </p>
        <ErrorAlert message=error.into() />
    }
}

/// The bedside's side: the latest ask, until someone there says it is done.
#[component]
pub fn CameraAskBanner(id: StoredValue<String>) -> impl IntoView {
    let i18n = use_i18n();
    let asked = RwSignal::new(None::<CameraAsk>);
    on_each_news(move |news| {
        if let News::CameraAsk { id: about, ask } = news {
            if id.with_value(|id| id == about) {
                asked.set(Some(*ask));
            }
        }
    });
    move || {
        asked.get().map(|ask| {
            view! {
                <div class="camera-ask" role="alert" data-testid="camera-ask">
                    <p><span>{t!(i18n, camera.from)}</span>" "<strong>{sentence(i18n, ask)}</strong></p>
                    <button type="button" class="primary" on:click=move |_| asked.set(None)>{t!(i18n, camera.done)}</button>
                </div>
            }
        })
    }
}
