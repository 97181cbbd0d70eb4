//! A CT or MR series read in the browser without downloading it: one slice on
//! a canvas, scrolled with the wheel, the arrow and page keys, a vertical drag
//! or the slider; the window (brain, stroke, bone, or centre and width typed)
//! applied here to the slice's 16-bit values, so changing it redraws at once.
//! Slices are fetched one by one, the shown one first, then its neighbours.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use leptos::html::{Button, Canvas};
use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::imaging::{Preset, Window};
use wasm_bindgen::{Clamped, JsCast};

use crate::api::expertise as api;
use crate::i18n::*;

/// Slices fetched ahead on each side of the one shown.
const PREFETCH: u32 = 10;
/// Slices fetched at once: the shown one never waits behind many others.
const IN_FLIGHT: usize = 4;
/// Slices kept in memory (about 50 MB at 512 × 512); the farthest go first.
const KEPT: usize = 96;
/// Pixels of a vertical drag per slice.
const DRAG_PX_PER_SLICE: f64 = 4.0;

/// The slices fetched, being fetched, and which one the user wants.
#[derive(Default)]
struct Slices {
    kept: HashMap<u32, Rc<Vec<i16>>>,
    fetching: HashSet<u32>,
    failed: HashSet<u32>,
}

impl Slices {
    /// The next slice to fetch: the wanted one, else the nearest missing neighbour.
    fn next(&self, wanted: u32, count: u32) -> Option<u32> {
        let missing = |n: u32| !self.kept.contains_key(&n) && !self.fetching.contains(&n) && !self.failed.contains(&n);
        (0..=PREFETCH)
            .flat_map(|d| [wanted.checked_add(d), wanted.checked_sub(d)])
            .flatten()
            .find(|n| *n < count && missing(*n))
    }

    fn keep(&mut self, number: u32, values: Vec<i16>, wanted: u32) {
        self.fetching.remove(&number);
        self.kept.insert(number, Rc::new(values));
        while self.kept.len() > KEPT {
            let Some(farthest) = self.kept.keys().copied().max_by_key(|n| n.abs_diff(wanted)) else { break };
            self.kept.remove(&farthest);
        }
    }
}

/// Grey levels of every 16-bit value for `window`: one lookup per pixel.
fn grey_table(window: Window) -> Vec<u8> {
    (i16::MIN..=i16::MAX).map(|v| window.gray(v)).collect()
}

fn draw(canvas: &web_sys::HtmlCanvasElement, values: &[i16], table: &[u8], width: u32, height: u32) {
    let mut rgba = Vec::with_capacity(values.len() * 4);
    for value in values {
        let grey = table[(i32::from(*value) - i32::from(i16::MIN)) as usize];
        rgba.extend_from_slice(&[grey, grey, grey, 255]);
    }
    let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), width, height) else {
        return;
    };
    let context =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    if let Some(context) = context {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
}

/// Keeps up to IN_FLIGHT fetches going, nearest the shown slice first.
fn pump(
    slices: StoredValue<Slices, LocalStorage>,
    file_id: StoredValue<String>,
    shown: RwSignal<u32>,
    arrived: RwSignal<u32>,
    count: u32,
) {
    while slices.with_value(|s| s.fetching.len()) < IN_FLIGHT {
        let Some(number) = slices.with_value(|s| s.next(shown.get_untracked(), count)) else { return };
        slices.update_value(|s| {
            s.fetching.insert(number);
        });
        spawn_local(async move {
            match api::slice(&file_id.get_value(), number).await {
                Ok(values) => slices.update_value(|s| s.keep(number, values, shown.get_untracked())),
                Err(_) => slices.update_value(|s| {
                    s.fetching.remove(&number);
                    s.failed.insert(number);
                }),
            }
            arrived.update(|n| *n += 1);
            pump(slices, file_id, shown, arrived, count);
        });
    }
}

#[component]
pub fn SeriesViewer(
    file_id: String,
    label: String,
    count: u32,
    width: u32,
    height: u32,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(0u32);
    let window = RwSignal::new(Preset::Brain.window());
    let preset = RwSignal::new(Some(Preset::Brain));
    // Bumped when a slice arrives, so the canvas redraws if it is the one shown.
    let arrived = RwSignal::new(0u32);
    let drawn = RwSignal::new(None::<u32>);
    let slices = StoredValue::new_local(Slices::default());
    let table = Memo::new(move |_| std::sync::Arc::new(grey_table(window.get())));
    let canvas = NodeRef::<Canvas>::new();
    let close_button = NodeRef::<Button>::new();
    let file_id = StoredValue::new(file_id);

    Effect::new(move |_| {
        let number = shown.get();
        arrived.track();
        let table = table.get();
        if let (Some(values), Some(canvas)) = (slices.with_value(|s| s.kept.get(&number).cloned()), canvas.get()) {
            draw(&canvas, &values, &table, width, height);
            drawn.set(Some(number));
        }
        pump(slices, file_id, shown, arrived, count);
    });
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });

    let last = count.saturating_sub(1);
    let go = move |delta: i64| shown.update(|n| *n = (i64::from(*n) + delta).clamp(0, i64::from(last)) as u32);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        // Keys typed in a field (a centre, a width, the slider) are the field's.
        let in_field = ev.target().is_some_and(|t| t.has_type::<web_sys::HtmlInputElement>());
        if in_field && ev.key() != "Escape" {
            return;
        }
        match ev.key().as_str() {
            "Escape" => on_close.run(()),
            "ArrowDown" | "ArrowRight" => go(1),
            "ArrowUp" | "ArrowLeft" => go(-1),
            "PageDown" => go(10),
            "PageUp" => go(-10),
            "Home" => shown.set(0),
            "End" => shown.set(last),
            _ => return,
        }
        ev.prevent_default();
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        go(if ev.delta_y() < 0.0 { -1 } else { 1 });
    };
    // Where a drag started: the pointer's height and the slice then.
    let drag = StoredValue::new(None::<(f64, u32)>);
    let on_down =
        move |ev: leptos::ev::PointerEvent| drag.set_value(Some((f64::from(ev.client_y()), shown.get_untracked())));
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let Some((y0, from)) = drag.get_value() {
            let slices = ((f64::from(ev.client_y()) - y0) / DRAG_PX_PER_SLICE) as i64;
            shown.set((i64::from(from) + slices).clamp(0, i64::from(last)) as u32);
        }
    };
    let on_up = move |_| drag.set_value(None);
    let position = move || t_string!(i18n, series.position, number = shown.get() + 1, count = count).to_string();
    let waiting = move || drawn.get() != Some(shown.get());
    let failed = move || {
        arrived.track();
        slices.with_value(|s| s.failed.contains(&shown.get()))
    };
    let dialog_label = label.clone();
    view! {
        <div class="image-viewer series-viewer" role="dialog" aria-modal="true" aria-label=dialog_label on:keydown=on_key>
            <div class="image-viewer-tools" role="toolbar" aria-label=move || t_string!(i18n, series.tools).to_string()>
                <WindowTools window preset />
                <button type="button" class="primary" node_ref=close_button on:click=move |_| on_close.run(())>
                    {t!(i18n, expertise.viewer_close)}
                </button>
            </div>
            <div class="series-position">
                <label for="series-slice">{t!(i18n, series.slice)}</label>
                <input id="series-slice" type="range" min="1" max=count prop:value=move || shown.get() + 1
                    on:input=move |ev| shown.set(event_target_value(&ev).parse::<u32>().unwrap_or(1).saturating_sub(1)) />
                <output aria-live="polite" data-testid="series-position">{position}</output>
                {move || failed().then(|| view! { <span role="alert">{t!(i18n, series.failed)}</span> })}
                {move || (waiting() && !failed()).then(|| view! { <span>{t!(i18n, series.loading)}</span> })}
            </div>
            <div class="image-viewer-stage" tabindex="0" on:wheel=on_wheel on:pointerdown=on_down
                on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_up on:pointerleave=on_up>
                <canvas node_ref=canvas width=width height=height data-testid="series-canvas"
                    data-drawn=move || drawn.get().map(|n| n.to_string()).unwrap_or_default()
                    role="img" aria-label=move || format!("{} – {}", label, position())></canvas>
            </div>
            <p class="hint">{t!(i18n, series.hint)}</p>
        </div>
    }
}

/// The window presets as toggle buttons, and the window's centre and width.
#[component]
fn WindowTools(window: RwSignal<Window>, preset: RwSignal<Option<Preset>>) -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |p: Preset| {
        preset.set(Some(p));
        window.set(p.window());
    };
    let name = move |p: Preset| match p {
        Preset::Brain => t_string!(i18n, series.brain).to_string(),
        Preset::Stroke => t_string!(i18n, series.stroke).to_string(),
        Preset::Bone => t_string!(i18n, series.bone).to_string(),
    };
    let typed = move |ev: leptos::ev::Event, centre: bool| {
        let Ok(value) = event_target_value(&ev).trim().parse::<i32>() else { return };
        preset.set(None);
        window.update(|w| if centre { w.center = value.clamp(-2000, 4000) } else { w.width = value.clamp(1, 6000) });
    };
    view! {
        <div role="group" aria-label=move || t_string!(i18n, series.window).to_string() class="window-presets">
            {Preset::ALL.into_iter().map(|p| view! {
                <button type="button" class="secondary" aria-pressed=move || (preset.get() == Some(p)).to_string()
                    on:click=move |_| choose(p)>{move || name(p)}</button>
            }).collect_view()}
        </div>
        <label class="window-value">
            {t!(i18n, series.center)}
            <input type="number" inputmode="numeric" prop:value=move || window.get().center on:change=move |ev| typed(ev, true) />
        </label>
        <label class="window-value">
            {t!(i18n, series.width)}
            <input type="number" inputmode="numeric" min="1" prop:value=move || window.get().width on:change=move |ev| typed(ev, false) />
        </label>
    }
}
