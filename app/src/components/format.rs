//! Dates and times as people read them, in the page's language.

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::JsValue;

fn options(entries: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

/// `14:05:09` for a timestamp in milliseconds.
pub fn time(ms: i64, language: &str) -> String {
    let date = Date::new(&JsValue::from_f64(ms as f64));
    let options = options(&[("hour", "2-digit"), ("minute", "2-digit"), ("second", "2-digit")]);
    date.to_locale_time_string_with_options(language, &options).into()
}

/// `14:05` for a timestamp in milliseconds.
pub fn time_of_day(ms: i64, language: &str) -> String {
    let date = Date::new(&JsValue::from_f64(ms as f64));
    let options = options(&[("hour", "2-digit"), ("minute", "2-digit")]);
    date.to_locale_time_string_with_options(language, &options).into()
}

/// `22/11/2026 14:05` (or the English equivalent).
pub fn date_time(ms: i64, language: &str) -> String {
    let date = Date::new(&JsValue::from_f64(ms as f64));
    let options = options(&[
        ("day", "2-digit"),
        ("month", "2-digit"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ]);
    date.to_locale_string(language, &options).into()
}
