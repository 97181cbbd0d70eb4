//! Dates and times as people read them, in the page's language.

use js_sys::{Date, Object, Reflect};
use regard_shared::lang::Lang;
use regard_shared::monitoring::wire::{Due, DueState};
use wasm_bindgen::JsValue;

use crate::texts::{tx, Texts};

fn options(entries: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

/// Today's date in the browser's time zone, `YYYY-MM-DD`.
pub fn today_iso() -> String {
    let now = Date::new_0();
    format!("{:04}-{:02}-{:02}", now.get_full_year(), now.get_month() + 1, now.get_date())
}

/// The browser's clock now, `HH:MM`, as a time input holds it.
pub fn clock_now() -> String {
    let now = Date::new_0();
    format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
}

/// `décembre 2026` for a month `2026-12` (as the usage figures name them).
pub fn month_name(month: &str, language: &str) -> String {
    let Some((year, number)) = month.split_once('-') else { return month.to_owned() };
    let (Ok(year), Ok(number)) = (year.parse::<u32>(), number.parse::<i32>()) else { return month.to_owned() };
    // Mid-month at noon UTC: the same month in every time zone.
    let date = Date::new_with_year_month_day_hr_min_sec(year, number - 1, 15, 12, 0, 0);
    date.to_locale_date_string(language, &options(&[("month", "long"), ("year", "numeric")])).into()
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

/// `12/05/1934` for a calendar date `1934-05-12` (no time zone: a birthday is
/// the same day everywhere).
pub fn calendar_date(iso: &str, language: &str) -> String {
    let parts: Vec<u32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month, day] = parts[..] else { return iso.to_owned() };
    let date = Date::new_with_year_month_day(year, month as i32 - 1, day as i32);
    let options = options(&[("day", "2-digit"), ("month", "2-digit"), ("year", "numeric")]);
    date.to_locale_date_string(language, &options).into()
}

/// The tag the browser's date and number formats get for `lang`. Arabic
/// keeps Western digits: those of the Maghreb, where most Arabic readers in
/// France come from, and of the phone numbers and doses on the same page.
pub fn intl_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Ar => "ar-u-nu-latn",
        other => other.code(),
    }
}

/// A decimal number as the reader writes it: `37,5` but `37.5` in English.
pub fn decimal(value: f64, lang: Lang) -> String {
    let text = value.to_string();
    if lang == Lang::En {
        text
    } else {
        text.replace('.', ",")
    }
}

/// Where a questionnaire of a follow-up stands, in words; the same on the
/// patient's and the clinician's pages.
pub fn due_state_text(texts: Texts, due: &Due, now: i64) -> String {
    match due.state(now) {
        DueState::Filled => tx!(texts, followup.filled),
        DueState::Missed => tx!(texts, followup.not_filled),
        DueState::ToFill => tx!(texts, followup.to_fill),
        DueState::Upcoming => tx!(texts, followup.upcoming),
    }
}
