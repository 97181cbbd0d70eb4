//! Sound in the browser: the microphone's level for the patient's device check,
//! and the chime that tells a GP a patient is waiting.

use web_sys::{AnalyserNode, AudioContext, MediaStream};

/// Measures how loud the microphone of a stream is, on demand.
pub struct LevelMeter {
    context: AudioContext,
    analyser: AnalyserNode,
    samples: std::cell::RefCell<Vec<f32>>,
}

impl LevelMeter {
    pub fn new(stream: &MediaStream) -> Option<LevelMeter> {
        let context = AudioContext::new().ok()?;
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(1024);
        source.connect_with_audio_node(&analyser).ok()?;
        let samples = std::cell::RefCell::new(vec![0.0; analyser.fft_size() as usize]);
        let meter = LevelMeter { context, analyser, samples };
        meter.resume();
        Some(meter)
    }

    /// Browsers start sound suspended unless the page was tapped first (Safari
    /// and Firefox after a reload); resuming from a tap's handler always works.
    pub fn resume(&self) {
        if !self.running() {
            let _ = self.context.resume();
        }
    }

    /// Whether sound is measured at all: a suspended context hears silence.
    pub fn running(&self) -> bool {
        self.context.state() == web_sys::AudioContextState::Running
    }

    /// Loudness now, from 0 to 100, on a decibel scale like a recording meter:
    /// -60 dBFS (a quiet room) and below is 0, full scale is 100, so a voice
    /// moves the bar well and silence leaves it still.
    pub fn level(&self) -> u32 {
        let mut samples = self.samples.borrow_mut();
        self.analyser.get_float_time_domain_data(&mut samples);
        let sum: f64 = samples.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
        let rms = (sum / samples.len().max(1) as f64).sqrt();
        if rms <= 0.0 {
            return 0;
        }
        ((20.0 * rms.log10() + 60.0) / 60.0 * 100.0).clamp(0.0, 100.0) as u32
    }
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        let _ = self.context.close();
    }
}

/// Two short rising tones. Browsers allow sound once the page has been used
/// (the GP signed in and clicked), which is the case in the console.
pub fn chime() {
    let Ok(context) = AudioContext::new() else { return };
    let now = context.current_time();
    for (i, frequency) in [660.0_f32, 880.0].into_iter().enumerate() {
        let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else { return };
        oscillator.frequency().set_value(frequency);
        gain.gain().set_value(0.2);
        let _ = oscillator.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&context.destination());
        let start = now + i as f64 * 0.25;
        let _ = oscillator.start_with_when(start);
        let _ = oscillator.stop_with_when(start + 0.2);
    }
    // Closing frees the audio device once the tones are over.
    super::after(1000, move || {
        let _ = context.close();
    });
}

/// Whether this browser has system notifications at all (older iPhones do not).
fn notifications_supported() -> bool {
    web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
}

fn permission() -> Option<web_sys::NotificationPermission> {
    notifications_supported().then(web_sys::Notification::permission)
}

/// A system notification, when the GP allowed them; silently nothing otherwise.
pub fn notify(title: &str, body: &str) {
    if permission() != Some(web_sys::NotificationPermission::Granted) {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    let _ = web_sys::Notification::new_with_options(title, &options);
}

/// Whether the GP has not yet said yes or no to notifications.
pub fn notifications_undecided() -> bool {
    permission() == Some(web_sys::NotificationPermission::Default)
}

/// Asks for permission to show notifications (must follow a click).
pub fn ask_notification_permission() {
    if notifications_undecided() {
        let _ = web_sys::Notification::request_permission();
    }
}
