//! DICOM files rendered to a PNG the expert's browser shows, so nobody needs a
//! DICOM viewer or has to download the original. Input is untrusted: the
//! header is checked before anything is parsed, image sizes are bounded before
//! pixels are decoded, and only the first frame is decoded.

use std::io::Cursor;
use std::sync::LazyLock;

use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, OpenFileOptions};
use dicom_pixeldata::PixelDecoder;
use image::DynamicImage;

use crate::gate::Gate;

/// Longest side of a preview: enough to zoom into a chest X-ray, small enough
/// to reach a phone quickly.
pub const PREVIEW_MAX_SIDE: u32 = 2048;
/// Pixels of a frame we accept to decode: 4096 × 4096, more than a digital
/// mammogram or chest X-ray. Decoding and rendering hold several copies of the
/// frame; this keeps one decode near 200 MiB at most, where a 7000 × 7000 file
/// took 430 MiB.
pub const FRAME_MAX_PIXELS: u64 = 4096 * 4096;
/// Decoded bytes of that frame: RGB at 16 bits.
const FRAME_MAX_BYTES: u64 = FRAME_MAX_PIXELS * 3 * 2;

/// DICOM files decoded at once (two) and waiting (four): bounds the memory
/// uploads can take together.
pub static DECODES: LazyLock<Gate> = LazyLock::new(|| Gate::new(2, 4));

pub struct Preview {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Modality and study or series description, as the file states them.
    pub description: Option<String>,
}

/// Whether `bytes` are a DICOM Part 10 file: a 128-byte preamble, then `DICM`.
pub fn is_dicom(bytes: &[u8]) -> bool {
    bytes.len() > 132 && &bytes[128..132] == b"DICM"
}

fn text(object: &DefaultDicomObject, tag: dicom_core::Tag) -> Option<String> {
    let value = object.element_opt(tag).ok().flatten()?.to_str().ok()?;
    let value = value.trim().trim_end_matches('\0').trim().to_owned();
    (!value.is_empty()).then_some(value)
}

fn number(object: &DefaultDicomObject, tag: dicom_core::Tag) -> Option<u64> {
    object.element_opt(tag).ok().flatten()?.to_int::<u64>().ok()
}

/// Renders the first frame of a DICOM file; the error says, in English, why it
/// cannot be shown.
pub fn preview(bytes: &[u8]) -> Result<Preview, &'static str> {
    if !is_dicom(bytes) {
        return Err("This file is not a DICOM file (no DICM header).");
    }
    let object =
        OpenFileOptions::new().from_reader(Cursor::new(bytes)).map_err(|_| "This DICOM file cannot be read.")?;
    let (rows, columns) = (number(&object, tags::ROWS), number(&object, tags::COLUMNS));
    let (Some(rows), Some(columns)) = (rows, columns) else {
        return Err("This DICOM file holds no image (a report or a structured document?).");
    };
    let samples = number(&object, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
    let bits = number(&object, tags::BITS_ALLOCATED).unwrap_or(16);
    let pixels = rows.saturating_mul(columns);
    if rows == 0 || columns == 0 || pixels > FRAME_MAX_PIXELS {
        return Err("This DICOM image is too large to preview (4096 × 4096 pixels at most).");
    }
    if pixels.saturating_mul(samples).saturating_mul(bits.div_ceil(8)) > FRAME_MAX_BYTES {
        return Err("This DICOM image is too large to preview.");
    }
    let frame = object.decode_pixel_data_frame(0).map_err(|_| "This DICOM image's encoding is not supported.")?;
    let image = frame.to_dynamic_image(0).map_err(|_| "This DICOM image's encoding is not supported.")?;
    let image = if image.width() > PREVIEW_MAX_SIDE || image.height() > PREVIEW_MAX_SIDE {
        image.resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        image
    };
    // Screens show 8 bits; the window/level of the file was applied by the decoder.
    let image = if image.color().has_color() {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        DynamicImage::ImageLuma8(image.to_luma8())
    };
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).map_err(|_| "This DICOM image cannot be rendered.")?;
    let modality = text(&object, tags::MODALITY);
    let about = text(&object, tags::SERIES_DESCRIPTION).or_else(|| text(&object, tags::STUDY_DESCRIPTION));
    let description = match (modality, about) {
        (Some(m), Some(a)) => Some(format!("{m} — {a}")),
        (m, a) => m.or(a),
    };
    Ok(Preview { png: png.into_inner(), width: image.width(), height: image.height(), description })
}
