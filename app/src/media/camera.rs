//! The phone's camera, rear-facing when there is one.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaDevices, MediaStream};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraError {
    /// No camera API here: typically the in-app browser of a messaging app.
    Unsupported,
    /// The person or the browser refused access.
    Denied,
    /// No camera on this device.
    NotFound,
    /// Any other failure (camera busy...).
    Failed,
}

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

fn media_devices() -> Option<MediaDevices> {
    let navigator = web_sys::window()?.navigator();
    let devices = Reflect::get(&navigator, &"mediaDevices".into()).ok()?;
    if devices.is_undefined() || !Reflect::has(&devices, &"getUserMedia".into()).unwrap_or(false) {
        return None;
    }
    devices.dyn_into().ok()
}

async fn get_user_media(devices: &MediaDevices, video: JsValue) -> Result<MediaStream, JsValue> {
    let constraints = object(&[("video", video), ("audio", JsValue::FALSE)]);
    let promise = devices.get_user_media_with_constraints(constraints.unchecked_ref()).map_err(JsValue::from)?;
    JsFuture::from(promise).await?.dyn_into()
}

/// Starts the rear camera, video only. `facingMode` is a preference, never
/// `exact`: phones without a rear camera, and desktops, still get a camera.
pub async fn rear_camera() -> Result<MediaStream, CameraError> {
    let devices = media_devices().ok_or(CameraError::Unsupported)?;
    let preferred = object(&[
        ("facingMode", "environment".into()),
        ("width", object(&[("ideal", 1280.into())])),
        ("height", object(&[("ideal", 720.into())])),
    ]);
    let error = match get_user_media(&devices, preferred).await {
        Ok(stream) => return Ok(stream),
        Err(error) => error,
    };
    let name = Reflect::get(&error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => Err(CameraError::Denied),
        "NotFoundError" => Err(CameraError::NotFound),
        // Over-constrained or busy: try any camera at all.
        _ => get_user_media(&devices, JsValue::TRUE).await.map_err(|_| CameraError::Failed),
    }
}

pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Asks the browser to keep the screen on while the camera is shown, where the
/// Wake Lock API exists. Returns the lock to release, if any.
pub async fn keep_screen_awake() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let wake_lock = Reflect::get(&navigator, &"wakeLock".into()).ok().filter(|w| !w.is_undefined())?;
    let request: js_sys::Function = Reflect::get(&wake_lock, &"request".into()).ok()?.dyn_into().ok()?;
    let promise: js_sys::Promise = request.call1(&wake_lock, &"screen".into()).ok()?.dyn_into().ok()?;
    JsFuture::from(promise).await.ok()
}
