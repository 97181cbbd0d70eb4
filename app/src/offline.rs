//! Questionnaires filled on the phone wait here, in IndexedDB, until the server
//! has them: saved before the first try, deleted only once the server answers
//! (stored, or refused for good). The phone picks each form's id, and the
//! server stores an id once, so sending again after a lost answer is harmless.

use std::collections::HashMap;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use regard_shared::monitoring::questionnaire::Answer;
use regard_shared::monitoring::wire::NewSubmission;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStoreParameters, IdbRequest, IdbTransactionMode};

use crate::api::{monitoring, Failure};

const DATABASE: &str = "regard";
const STORE: &str = "pending-questionnaires";

/// A form waiting to be sent, with the photos it needs sent first.
pub struct Pending {
    pub submission: NewSubmission,
    /// The photo of each attachment question, by `linkId`.
    pub photos: HashMap<String, Vec<u8>>,
}

/// What became of a form handed to `flush`.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Sent,
    /// No network: it stays on the phone.
    Waiting,
    /// The server refused it for good (e.g. the follow-up ended); its message.
    Refused(regard_shared::ApiError),
}

/// An IndexedDB request as a future of its result.
async fn settle(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let target = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = target.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        target.set_onsuccess(Some(on_success.unchecked_ref()));
        target.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()).ok_or(JsValue::NULL)?;
    let request = factory.open_with_u32(DATABASE, 1)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = upgrading.result().and_then(|db| db.dyn_into::<IdbDatabase>()) {
            let parameters = IdbObjectStoreParameters::new();
            parameters.set_key_path(&JsValue::from_str("id"));
            let _ = db.create_object_store_with_optional_parameters(STORE, &parameters);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    settle(&request).await?.dyn_into::<IdbDatabase>()
}

async fn with_store(
    mode: IdbTransactionMode,
    act: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, JsValue> {
    let db = open().await?;
    let store = db.transaction_with_str_and_mode(STORE, mode)?.object_store(STORE)?;
    let result = settle(&act(&store)?).await;
    db.close();
    result
}

/// Keeps the form on the phone until it is sent.
pub async fn save(pending: &Pending) -> Result<(), JsValue> {
    let record = Object::new();
    let body = serde_json::to_string(&pending.submission).map_err(|e| JsValue::from_str(&e.to_string()))?;
    Reflect::set(&record, &"id".into(), &pending.submission.id.as_str().into())?;
    Reflect::set(&record, &"body".into(), &body.into())?;
    let photos = Object::new();
    for (link_id, bytes) in &pending.photos {
        Reflect::set(&photos, &link_id.as_str().into(), &Uint8Array::from(bytes.as_slice()))?;
    }
    Reflect::set(&record, &"photos".into(), &photos)?;
    with_store(IdbTransactionMode::Readwrite, |store| store.put(&record)).await.map(|_| ())
}

async fn forget(id: &str) -> Result<(), JsValue> {
    with_store(IdbTransactionMode::Readwrite, |store| store.delete(&id.into())).await.map(|_| ())
}

fn read(record: &JsValue) -> Option<Pending> {
    let body = Reflect::get(record, &"body".into()).ok()?.as_string()?;
    let submission: NewSubmission = serde_json::from_str(&body).ok()?;
    let mut photos = HashMap::new();
    let stored = Reflect::get(record, &"photos".into()).ok()?;
    for key in Object::keys(stored.unchecked_ref::<Object>()).iter() {
        let bytes = Reflect::get(&stored, &key).ok()?.dyn_into::<Uint8Array>().ok()?;
        photos.insert(key.as_string()?, bytes.to_vec());
    }
    Some(Pending { submission, photos })
}

/// The forms still on the phone.
pub async fn pending() -> Vec<Pending> {
    match with_store(IdbTransactionMode::Readonly, |store| store.get_all()).await {
        Ok(all) => all.dyn_into::<Array>().map(|a| a.iter().filter_map(|r| read(&r)).collect()).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Sends one form: its photos first, then the answers naming them.
async fn send(pending: Pending) -> Result<(), Failure> {
    let mut submission = pending.submission;
    for (link_id, bytes) in &pending.photos {
        let photo = monitoring::upload_photo(bytes).await?;
        submission.answers.insert(link_id.clone(), Answer::Attachment(photo.id));
    }
    monitoring::submit(&submission).await.map(|_| ())
}

/// Tries to send every waiting form, oldest kept if the network is still down.
pub async fn flush() -> Vec<(String, Outcome)> {
    let mut outcomes = Vec::new();
    for pending in pending().await {
        let id = pending.submission.id.clone();
        let outcome = match send(pending).await {
            Ok(()) => Outcome::Sent,
            // No answer, or the server failing: try again later.
            Err(Failure::Network) => Outcome::Waiting,
            Err(Failure::Api(error)) if error.code == regard_shared::ErrorCode::Internal => Outcome::Waiting,
            Err(Failure::Api(error)) => Outcome::Refused(error),
        };
        if outcome != Outcome::Waiting {
            let _ = forget(&id).await;
        }
        outcomes.push((id, outcome));
    }
    outcomes
}

/// A fresh id for a form: a UUID from the browser's generator.
pub fn new_id() -> String {
    web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default()
}

/// Reads a chosen photo's bytes.
pub async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}
