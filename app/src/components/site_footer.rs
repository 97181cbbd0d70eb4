//! The line at the bottom of the console's and the patient's pages: where to
//! get Regard's source code. AGPL-3.0 section 13 has a service that runs a
//! modified Regard offer its users that source; the server's `/source` leads
//! to it (`--source-url`). The caller's page has the same line, written by the
//! server into its HTML (`web.rs`): no code on a phone's slow link.

use leptos::prelude::*;

use crate::texts::{tx, use_texts};

#[component]
pub fn SiteFooter() -> impl IntoView {
    let texts = use_texts();
    // `external`: the address is the server's, not one of the app's routes.
    view! {
        <footer class="site-footer">
            <a href="/source" rel="external">{move || tx!(texts, common.source_code)}</a>
        </footer>
    }
}
