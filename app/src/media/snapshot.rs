//! A still image of what a camera shows.

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AddEventListenerOptions, Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
};

/// A full-resolution photo from the camera through ImageCapture where the
/// browser has it, otherwise the current frame of `video` as a JPEG.
pub async fn take(stream: &MediaStream, video: &HtmlVideoElement) -> Option<Blob> {
    if let Some(photo) = image_capture(stream).await {
        return Some(photo);
    }
    frame(video).await
}

async fn image_capture(stream: &MediaStream) -> Option<Blob> {
    let window = web_sys::window()?;
    let constructor: js_sys::Function = Reflect::get(&window, &"ImageCapture".into()).ok()?.dyn_into().ok()?;
    let track = stream.get_video_tracks().get(0);
    let capture = Reflect::construct(&constructor, &js_sys::Array::of1(&track)).ok()?;
    let take_photo: js_sys::Function = Reflect::get(&capture, &"takePhoto".into()).ok()?.dyn_into().ok()?;
    let promise: Promise = take_photo.call0(&capture).ok()?.dyn_into().ok()?;
    let blob: Blob = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    (blob.size() > 0.0).then_some(blob)
}

/// How long a photo asked before the camera's first frame waits for it (a
/// phone's first camera start can take seconds).
const FIRST_FRAME_WAIT_MS: i32 = 8_000;

/// The frame on screen, once there is one: a video that shows no frame within
/// the wait has no size and yields nothing.
pub async fn frame(video: &HtmlVideoElement) -> Option<Blob> {
    first_frame(video).await;
    let (width, height) = (video.video_width(), video.video_height());
    if width == 0 || height == 0 {
        return None;
    }
    let document = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context.draw_image_with_html_video_element(video, 0.0, 0.0).ok()?;
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(0.9));
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Resolves when `video` shows its first frame, or when the wait is over.
async fn first_frame(video: &HtmlVideoElement) {
    if video.video_width() > 0 {
        return;
    }
    let shown = Promise::new(&mut |resolve, _reject| {
        let options = AddEventListenerOptions::new();
        options.set_once(true);
        let _ = video.add_event_listener_with_callback_and_add_event_listener_options("loadeddata", &resolve, &options);
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FIRST_FRAME_WAIT_MS);
        }
    });
    let _ = JsFuture::from(shown).await;
}
