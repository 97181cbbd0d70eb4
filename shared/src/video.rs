//! How a clinician reads the video they receive: the figures from the
//! browser's statistics turned into the words a regulator decides on.

/// The received video, as a clinician judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkQuality {
    /// Fluid and sharp enough to read a wound or a breathing rhythm.
    Good,
    /// Watchable, but details blur or movement stutters.
    Poor,
    /// Hardly moving: a photo shows more.
    Unusable,
}

/// Below these, the picture hardly moves (a frame every third of a second)
/// or carries too few bits for a readable image.
const UNUSABLE_FPS: f64 = 3.0;
const UNUSABLE_KBPS: f64 = 60.0;
/// At these, movement is fluid and a 240-line picture sharp.
const GOOD_FPS: f64 = 12.0;
const GOOD_KBPS: f64 = 250.0;
const GOOD_LINES: u32 = 240;

pub fn link_quality(fps: f64, kbps: f64, lines: u32) -> LinkQuality {
    if fps < UNUSABLE_FPS || kbps < UNUSABLE_KBPS {
        LinkQuality::Unusable
    } else if fps < GOOD_FPS || kbps < GOOD_KBPS || lines < GOOD_LINES {
        LinkQuality::Poor
    } else {
        LinkQuality::Good
    }
}

/// Of the last `WEAK_WINDOW` seconds of living video (the console samples once
/// a second), how many unusable ones send the call to photos by itself: long
/// enough not to flee a passing dip, short enough not to leave the regulator
/// before a frozen picture. Not all in a row: on a weak link a burst of frames
/// often makes one second merely poor between frozen ones.
const WEAK_WINDOW: u32 = 5;
const WEAK_SECONDS: u32 = 4;

/// A phone that downloaded its page slower than this (kbit/s) is on a link
/// that will not carry video either (video needs 100 kbit/s up and more, and
/// a phone's uplink is its slower side): photos from the start, video tried
/// again later like any weak link. A 3G link downloads at 750 and more, an
/// EDGE one at 200 and less.
const WEAK_DOWNLINK_KBPS: u32 = 300;

pub fn too_slow_for_video(downlink_kbps: u32) -> bool {
    downlink_kbps < WEAK_DOWNLINK_KBPS
}

/// How long a call that went to photos by itself waits before trying video
/// again, doubling after each try the link could not hold: 30 s, 1, 2, then 4 min.
pub fn video_retry_after_secs(failed_tries: u32) -> u32 {
    30 << failed_tries.min(3)
}

/// Watches the received video, one sample a second, for a link too weak for it.
#[derive(Clone, Copy, Debug, Default)]
pub struct WeakLinkWatch {
    /// One bit per measured second, the latest lowest: set when unusable.
    recent: u8,
}

impl WeakLinkWatch {
    /// Takes one sample; true on the sample that makes `WEAK_SECONDS` unusable
    /// of the last `WEAK_WINDOW`. A sample with no bits at all is a cut, not a
    /// weak link: photos would not get through either, and the call reconnects
    /// by itself when the network returns, so it counts for nothing.
    pub fn observe(&mut self, fps: f64, kbps: f64, lines: u32) -> bool {
        if kbps <= 0.0 {
            return false;
        }
        let unusable = link_quality(fps, kbps, lines) == LinkQuality::Unusable;
        self.recent = ((self.recent << 1) | u8::from(unusable)) & ((1 << WEAK_WINDOW) - 1);
        if self.recent.count_ones() < WEAK_SECONDS {
            return false;
        }
        // Counted again from nothing: video tried later starts afresh.
        self.recent = 0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_become_words() {
        assert_eq!(link_quality(30.0, 1500.0, 480), LinkQuality::Good);
        assert_eq!(link_quality(8.0, 1500.0, 480), LinkQuality::Poor, "stuttering");
        assert_eq!(link_quality(30.0, 150.0, 480), LinkQuality::Poor, "few bits");
        assert_eq!(link_quality(30.0, 1500.0, 180), LinkQuality::Poor, "small picture");
        assert_eq!(link_quality(1.0, 1500.0, 480), LinkQuality::Unusable, "frozen");
        assert_eq!(link_quality(25.0, 20.0, 480), LinkQuality::Unusable, "starved");
    }

    #[test]
    fn a_weak_link_goes_to_photos_after_four_weak_seconds_of_five_a_cut_does_not() {
        let weak = |w: &mut WeakLinkWatch| w.observe(1.0, 85.0, 720);
        let poor = |w: &mut WeakLinkWatch| w.observe(10.0, 89.0, 720);
        let mut watch = WeakLinkWatch::default();
        assert_eq!((0..4).map(|_| weak(&mut watch)).collect::<Vec<_>>(), [false, false, false, true], "four in a row");
        assert_eq!((0..4).map(|_| weak(&mut watch)).collect::<Vec<_>>(), [false, false, false, true], "counted again");

        // As measured on the poor-edge profile: a burst of frames between frozen seconds.
        let mut watch = WeakLinkWatch::default();
        assert!(!weak(&mut watch) && !poor(&mut watch) && !weak(&mut watch) && !weak(&mut watch));
        assert!(weak(&mut watch), "four of the last five");

        let mut watch = WeakLinkWatch::default();
        for _ in 0..10 {
            assert!(!weak(&mut watch) & !poor(&mut watch), "every other second is not enough");
        }
        let mut watch = WeakLinkWatch::default();
        for _ in 0..3 {
            weak(&mut watch);
        }
        for _ in 0..10 {
            assert!(!watch.observe(0.0, 0.0, 0), "nothing at all arrives: a cut");
        }
        assert!(weak(&mut watch), "the weak seconds before the cut still count");
    }

    #[test]
    fn a_page_downloaded_at_edge_speed_means_photos_a_3g_one_does_not() {
        assert!(too_slow_for_video(190), "poor edge, as measured through the shaped link");
        assert!(!too_slow_for_video(700), "3G");
        assert!(!too_slow_for_video(9_000), "4G");
    }

    #[test]
    fn video_is_tried_again_less_and_less_often() {
        let waits: Vec<u32> = (0..6).map(video_retry_after_secs).collect();
        assert_eq!(waits, [30, 60, 120, 240, 240, 240]);
    }
}
