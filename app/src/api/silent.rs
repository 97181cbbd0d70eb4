//! The silent chat of a video assist: the caller's side (by the device's
//! cookie) and the regulator's (by the case).

use gloo_net::http::Request;
use js_sys::{Array, Reflect, JSON};
use regard_shared::lang::Lang;
use regard_shared::silent::{NewSilentMessage, Phrasebook, SilentKind};
use wasm_bindgen::{JsCast, JsValue};

use super::{done, get, Failure};

/// A message as the caller's page shows it.
pub struct Line {
    pub from_caller: bool,
    /// Free text is shown as typed, marked as not translated.
    pub translated: bool,
    pub text: String,
}

/// The chat as the caller reads it: the regulator's phrases in `lang`. Read
/// field by field from the browser's parse of `SilentMessage`s: through serde
/// the list cost the caller's page (a byte budget) 0.8 KB more.
pub async fn caller_messages(lang: Lang) -> Option<Vec<Line>> {
    let url = format!("/api/v1/patient/assist/messages?lang={}", lang.code());
    let response = Request::get(&url).send().await.ok().filter(|r| r.ok())?;
    let list: Array = JSON::parse(&response.text().await.ok()?).ok()?.dyn_into().ok()?;
    let lines = list.iter().map(|message| {
        let field = |name: &str| Reflect::get(&message, &JsValue::from_str(name)).unwrap_or_default();
        Line {
            from_caller: field("from_caller").is_truthy(),
            translated: field("kind").as_string().as_deref() != Some("text"),
            text: field("text").as_string().unwrap_or_default(),
        }
    });
    Some(lines.collect())
}

/// The caller's one-tap answer or typed text.
pub async fn to_regulator(kind: SilentKind, content: String) -> Result<(), Failure> {
    done(Request::post("/api/v1/patient/assist/messages").json(&NewSilentMessage { kind, content })).await
}

/// The ready phrases and answers in the console's language.
pub async fn phrasebook(lang: &str) -> Result<Phrasebook, Failure> {
    get(&format!("/api/v1/assists/phrases?lang={lang}")).await
}

/// The regulator's ready phrase or typed text.
pub async fn to_caller(assist_id: &str, kind: SilentKind, content: String) -> Result<(), Failure> {
    done(Request::post(&format!("/api/v1/assists/{assist_id}/messages")).json(&NewSilentMessage { kind, content }))
        .await
}
