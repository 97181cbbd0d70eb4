//! The phone's position, asked only when the caller taps to share it.

use js_sys::{Promise, Reflect};
use regard_shared::assist::LocationReport;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn number(object: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(object, &key.into()).ok()?.as_f64()
}

pub async fn current_position() -> Option<LocationReport> {
    let navigator = web_sys::window()?.navigator();
    let geolocation = Reflect::get(&navigator, &"geolocation".into()).ok().filter(|g| !g.is_undefined())?;
    let get: js_sys::Function = Reflect::get(&geolocation, &"getCurrentPosition".into()).ok()?.dyn_into().ok()?;
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"enableHighAccuracy".into(), &JsValue::TRUE);
    let _ = Reflect::set(&options, &"timeout".into(), &JsValue::from_f64(20_000.0));
    let promise = Promise::new(&mut |resolve, reject| {
        let _ = get.call3(&geolocation, &resolve, &reject, &options);
    });
    let position = JsFuture::from(promise).await.ok()?;
    let coords = Reflect::get(&position, &"coords".into()).ok()?;
    let report = LocationReport {
        latitude: number(&coords, "latitude")?,
        longitude: number(&coords, "longitude")?,
        accuracy_m: number(&coords, "accuracy")?,
    };
    report.is_valid().then_some(report)
}
