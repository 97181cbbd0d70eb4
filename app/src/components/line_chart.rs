//! A small line chart of one number over the days of a follow-up (temperature,
//! SpO2), drawn in SVG. Screen readers get the values in its label; the
//! answers table beside it holds them too.

use leptos::prelude::*;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 140.0;
const PAD: f64 = 28.0;

/// Where the points go: `days` spans the schedule, values get some margin.
fn scale(points: &[(u32, f64)], last_day: u32) -> impl Fn(u32, f64) -> (f64, f64) {
    let low = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let high = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let margin = ((high - low) * 0.2).max(1.0);
    let (low, high) = (low - margin, high + margin);
    let span_days = f64::from(last_day.max(2) - 1);
    move |day, value| {
        let x = PAD + (f64::from(day) - 1.0) / span_days * (WIDTH - 2.0 * PAD);
        let y = HEIGHT - PAD - (value - low) / (high - low) * (HEIGHT - 2.0 * PAD);
        (x, y)
    }
}

fn number(value: f64) -> String {
    value.to_string().replace('.', ",")
}

#[component]
pub fn LineChart(
    /// The question, e.g. "Saturation".
    title: String,
    unit: String,
    /// (day of the follow-up, value), in day order.
    points: Vec<(u32, f64)>,
    last_day: u32,
    /// The accessible description (values listed).
    label: String,
) -> impl IntoView {
    let at = scale(&points, last_day);
    let coordinates: Vec<(u32, f64, f64, f64)> = points
        .iter()
        .map(|&(day, value)| {
            let (x, y) = at(day, value);
            (day, value, x, y)
        })
        .collect();
    let line = coordinates.iter().map(|(_, _, x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    view! {
        <figure class="chart">
            <figcaption>{title.clone()} {(!unit.is_empty()).then(|| format!(" ({unit})"))}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
                <line x1=PAD y1=HEIGHT - PAD x2=WIDTH - PAD y2=HEIGHT - PAD class="axis" />
                <polyline points=line class="series" fill="none" />
                {coordinates.into_iter().map(|(day, value, x, y)| view! {
                    <g class="point" data-day=day data-value=value.to_string()>
                        <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" />
                        <text x=format!("{x:.1}") y=format!("{:.1}", y - 8.0) text-anchor="middle">{number(value)}</text>
                        <text x=format!("{x:.1}") y=HEIGHT - PAD + 16.0 text-anchor="middle" class="day">{format!("J{day}")}</text>
                    </g>
                }).collect_view()}
            </svg>
        </figure>
    }
}
