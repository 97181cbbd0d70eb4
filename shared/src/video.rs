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
}
