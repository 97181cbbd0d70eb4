//! A `<video>` showing a MediaStream (the caller's camera, or its own preview).

use leptos::html::Video;
use leptos::prelude::*;
use web_sys::MediaStream;

#[component]
pub fn VideoView(
    /// The stream to show; a local signal, since a MediaStream cannot leave the browser thread.
    stream: ReadSignal<Option<MediaStream>, LocalStorage>,
    /// Accessible name of the video.
    #[prop(into)]
    label: Signal<String>,
    node_ref: NodeRef<Video>,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    Effect::new(move |_| {
        if let Some(video) = node_ref.get() {
            video.set_src_object(stream.get().as_ref());
        }
    });
    // Muted and inline: phones and desktops then play it without a user gesture.
    view! {
        <video node_ref=node_ref class=class autoplay=true playsinline=true muted=true aria-label=move || label.get()></video>
    }
}
