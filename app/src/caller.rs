//! The root of the caller's entry: the video-assist page for `/v/{token}`,
//! without the router and the console (see lib.rs for why it is separate).

use leptos::prelude::*;
use regard_shared::lang::Lang;

use crate::app::SkipLink;
use crate::components::language_picker::LanguagePicker;
use crate::components::site_header::SiteHeader;
use crate::language::CallerLanguageProvider;
use crate::pages::patient::assist::CallerPage;
use crate::texts::Dict;

#[component]
pub fn CallerApp(lang: Lang, dict: Dict) -> impl IntoView {
    // The server serves this entry for `/v/{token}` only; anything else in the
    // path gives an empty token, which the server answers as an unknown link.
    let token = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .and_then(|path| path.strip_prefix("/v/").map(str::to_owned))
        .unwrap_or_default();
    view! {
        <CallerLanguageProvider lang dict>
            <SkipLink />
            <SiteHeader>
                <LanguagePicker />
            </SiteHeader>
            <main id="main" tabindex="-1">
                <CallerPage token=token />
            </main>
        </CallerLanguageProvider>
    }
}
