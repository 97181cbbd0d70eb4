//! The tab's title counts what needs a clinician now (patients waiting, a
//! nursing home calling), so it shows from another tab or a minimised window.

use leptos::prelude::*;

/// The document's title when nothing waits (as in app/index.html).
const APP_TITLE: &str = "Regard";

/// Keeps the title at "(n) label – Regard" while `count` is above zero.
pub fn count_in_title(count: impl Fn() -> usize + 'static, label: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let title = match count() {
            0 => APP_TITLE.to_owned(),
            n => format!("({n}) {} – {APP_TITLE}", label()),
        };
        document().set_title(&title);
    });
    // A fixed base, not the title found at mount: the next page's alert may
    // mount before this one is cleaned up, and must not inherit the count.
    on_cleanup(|| document().set_title(APP_TITLE));
}
