//! A synthetic head CT, written as real DICOM files: a skull, grey and white
//! matter, and an early ischaemic area only a narrow window shows, all changing
//! from slice to slice. For the demonstration, the tests and the viewer's
//! benchmark, where no patient's images may go.

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::{tags, uids};
use dicom_object::{FileMetaTableBuilder, InMemDicomObject};

/// Hounsfield units of the phantom's tissues.
const AIR: i16 = -1000;
const BONE: i16 = 1000;
const GREY_MATTER: i16 = 38;
const WHITE_MATTER: i16 = 28;
/// An early ischaemic area: 6 HU under the grey matter around it.
const ISCHAEMIA: i16 = 32;

/// The shapes of one slice: the head is an ellipsoid, so the slices near the
/// top and bottom are smaller; the ischaemic area drifts from slice to slice.
struct Shapes {
    centre: f64,
    radii: (f64, f64),
    lesion: (f64, f64, f64),
}

impl Shapes {
    fn of(z: usize, count: usize, size: f64) -> Shapes {
        let height = (2.0 * z as f64 / count as f64 - 1.0) * 0.95;
        let scale = (1.0 - height * height).sqrt();
        let centre = size / 2.0;
        let lesion = (centre + 0.15 * size + (z % 40) as f64, centre - 0.1 * size, (0.06 * size).powi(2));
        Shapes { centre, radii: (0.38 * size * scale, 0.46 * size * scale), lesion }
    }

    fn value(&self, x: f64, y: f64) -> i16 {
        let (dx, dy) = ((x - self.centre) / self.radii.0, (y - self.centre) / self.radii.1);
        let r = dx * dx + dy * dy;
        let (lx, ly, lr) = self.lesion;
        match r {
            r if r > 1.0 => AIR,
            r if r > 0.88 => BONE,
            _ if (x - lx) * (x - lx) + (y - ly) * (y - ly) < lr => ISCHAEMIA,
            r if r < 0.45 => WHITE_MATTER,
            _ => GREY_MATTER,
        }
    }
}

/// The value at (`x`, `y`) of slice `z` of `count`, on a `size` × `size` grid.
pub fn value(x: f64, y: f64, z: usize, count: usize, size: f64) -> i16 {
    Shapes::of(z, count, size).value(x, y)
}

/// A CT image file: `object`'s elements, the CT image class and `instance`'s
/// UID, and, when given, a 12-bit monochrome image of `columns` × `rows` stored
/// values (little-endian `u16`). Without one it is a report, not an image.
pub fn ct_file(mut object: InMemDicomObject, instance: &str, image: Option<(u16, u16, Vec<u8>)>) -> Vec<u8> {
    let mut put = |tag, vr, value: PrimitiveValue| object.put(DataElement::new(tag, vr, value));
    put(tags::SOP_CLASS_UID, VR::UI, uids::CT_IMAGE_STORAGE.into());
    put(tags::SOP_INSTANCE_UID, VR::UI, instance.into());
    put(tags::MODALITY, VR::CS, "CT".into());
    if let Some((columns, rows, pixels)) = image {
        put(tags::ROWS, VR::US, rows.into());
        put(tags::COLUMNS, VR::US, columns.into());
        put(tags::SAMPLES_PER_PIXEL, VR::US, 1u16.into());
        put(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME2".into());
        put(tags::BITS_ALLOCATED, VR::US, 16u16.into());
        put(tags::BITS_STORED, VR::US, 12u16.into());
        put(tags::HIGH_BIT, VR::US, 11u16.into());
        put(tags::PIXEL_REPRESENTATION, VR::US, 0u16.into());
        put(tags::PIXEL_DATA, VR::OW, PrimitiveValue::from(pixels));
    }
    let meta = FileMetaTableBuilder::new()
        .transfer_syntax(uids::EXPLICIT_VR_LITTLE_ENDIAN)
        .media_storage_sop_class_uid(uids::CT_IMAGE_STORAGE)
        .media_storage_sop_instance_uid(instance);
    let mut out = Vec::new();
    object.with_meta(meta).expect("a complete file meta group").write_all(&mut out).expect("writing to memory");
    out
}

/// The phantom patient's id in the hospital (IPP), as a PACS finds it.
pub const PATIENT_ID: &str = "8002417";

/// `count` slices of `size` × `size`, 1 mm apart, as DICOM files in slice
/// order: a patient scanned this morning (the study is dated today).
pub fn head_ct(count: usize, size: u16) -> Vec<Vec<u8>> {
    let series = "1.2.826.0.1.3680043.2.1125.1.2";
    let today = crate::db::in_paris(crate::db::now_ms()).format("%Y%m%d").to_string();
    (0..count)
        .map(|z| {
            let shapes = Shapes::of(z, count, f64::from(size));
            let mut pixels = Vec::with_capacity(usize::from(size) * usize::from(size) * 2);
            for y in 0..size {
                for x in 0..size {
                    // Stored as unsigned with the usual CT intercept of -1024.
                    let stored = (shapes.value(f64::from(x), f64::from(y)) + 1024) as u16;
                    pixels.extend_from_slice(&stored.to_le_bytes());
                }
            }
            let instance = format!("{series}.{}", z + 1);
            let mut object = InMemDicomObject::new_empty();
            let mut put = |tag, vr, value: PrimitiveValue| object.put(DataElement::new(tag, vr, value));
            put(tags::STUDY_INSTANCE_UID, VR::UI, "1.2.826.0.1.3680043.2.1125.1".into());
            put(tags::SERIES_INSTANCE_UID, VR::UI, series.into());
            put(tags::PATIENT_NAME, VR::PN, "FANTOME^TETE".into());
            put(tags::PATIENT_ID, VR::LO, PATIENT_ID.into());
            put(tags::PATIENT_BIRTH_DATE, VR::DA, "19480302".into());
            put(tags::ACCESSION_NUMBER, VR::SH, "ACC20261202".into());
            put(tags::STUDY_DATE, VR::DA, today.as_str().into());
            put(tags::STUDY_TIME, VR::TM, "061500".into());
            put(tags::STUDY_DESCRIPTION, VR::LO, "Scanner cerebral (fantome)".into());
            put(tags::SERIES_NUMBER, VR::IS, "2".into());
            put(tags::SERIES_DESCRIPTION, VR::LO, "Crane sans injection (fantome)".into());
            put(tags::INSTANCE_NUMBER, VR::IS, (z as i32 + 1).to_string().as_str().into());
            put(tags::IMAGE_POSITION_PATIENT, VR::DS, format!("-125\\-125\\{z}").as_str().into());
            put(tags::IMAGE_ORIENTATION_PATIENT, VR::DS, "1\\0\\0\\0\\1\\0".into());
            put(tags::RESCALE_INTERCEPT, VR::DS, "-1024".into());
            put(tags::RESCALE_SLOPE, VR::DS, "1".into());
            ct_file(object, &instance, Some((size, size, pixels)))
        })
        .collect()
}
