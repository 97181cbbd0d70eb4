//! A CT or MR series as the browser shows it: slices of Hounsfield units (or
//! the scanner's values) turned into grey levels through a window. The same
//! rule draws the viewer's canvas in the app and the series' thumbnail on the
//! server, so the two never disagree.

use serde::{Deserialize, Serialize};

/// Largest upload of one series (its DICOM files, or a zip of them): a 300-slice
/// head CT at 512 × 512 is about 160 MB.
pub const SERIES_MAX_BYTES: usize = 400 * 1024 * 1024;
/// Most slices in one series: a thin-slice whole-body CT stays under this.
pub const SERIES_MAX_SLICES: usize = 1500;
/// Largest slice: 1024 × 1024 covers CT and MR matrices.
pub const SLICE_MAX_SIDE: u32 = 1024;

/// Why a set of DICOM files is not one series the viewer can order. The server
/// refuses with one of these messages (field `series`); the app says it in the
/// user's language.
pub const MIXED_SERIES: &str = "These files mix several series: send one series at a time.";
pub const UNORDERED_SLICES: &str =
    "These files give neither slice positions nor instance numbers: their order cannot be known.";
pub const SAME_SLICE_TWICE: &str = "Two files of this series are the same slice.";
pub const UNEVEN_SLICES: &str = "The slices of this series are not all the same size.";
pub const TOO_FEW_SLICES: &str = "A series needs at least two slices: send a single image as a file.";
pub const NOT_A_SERIES: &str = "Send the DICOM files of one series, or a zip of them.";

/// What maps stored values to grey: values below `center - width / 2` are
/// black, above `center + width / 2` white, linear in between (DICOM's linear
/// VOI function, simplified to whole units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub center: i32,
    pub width: i32,
}

impl Window {
    /// The grey level of one value.
    pub fn gray(self, value: i16) -> u8 {
        let width = self.width.max(1);
        let low = self.center - width / 2;
        let offset = i32::from(value) - low;
        (offset.clamp(0, width) * 255 / width) as u8
    }
}

/// The windows a neurologist switches between on a head CT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Grey and white matter apart: W 80, L 40.
    Brain,
    /// Narrow, to see the subtle early ischaemic hypodensity: W 40, L 40.
    Stroke,
    /// Fractures and the skull: W 1800, L 400.
    Bone,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::Brain, Preset::Stroke, Preset::Bone];

    pub fn window(self) -> Window {
        match self {
            Preset::Brain => Window { center: 40, width: 80 },
            Preset::Stroke => Window { center: 40, width: 40 },
            Preset::Bone => Window { center: 400, width: 1800 },
        }
    }
}

/// One slice as the server sends it: little-endian 16-bit signed values, row
/// by row, the scanner's rescale already applied.
pub fn decode_slice(bytes: &[u8]) -> Vec<i16> {
    bytes.chunks_exact(2).map(|pair| i16::from_le_bytes([pair[0], pair[1]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_maps_its_edges_to_black_and_white() {
        let brain = Preset::Brain.window();
        assert_eq!(brain.gray(-1000), 0, "air");
        assert_eq!(brain.gray(0), 0, "the window's lower edge");
        assert_eq!(brain.gray(40), 127, "its centre");
        assert_eq!(brain.gray(80), 255, "its upper edge");
        assert_eq!(brain.gray(1000), 255, "bone");
    }

    #[test]
    fn the_stroke_window_separates_what_the_brain_window_blends() {
        // Grey matter (about 38 HU) and an early ischaemic area (about 30 HU).
        let (grey, ischaemic) = (38, 30);
        let brain = Preset::Brain.window();
        let stroke = Preset::Stroke.window();
        let gap = |w: Window| i32::from(w.gray(grey)) - i32::from(w.gray(ischaemic));
        assert!(2 * gap(stroke) > 3 * gap(brain), "stroke {} vs brain {}", gap(stroke), gap(brain));
    }

    #[test]
    fn a_zero_width_does_not_divide_by_zero() {
        assert_eq!(Window { center: 10, width: 0 }.gray(11), 255);
        assert_eq!(Window { center: 10, width: 0 }.gray(9), 0);
    }

    #[test]
    fn slices_decode_little_endian_signed() {
        assert_eq!(decode_slice(&[0x18, 0xfc, 0x28, 0x00, 0xff]), vec![-1000, 40]);
    }
}
