//! Video, photos or sound only, and what the video keeps on a weak link: the
//! regulator's choices, and the console's own when the caller's link stays
//! too weak for video. A call that went to photos by itself tries video again
//! later, less and less often while the link cannot hold it.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use regard_shared::signal::{Favour, Reply, Request, VideoOff};
use regard_shared::video::{too_slow_for_video, video_retry_after_secs};

use crate::i18n::*;
use crate::media::{self, call::Call};

#[derive(Clone, Copy)]
pub struct VideoMode {
    i18n: I18nContext<Locale>,
    /// The caller's camera is stopped, and why, as the phone confirmed.
    pub off: RwSignal<Option<VideoOff>>,
    /// What the caller's video keeps when the link weakens.
    pub favour: RwSignal<Favour>,
    /// How many times the link sent this call to photos.
    weak_switches: StoredValue<u32>,
    /// The switch the photos are on for, until video is tried again or the
    /// regulator chooses otherwise.
    weak_photos: StoredValue<Option<u32>>,
    /// The phone's download speed (kbit/s) when that alone sent the call to
    /// photos, so the regulator is told the figure rather than a weak video.
    slow_kbps: StoredValue<Option<u32>>,
}

impl VideoMode {
    pub fn new(i18n: I18nContext<Locale>) -> Self {
        Self {
            i18n,
            off: RwSignal::new(None),
            favour: RwSignal::new(Favour::default()),
            weak_switches: StoredValue::new(0),
            weak_photos: StoredValue::new(None),
            slow_kbps: StoredValue::new(None),
        }
    }

    /// The regulator's choice: the camera stopped (for photos, or sound only), or video again.
    pub fn choose(self, call: StoredValue<Call, LocalStorage>, off: Option<VideoOff>) {
        self.weak_photos.set_value(None);
        let request = off.map_or(Request::Video, Request::VideoOff);
        call.with_value(|c| c.request(request));
    }

    /// The regulator's choice of sharpness or fluidity, sent to the phone.
    pub fn prefer(self, call: StoredValue<Call, LocalStorage>, favour: Favour) {
        self.favour.set(favour);
        self.send_favour(call);
    }

    /// The phone applies the choice to each new connection, but a console
    /// opened again starts from the default: each connection is told afresh.
    pub fn send_favour(self, call: StoredValue<Call, LocalStorage>) {
        let favour = self.favour.get_untracked();
        call.with_value(|c| c.request(Request::Favour(favour)));
    }

    /// The received video stayed unusable: photos now, video tried again later.
    pub fn weak_link(self, call: StoredValue<Call, LocalStorage>) {
        if self.off.get_untracked().is_some() || self.weak_photos.get_value().is_some() {
            return;
        }
        let switch = self.weak_switches.get_value();
        self.weak_switches.set_value(switch + 1);
        self.slow_kbps.set_value(None);
        self.weak_photos.set_value(Some(switch));
        call.with_value(|c| c.request(Request::VideoOff(VideoOff::WeakLink)));
        media::after(video_retry_after_secs(switch) as i32 * 1000, move || {
            // Unless the regulator chose since (or left the case).
            if self.weak_photos.try_get_value() == Some(Some(switch)) {
                self.weak_photos.set_value(None);
                call.with_value(|c| c.request(Request::Video));
            }
        });
    }

    /// The phone downloaded its page too slowly for video to get through:
    /// photos from the first connection, before any frozen picture. Only
    /// then: the figure is the page's, and video tried again later is judged
    /// by what it delivers.
    pub fn slow_phone(self, call: StoredValue<Call, LocalStorage>, downlink_kbps: u32) {
        if too_slow_for_video(downlink_kbps) && self.weak_switches.get_value() == 0 {
            self.weak_link(call);
            self.slow_kbps.set_value(Some(downlink_kbps));
        }
    }

    /// What the regulator is told when the phone switched, and why.
    pub fn on_reply(self, reply: &Reply) -> Option<String> {
        let i18n = self.i18n;
        match reply {
            Reply::VideoOff(why) => {
                self.off.set(Some(*why));
                Some(match why {
                    VideoOff::WeakLink => {
                        let seconds = video_retry_after_secs(self.weak_switches.get_value().saturating_sub(1));
                        match self.slow_kbps.get_value() {
                            Some(kbps) => t_string!(i18n, assist.photos_slow_phone, kbps = kbps, seconds = seconds),
                            None => t_string!(i18n, assist.photos_weak_link, seconds = seconds),
                        }
                        .to_string()
                    }
                    VideoOff::Photos => t_string!(i18n, assist.photos_only_on).to_string(),
                    VideoOff::AudioOnly => t_string!(i18n, assist.audio_only_on).to_string(),
                    VideoOff::Unsupported => t_string!(i18n, assist.no_live_video).to_string(),
                })
            }
            Reply::Video => {
                self.off.set(None);
                Some(t_string!(i18n, assist.video_on).to_string())
            }
            _ => None,
        }
    }
}
