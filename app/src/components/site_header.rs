//! The bar at the top of every page.

use leptos::prelude::*;

use crate::components::language_switch::LanguageSwitch;
use crate::i18n::*;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <a class="brand" href="/" aria-label=move || t_string!(i18n, brand_home).to_string()>
                <img src="/icons/icon-192.png" alt="" width="32" height="32" />
                <span>"Regard"</span>
            </a>
            <LanguageSwitch />
        </header>
    }
}
