//! Browser media: the camera, the WebRTC call with its signalling socket, and
//! stills taken from a video. Browser objects live here and in `*_local` stores
//! of the pages; nothing else touches them.

pub mod audio;
pub mod call;
pub mod camera;
pub mod location;
pub mod snapshot;
pub mod stats;

use wasm_bindgen::prelude::*;

/// Runs `f` after `ms` milliseconds (once).
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms);
    }
}

/// A reconnection's wait: a random part of `ms`, from half to all of it, so
/// that the thousands of sockets a dead server node held do not all come back
/// to the others at the same instant.
pub fn jittered(ms: i32) -> i32 {
    (f64::from(ms) * (0.5 + js_sys::Math::random() / 2.0)) as i32
}
