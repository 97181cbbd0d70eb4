//! The bar at the top of every page; its language control is the entry's own
//! (the console's French/English switch, the caller's list of languages).

use leptos::prelude::*;

use crate::texts::{tx, use_texts};

#[component]
pub fn SiteHeader(children: Children) -> impl IntoView {
    let texts = use_texts();
    view! {
        <header class="site-header">
            <a class="brand" href="/" aria-label=move || tx!(texts, common.brand_home)>
                <span>"Regard"</span>
            </a>
            {children()}
        </header>
    }
}
