//! An image shown full screen with zoom and pan, so an expert reads a lesion or
//! a scan in the browser without downloading it: buttons and keys (+, −, 0,
//! arrows, Escape), the mouse wheel, and dragging with a finger or the mouse.

use leptos::html::Button;
use leptos::prelude::*;

use crate::i18n::*;

const MIN_ZOOM: f64 = 1.0;
const MAX_ZOOM: f64 = 8.0;
/// One step of the buttons and keys.
const ZOOM_STEP: f64 = 1.25;
/// Pixels an arrow key pans.
const PAN_STEP: f64 = 40.0;

#[derive(Clone, Copy, Default, PartialEq)]
struct View {
    zoom: f64,
    x: f64,
    y: f64,
}

impl View {
    fn zoomed(self, factor: f64) -> View {
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        // Back at 1×, the image is centred again.
        if zoom == MIN_ZOOM {
            View { zoom, x: 0.0, y: 0.0 }
        } else {
            View { zoom, ..self }
        }
    }

    fn transform(self) -> String {
        format!("transform: translate({}px, {}px) scale({})", self.x, self.y, self.zoom)
    }
}

#[component]
pub fn ImageViewer(src: String, label: String, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let view_state = RwSignal::new(View { zoom: MIN_ZOOM, ..View::default() });
    // Where a drag started: pointer position and the view's offset then.
    let drag = StoredValue::new(None::<(f64, f64, f64, f64)>);
    let close_button = NodeRef::<Button>::new();
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    let zoom = move |factor: f64| view_state.update(|v| *v = v.zoomed(factor));
    let pan = move |dx: f64, dy: f64| view_state.update(|v| *v = View { x: v.x + dx, y: v.y + dy, ..*v });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        match ev.key().as_str() {
            "Escape" => on_close.run(()),
            "+" | "=" => zoom(ZOOM_STEP),
            "-" => zoom(1.0 / ZOOM_STEP),
            "0" => view_state.set(View { zoom: MIN_ZOOM, ..View::default() }),
            "ArrowLeft" => pan(PAN_STEP, 0.0),
            "ArrowRight" => pan(-PAN_STEP, 0.0),
            "ArrowUp" => pan(0.0, PAN_STEP),
            "ArrowDown" => pan(0.0, -PAN_STEP),
            _ => return,
        }
        ev.prevent_default();
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        zoom(if ev.delta_y() < 0.0 { ZOOM_STEP } else { 1.0 / ZOOM_STEP });
    };
    let on_down = move |ev: leptos::ev::PointerEvent| {
        let v = view_state.get_untracked();
        drag.set_value(Some((f64::from(ev.client_x()), f64::from(ev.client_y()), v.x, v.y)));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let Some((x0, y0, vx, vy)) = drag.get_value() {
            let (dx, dy) = (f64::from(ev.client_x()) - x0, f64::from(ev.client_y()) - y0);
            view_state.update(|v| *v = View { x: vx + dx, y: vy + dy, ..*v });
        }
    };
    let on_up = move |_| drag.set_value(None);
    let percent = move || format!("{:.0} %", view_state.get().zoom * 100.0);
    let dialog_label = label.clone();
    view! {
        <div class="image-viewer" role="dialog" aria-modal="true" aria-label=dialog_label on:keydown=on_key>
            <div class="image-viewer-tools" role="toolbar" aria-label=move || t_string!(i18n, expertise.viewer_tools).to_string()>
                <button type="button" class="secondary" on:click=move |_| zoom(1.0 / ZOOM_STEP)
                    aria-label=move || t_string!(i18n, expertise.zoom_out).to_string()>"−"</button>
                <output aria-live="polite" data-testid="zoom-level">{percent}</output>
                <button type="button" class="secondary" on:click=move |_| zoom(ZOOM_STEP)
                    aria-label=move || t_string!(i18n, expertise.zoom_in).to_string()>"+"</button>
                <button type="button" class="secondary" on:click=move |_| view_state.set(View { zoom: MIN_ZOOM, ..View::default() })>
                    {t!(i18n, expertise.zoom_reset)}
                </button>
                <button type="button" class="primary" node_ref=close_button on:click=move |_| on_close.run(())>
                    {t!(i18n, expertise.viewer_close)}
                </button>
            </div>
            <div class="image-viewer-stage" on:wheel=on_wheel on:pointerdown=on_down on:pointermove=on_move
                on:pointerup=on_up on:pointercancel=on_up on:pointerleave=on_up>
                <img src=src alt=label draggable="false" style=move || view_state.get().transform() />
            </div>
            <p class="hint">{t!(i18n, expertise.viewer_hint)}</p>
        </div>
    }
}
