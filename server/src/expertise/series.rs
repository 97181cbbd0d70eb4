//! A CT or MR series sent as several DICOM files (or a zip of them), put in
//! slice order and decoded once into 16-bit slices the viewer windows itself.
//!
//! Why the browser applies the window, not the server: a slice of 512 × 512
//! values is 512 KiB raw (about half compressed) and is fetched once; switching
//! from the brain to the stroke window then redraws it at once, where slices
//! rendered by the server would all be fetched again for every window
//! (BENCHMARKS.md has the figures). Input is untrusted: sizes are checked
//! before pixels are decoded, and a zip is read with its sizes bounded.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, OpenFileOptions};
use dicom_pixeldata::PixelDecoder;
use regard_shared::imaging::{
    Preset, MIXED_SERIES, NOT_A_SERIES, SAME_SLICE_TWICE, SERIES_MAX_BYTES, SERIES_MAX_SLICES, SLICE_MAX_SIDE,
    TOO_FEW_SLICES, UNEVEN_SLICES, UNORDERED_SLICES,
};

use super::dicom::is_dicom;

/// A series in slice order, ready to store.
pub struct Series {
    pub rows: u32,
    pub columns: u32,
    /// Each slice's values, little-endian `i16`, row by row.
    pub slices: Vec<Vec<u8>>,
    /// The DICOM files as sent, in slice order, zipped: the original a
    /// specialist may download.
    pub original: Vec<u8>,
    /// The middle slice in the brain window: the series' thumbnail.
    pub preview: Vec<u8>,
    pub description: Option<String>,
    /// The study's description ("Scanner cérébral"), to name a series fetched from a PACS.
    pub study: Option<String>,
}

/// Where a slice lies, as its file states it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placement {
    pub series: String,
    pub instance: Option<i64>,
    pub position: Option<[f64; 3]>,
    pub orientation: Option<[f64; 6]>,
}

/// The order of the slices (indices into `placements`), from their positions
/// along the slice normal, or else their instance numbers; refused in words
/// when the files are not one series or nothing says their order.
pub fn order(placements: &[Placement]) -> Result<Vec<usize>, &'static str> {
    if placements.len() < 2 {
        return Err(TOO_FEW_SLICES);
    }
    if placements.iter().map(|p| &p.series).collect::<BTreeSet<_>>().len() > 1 {
        return Err(MIXED_SERIES);
    }
    let mut indices: Vec<usize> = (0..placements.len()).collect();
    let along_normal: Option<Vec<f64>> = placements
        .iter()
        .map(|p| {
            let (position, o) = (p.position?, p.orientation?);
            let normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
            Some(position.iter().zip(normal).map(|(a, b)| a * b).sum())
        })
        .collect();
    if let Some(depth) = along_normal {
        indices.sort_by(|a, b| depth[*a].total_cmp(&depth[*b]));
        if indices.windows(2).any(|pair| (depth[pair[1]] - depth[pair[0]]).abs() < 1e-3) {
            return Err(SAME_SLICE_TWICE);
        }
        return Ok(indices);
    }
    let Some(numbers) = placements.iter().map(|p| p.instance).collect::<Option<Vec<i64>>>() else {
        return Err(UNORDERED_SLICES);
    };
    indices.sort_by_key(|i| numbers[*i]);
    if indices.windows(2).any(|pair| numbers[pair[0]] == numbers[pair[1]]) {
        return Err(SAME_SLICE_TWICE);
    }
    Ok(indices)
}

/// The boundary of a multipart body whose type is `kind` (`multipart/mixed`,
/// `multipart/related`), from its `Content-Type`.
pub fn boundary(content_type: &str, kind: &str) -> Option<String> {
    let mut params = content_type.split(';');
    if !params.next()?.trim().eq_ignore_ascii_case(kind) {
        return None;
    }
    let boundary = params.find_map(|p| p.trim().strip_prefix("boundary="))?.trim_matches('"');
    (!boundary.is_empty()).then(|| boundary.to_owned())
}

/// The DICOM files of an upload: each part is a DICOM file or a zip of them.
pub fn files_of(parts: Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, &'static str> {
    let mut files = Vec::new();
    for part in parts {
        if part.starts_with(b"PK\x03\x04") {
            unzip(&part, &mut files)?;
        } else if is_dicom(&part) {
            files.push(part);
        } else {
            return Err(NOT_A_SERIES);
        }
        if files.len() > SERIES_MAX_SLICES {
            return Err("This series has too many slices (1500 at most).");
        }
    }
    Ok(files)
}

/// Adds the DICOM files of a zip (any folder; other files, such as a
/// DICOMDIR's viewer, are skipped), never reading more than the upload limit.
fn unzip(bytes: &[u8], files: &mut Vec<Vec<u8>>) -> Result<(), &'static str> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| "This zip file cannot be read.")?;
    let mut total = 0usize;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|_| "This zip file cannot be read.")?;
        if entry.is_dir() {
            continue;
        }
        let mut content = Vec::new();
        // The declared size may lie: the read itself is bounded.
        let left = (SERIES_MAX_BYTES - total) as u64 + 1;
        entry.by_ref().take(left).read_to_end(&mut content).map_err(|_| "This zip file cannot be read.")?;
        total += content.len();
        if total > SERIES_MAX_BYTES {
            return Err("This series is too large once unzipped (400 MB at most).");
        }
        if is_dicom(&content) {
            files.push(content);
        }
        if files.len() > SERIES_MAX_SLICES {
            return Err("This series has too many slices (1500 at most).");
        }
    }
    Ok(())
}

fn text(object: &DefaultDicomObject, tag: dicom_core::Tag) -> Option<String> {
    let value = object.element_opt(tag).ok().flatten()?.to_str().ok()?;
    let value = value.trim().trim_end_matches('\0').trim().to_owned();
    (!value.is_empty()).then_some(value)
}

fn floats<const N: usize>(object: &DefaultDicomObject, tag: dicom_core::Tag) -> Option<[f64; N]> {
    object.element_opt(tag).ok().flatten()?.to_multi_float64().ok()?.try_into().ok()
}

struct Slice {
    placement: Placement,
    rows: u32,
    columns: u32,
    values: Vec<i16>,
    description: Option<String>,
    study: Option<String>,
}

fn read_slice(bytes: &[u8]) -> Result<Slice, &'static str> {
    let object = OpenFileOptions::new()
        .from_reader(Cursor::new(bytes))
        .map_err(|_| "A DICOM file of this series cannot be read.")?;
    let size = |tag| object.element_opt(tag).ok().flatten().and_then(|e| e.to_int::<u32>().ok());
    let (Some(rows), Some(columns)) = (size(tags::ROWS), size(tags::COLUMNS)) else {
        return Err("A file of this series holds no image.");
    };
    if rows == 0 || columns == 0 || rows > SLICE_MAX_SIDE || columns > SLICE_MAX_SIDE {
        return Err("The slices of this series are too large (1024 × 1024 at most).");
    }
    if size(tags::SAMPLES_PER_PIXEL).unwrap_or(1) != 1 {
        return Err("This series is in colour: send a CT or MR series.");
    }
    let unreadable = "A slice of this series uses an encoding that cannot be read.";
    let decoded = object.decode_pixel_data_frame(0).map_err(|_| unreadable)?;
    // The scanner's rescale (slope, intercept) is applied: CT values are then
    // Hounsfield units, which the windows are written in.
    let values: Vec<i16> = decoded.to_vec_frame(0).map_err(|_| unreadable)?;
    if values.len() != (rows * columns) as usize {
        return Err(unreadable);
    }
    let placement = Placement {
        series: text(&object, tags::SERIES_INSTANCE_UID).unwrap_or_default(),
        instance: object.element_opt(tags::INSTANCE_NUMBER).ok().flatten().and_then(|e| e.to_int::<i64>().ok()),
        position: floats(&object, tags::IMAGE_POSITION_PATIENT),
        orientation: floats(&object, tags::IMAGE_ORIENTATION_PATIENT),
    };
    let modality = text(&object, tags::MODALITY);
    let about = text(&object, tags::SERIES_DESCRIPTION).or_else(|| text(&object, tags::STUDY_DESCRIPTION));
    let description = match (modality, about) {
        (Some(m), Some(a)) => Some(format!("{m} — {a}")),
        (m, a) => m.or(a),
    };
    let study = text(&object, tags::STUDY_DESCRIPTION);
    Ok(Slice { placement, rows, columns, values, description, study })
}

/// Reads, orders and decodes a series: CPU and memory on untrusted input, to
/// run off the async threads behind `dicom::DECODES`.
pub fn assemble(files: Vec<Vec<u8>>) -> Result<Series, &'static str> {
    let slices = files.iter().map(|f| read_slice(f)).collect::<Result<Vec<_>, _>>()?;
    let placements: Vec<Placement> = slices.iter().map(|s| s.placement.clone()).collect();
    let order = order(&placements)?;
    let (rows, columns) = (slices[0].rows, slices[0].columns);
    if slices.iter().any(|s| (s.rows, s.columns) != (rows, columns)) {
        return Err(UNEVEN_SLICES);
    }
    let middle = &slices[order[order.len() / 2]];
    let preview = thumbnail(&middle.values, rows, columns)?;
    let (description, study) = (middle.description.clone(), middle.study.clone());
    let original = zipped(&files, &order)?;
    let mut slices: Vec<Option<Slice>> = slices.into_iter().map(Some).collect();
    let slices = order
        .iter()
        .filter_map(|i| slices[*i].take())
        .map(|s| s.values.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    Ok(Series { rows, columns, slices, original, preview, description, study })
}

fn thumbnail(values: &[i16], rows: u32, columns: u32) -> Result<Vec<u8>, &'static str> {
    let window = Preset::Brain.window();
    let grey: Vec<u8> = values.iter().map(|v| window.gray(*v)).collect();
    let image = image::GrayImage::from_raw(columns, rows, grey).ok_or("This series cannot be rendered.")?;
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageFormat::Png).map_err(|_| "This series cannot be rendered.")?;
    Ok(png.into_inner())
}

/// The files in slice order as a zip (stored, not compressed: DICOM pixels
/// hardly compress and the zip is only a container).
fn zipped(files: &[Vec<u8>], order: &[usize]) -> Result<Vec<u8>, &'static str> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(false);
    for (n, i) in order.iter().enumerate() {
        zip.start_file(format!("{:04}.dcm", n + 1), options).map_err(|_| "This series cannot be stored.")?;
        zip.write_all(&files[*i]).map_err(|_| "This series cannot be stored.")?;
    }
    Ok(zip.finish().map_err(|_| "This series cannot be stored.")?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(series: &str, instance: Option<i64>, z: Option<f64>) -> Placement {
        Placement {
            series: series.to_owned(),
            instance,
            position: z.map(|z| [-125.0, -125.0, z]),
            orientation: z.map(|_| [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]),
        }
    }

    #[test]
    fn positions_order_the_slices_even_against_instance_numbers() {
        let slices = [at("a", Some(1), Some(30.0)), at("a", Some(2), Some(-10.0)), at("a", Some(3), Some(10.0))];
        assert_eq!(order(&slices), Ok(vec![1, 2, 0]));
    }

    #[test]
    fn instance_numbers_order_slices_without_positions() {
        let slices = [at("a", Some(3), None), at("a", Some(1), None), at("a", Some(2), None)];
        assert_eq!(order(&slices), Ok(vec![1, 2, 0]));
    }

    #[test]
    fn what_cannot_be_ordered_is_refused_in_words() {
        assert_eq!(order(&[at("a", Some(1), None), at("b", Some(2), None)]), Err(MIXED_SERIES));
        assert_eq!(order(&[at("a", None, None), at("a", Some(2), None)]), Err(UNORDERED_SLICES));
        assert_eq!(order(&[at("a", Some(1), Some(5.0)), at("a", Some(2), Some(5.0))]), Err(SAME_SLICE_TWICE));
        assert_eq!(order(&[at("a", Some(2), None), at("a", Some(2), None)]), Err(SAME_SLICE_TWICE));
        assert_eq!(order(&[at("a", Some(1), Some(5.0))]), Err(TOO_FEW_SLICES));
    }

    #[test]
    fn one_slice_without_a_position_falls_back_to_instance_numbers() {
        let slices = [at("a", Some(2), Some(30.0)), at("a", Some(1), None)];
        assert_eq!(order(&slices), Ok(vec![1, 0]));
    }
}
