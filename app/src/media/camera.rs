//! The device's camera and microphone: rear-facing for a video assist,
//! front-facing with sound for a consultation.

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

async fn user_media(devices: &MediaDevices, video: JsValue, audio: JsValue) -> Result<MediaStream, JsValue> {
    let constraints = object(&[("video", video), ("audio", audio)]);
    let promise = devices.get_user_media_with_constraints(constraints.unchecked_ref())?;
    JsFuture::from(promise).await?.dyn_into()
}

async fn get_user_media(devices: &MediaDevices, video: JsValue) -> Result<MediaStream, JsValue> {
    user_media(devices, video, JsValue::FALSE).await
}

fn camera_error(error: &JsValue) -> Option<CameraError> {
    let name = Reflect::get(error, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" => Some(CameraError::Denied),
        "NotFoundError" => Some(CameraError::NotFound),
        // Over-constrained or busy: worth a second, plainer try.
        _ => None,
    }
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
    match get_user_media(&devices, preferred).await {
        Ok(stream) => Ok(stream),
        Err(error) => match camera_error(&error) {
            Some(known) => Err(known),
            None => get_user_media(&devices, JsValue::TRUE).await.map_err(|_| CameraError::Failed),
        },
    }
}

/// The front camera and the microphone, for a face-to-face consultation.
pub async fn camera_and_microphone() -> Result<MediaStream, CameraError> {
    let devices = media_devices().ok_or(CameraError::Unsupported)?;
    let preferred = object(&[("facingMode", "user".into()), ("width", object(&[("ideal", 1280.into())]))]);
    match user_media(&devices, preferred, JsValue::TRUE).await {
        Ok(stream) => Ok(stream),
        Err(error) => match camera_error(&error) {
            Some(known) => Err(known),
            None => user_media(&devices, JsValue::TRUE, JsValue::TRUE).await.map_err(|_| CameraError::Failed),
        },
    }
}

/// Turns the stream's tracks of `kind` (`audio` or `video`) on or off without
/// renegotiating: a muted track sends silence, a disabled camera black frames.
pub fn set_enabled(stream: &MediaStream, kind: &str, on: bool) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            if track.kind() == kind {
                track.set_enabled(on);
            }
        }
    }
}

pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// Whether the page runs as an installed web app (the nursing home's tablet):
/// iPhones and iPads then ask for the camera again at every launch.
pub fn installed_app() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let ios = Reflect::get(&window.navigator(), &"standalone".into()).is_ok_and(|v| v.is_truthy());
    let standalone = || -> Option<bool> {
        let match_media: js_sys::Function = Reflect::get(&window, &"matchMedia".into()).ok()?.dyn_into().ok()?;
        let query = match_media.call1(&window, &"(display-mode: standalone)".into()).ok()?;
        Some(Reflect::get(&query, &"matches".into()).ok()?.is_truthy())
    };
    ios || standalone().unwrap_or(false)
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

fn video_track(stream: &MediaStream) -> Option<web_sys::MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

/// Torch and zoom range of the camera in use, when the browser reports them.
pub fn capabilities(stream: &MediaStream) -> (bool, Option<(f64, f64)>) {
    let Some(track) = video_track(stream) else { return (false, None) };
    let Some(get) =
        Reflect::get(&track, &"getCapabilities".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return (false, None);
    };
    let Ok(caps) = get.call0(&track) else { return (false, None) };
    let torch = Reflect::get(&caps, &"torch".into()).map(|t| t.is_truthy()).unwrap_or(false);
    let zoom = Reflect::get(&caps, &"zoom".into()).ok().filter(|z| z.is_object()).and_then(|z| {
        let min = Reflect::get(&z, &"min".into()).ok()?.as_f64()?;
        let max = Reflect::get(&z, &"max".into()).ok()?.as_f64()?;
        (max > min).then_some((min, max))
    });
    (torch, zoom)
}

/// How many cameras the device has (0 if it will not say).
pub async fn camera_count() -> u32 {
    let Some(devices) = media_devices() else { return 0 };
    let Ok(promise) = devices.enumerate_devices() else { return 0 };
    let Ok(list) = JsFuture::from(promise).await else { return 0 };
    js_sys::Array::from(&list)
        .iter()
        .filter(|d| Reflect::get(d, &"kind".into()).ok().and_then(|k| k.as_string()).as_deref() == Some("videoinput"))
        .count() as u32
}

/// Applies one advanced constraint (`torch`, `zoom`) to the camera in use.
pub async fn apply(stream: &MediaStream, key: &str, value: JsValue) -> bool {
    let Some(track) = video_track(stream) else { return false };
    let advanced = js_sys::Array::of1(&object(&[(key, value)]));
    let constraints = object(&[("advanced", advanced.into())]);
    let Ok(apply) = Reflect::get(&track, &"applyConstraints".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return false;
    };
    let Ok(promise) = apply.call1(&track, &constraints).and_then(|p| p.dyn_into::<js_sys::Promise>()) else {
        return false;
    };
    JsFuture::from(promise).await.is_ok()
}

/// Replaces the stream's camera by the one facing `facing` (`user` or `environment`).
pub async fn switch(stream: &MediaStream, facing: &str) -> bool {
    let Some(devices) = media_devices() else { return false };
    let Ok(fresh) = get_user_media(&devices, object(&[("facingMode", facing.into())])).await else { return false };
    let Some(new_track) = video_track(&fresh) else { return false };
    stop_video(stream);
    stream.add_track(&new_track);
    true
}

/// Stops the camera and takes it out of the stream; the microphone, if on, goes on.
pub fn stop_video(stream: &MediaStream) {
    if let Some(track) = video_track(stream) {
        track.stop();
        stream.remove_track(&track);
    }
}

/// Adds (or removes) the microphone to the stream. Returns whether it is on.
pub async fn set_microphone(stream: &MediaStream, on: bool) -> bool {
    for track in stream.get_audio_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
            stream.remove_track(&track);
        }
    }
    if !on {
        return false;
    }
    let Some(devices) = media_devices() else { return false };
    let constraints = object(&[("audio", JsValue::TRUE), ("video", JsValue::FALSE)]);
    let Ok(promise) = devices.get_user_media_with_constraints(constraints.unchecked_ref()) else { return false };
    let Ok(audio) = JsFuture::from(promise).await.and_then(|s| s.dyn_into::<MediaStream>()) else { return false };
    for track in audio.get_audio_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            stream.add_track(&track);
        }
    }
    true
}
