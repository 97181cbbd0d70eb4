//! What makes a console ring, whatever rings (a nursing home's call to the
//! SAMU, an urgent request to the specialist on call): a chime at once and
//! every few seconds until someone takes it, a system notification for each
//! new one, and the count in the tab's title.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::components::tab_title;
use crate::media::audio;

/// The chime repeats this often until someone takes what rings.
const CHIME_MS: u64 = 3000;

/// Chimes every few seconds while `count()` is above zero, and shows the count
/// in the tab's title with `label`.
pub fn ring_while(count: impl Fn() -> usize + Copy + 'static, label: impl Fn() -> String + 'static) {
    let ring = move || {
        if count() > 0 {
            audio::chime();
        }
    };
    if let Ok(handle) = set_interval_with_handle(ring, std::time::Duration::from_millis(CHIME_MS)) {
        on_cleanup(move || handle.clear());
    }
    tab_title::count_in_title(count, label);
}

/// Announces, with a chime and a notification (title, body), each of `now`
/// (by id) not announced before, and remembers exactly `now`.
pub fn announce(announced: StoredValue<HashSet<String>>, now: Vec<(String, String, String)>) {
    let fresh: Vec<_> = now.iter().filter(|(id, ..)| announced.with_value(|seen| !seen.contains(id))).collect();
    if !fresh.is_empty() {
        audio::chime();
    }
    for (_, title, body) in fresh {
        audio::notify(title, body);
    }
    announced.set_value(now.into_iter().map(|(id, ..)| id).collect());
}
