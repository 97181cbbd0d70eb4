//! A page that only says something: a title and a sentence.

use leptos::prelude::*;

#[component]
pub fn Notice(title: String, body: String) -> impl IntoView {
    view! {
        <h1>{title}</h1>
        <p class="lead">{body}</p>
    }
}
