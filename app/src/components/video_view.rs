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
    /// Whether to play the stream's sound (off unless asked: a console in a
    /// regulation room must not blare).
    #[prop(optional)]
    audible: Option<Signal<bool>>,
) -> impl IntoView {
    let muted = move || !audible.is_some_and(|a| a.get());
    Effect::new(move |_| {
        if let Some(video) = node_ref.get() {
            let stream = stream.get();
            // Setting the stream it already shows would reload the element: a
            // black flash when a restarted call hands the same stream again.
            if video.src_object() != stream {
                video.set_src_object(stream.as_ref());
            }
        }
    });
    // Muted and inline: phones and desktops then play it without a user gesture;
    // sound is turned on by the regulator's click, which is such a gesture.
    view! {
        <video node_ref=node_ref class=class autoplay=true playsinline=true prop:muted=muted aria-label=move || label.get()></video>
    }
}
