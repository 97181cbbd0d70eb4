//! Video or photos: the regulator's choice, and the console's own when the
//! caller's link stays too weak for video. A call that went to photos by
//! itself tries video again later, less and less often while the link cannot
//! hold it.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use regard_shared::signal::{Reply, Request};
use regard_shared::video::video_retry_after_secs;

use crate::i18n::*;
use crate::media::{self, call::Call};

#[derive(Clone, Copy)]
pub struct VideoMode {
    i18n: I18nContext<Locale>,
    /// The caller's phone sends photos, not video.
    pub photos: RwSignal<bool>,
    /// How many times the link sent this call to photos.
    weak_switches: StoredValue<u32>,
    /// The switch the photos are on for, until video is tried again or the
    /// regulator chooses otherwise.
    weak_photos: StoredValue<Option<u32>>,
}

impl VideoMode {
    pub fn new(i18n: I18nContext<Locale>) -> Self {
        Self {
            i18n,
            photos: RwSignal::new(false),
            weak_switches: StoredValue::new(0),
            weak_photos: StoredValue::new(None),
        }
    }

    /// The regulator's choice: photos, or video again.
    pub fn choose(self, call: StoredValue<Call, LocalStorage>, photos: bool) {
        self.weak_photos.set_value(None);
        let request = if photos { Request::PhotosOnly { weak_link: false } } else { Request::Video };
        call.with_value(|c| c.request(request));
    }

    /// The received video stayed unusable: photos now, video tried again later.
    pub fn weak_link(self, call: StoredValue<Call, LocalStorage>) {
        if self.photos.get_untracked() || self.weak_photos.get_value().is_some() {
            return;
        }
        let switch = self.weak_switches.get_value();
        self.weak_switches.set_value(switch + 1);
        self.weak_photos.set_value(Some(switch));
        call.with_value(|c| c.request(Request::PhotosOnly { weak_link: true }));
        media::after(video_retry_after_secs(switch) as i32 * 1000, move || {
            // Unless the regulator chose since (or left the case).
            if self.weak_photos.try_get_value() == Some(Some(switch)) {
                self.weak_photos.set_value(None);
                call.with_value(|c| c.request(Request::Video));
            }
        });
    }

    /// What the regulator is told when the phone switched, and why.
    pub fn on_reply(self, reply: &Reply) -> Option<String> {
        let i18n = self.i18n;
        match reply {
            Reply::PhotosOnly => {
                self.photos.set(true);
                Some(match self.weak_photos.get_value() {
                    Some(switch) => {
                        t_string!(i18n, assist.photos_weak_link, seconds = video_retry_after_secs(switch)).to_string()
                    }
                    None => t_string!(i18n, assist.photos_only_on).to_string(),
                })
            }
            Reply::Video => {
                self.photos.set(false);
                Some(t_string!(i18n, assist.video_on).to_string())
            }
            _ => None,
        }
    }
}
