//! Live quality of the received video, from `RTCPeerConnection.getStats()`,
//! and the speed at which the phone downloaded its page.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcPeerConnection;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Quality {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub kbps: f64,
    pub rtt_ms: Option<f64>,
    /// The media goes through a TURN relay (the link's local end is a relayed candidate).
    pub relayed: bool,
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(object, &key.into()).ok()?.as_f64()
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &key.into()).ok()?.as_string()
}

/// Samples the incoming video. `previous` holds (bytes, timestamp ms) of the
/// last sample, to turn the byte counter into a bitrate; `None` until it can.
pub async fn sample(pc: &RtcPeerConnection, previous: &mut Option<(f64, f64)>) -> Option<Quality> {
    let report = JsFuture::from(pc.get_stats()).await.ok()?;
    let values: js_sys::Function = Reflect::get(&report, &"values".into()).ok()?.dyn_into().ok()?;
    let entries = Array::from(&values.call0(&report).ok()?);
    let mut quality = Quality::default();
    // A bitrate needs two samples of the same connection: until then, nothing
    // (a first sample would read as a frozen picture).
    let mut measured = false;
    let mut local_end = None;
    for entry in entries.iter() {
        match text(&entry, "type").as_deref() {
            Some("inbound-rtp") if text(&entry, "kind").as_deref() == Some("video") => {
                quality.width = number(&entry, "frameWidth").unwrap_or(0.0) as u32;
                quality.height = number(&entry, "frameHeight").unwrap_or(0.0) as u32;
                quality.fps = number(&entry, "framesPerSecond").unwrap_or(0.0);
                let bytes = number(&entry, "bytesReceived").unwrap_or(0.0);
                let at = number(&entry, "timestamp").unwrap_or(0.0);
                if let Some((last_bytes, last_at)) = previous.replace((bytes, at)) {
                    // A counter that went back belongs to a new connection (the
                    // caller reloaded): this sample starts the count again.
                    if at > last_at && bytes >= last_bytes {
                        quality.kbps = (bytes - last_bytes) * 8.0 / (at - last_at);
                        measured = true;
                    }
                }
            }
            Some("candidate-pair")
                if Reflect::get(&entry, &"nominated".into()).ok().and_then(|v| v.as_bool()) == Some(true) =>
            {
                if let Some(rtt) = number(&entry, "currentRoundTripTime") {
                    quality.rtt_ms = Some(rtt * 1000.0);
                }
                local_end = text(&entry, "localCandidateId");
            }
            _ => {}
        }
    }
    quality.relayed = local_end.is_some_and(|id| {
        entries
            .iter()
            .any(|e| text(&e, "id") == Some(id.clone()) && text(&e, "candidateType").as_deref() == Some("relay"))
    });
    measured.then_some(quality)
}

/// How fast this page's code, the biggest file it downloads, came down the
/// network, in kbit/s (Resource Timing of the `.wasm`). None when it came
/// from a cache or too small to time.
pub fn page_downlink_kbps() -> Option<u32> {
    let performance = Reflect::get(&web_sys::window()?.into(), &"performance".into()).ok()?;
    let entries_by_type: js_sys::Function =
        Reflect::get(&performance, &"getEntriesByType".into()).ok()?.dyn_into().ok()?;
    let entries: Array = entries_by_type.call1(&performance, &"resource".into()).ok()?.dyn_into().ok()?;
    let wasm = entries.iter().find(|entry| {
        Reflect::get(entry, &"name".into()).ok().and_then(|name| name.as_string()).is_some_and(|n| n.ends_with(".wasm"))
    })?;
    let bytes = number(&wasm, "encodedBodySize")?;
    let ms = number(&wasm, "responseEnd")? - number(&wasm, "responseStart")?;
    if number(&wasm, "transferSize")? <= 0.0 || bytes < 20_000.0 || ms <= 0.0 {
        return None;
    }
    // Bits per millisecond are kilobits per second.
    Some((bytes * 8.0 / ms) as u32)
}
