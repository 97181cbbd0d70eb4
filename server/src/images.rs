//! Photos from patients and clinicians, checked before they are stored: the
//! type by content, the size in pixels read from the header (a 65-byte file may
//! announce 100 000 × 100 000 pixels, which every viewer would then try to
//! decode), and metadata removed. Phones write the GPS position, the device and
//! the time into EXIF; only the orientation is kept, so the photo still shows
//! upright. Nothing is decoded: headers and metadata are rewritten byte by byte.

use std::borrow::Cow;

use regard_shared::validate::Invalid;

use crate::blobs::sniff_image;
use crate::error::AppResult;

/// Longest side of an accepted photo, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// Most pixels an accepted photo may have: a 64-megapixel phone camera.
pub const MAX_PIXELS: u64 = 64_000_000;

/// A photo ready to store.
#[derive(Debug)]
pub struct Photo {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

fn unreadable(field: &'static str) -> Invalid {
    Invalid { field, message: "This image cannot be read." }
}

/// Checks an uploaded photo (JPEG, PNG or WebP) and strips its metadata;
/// `field` names the upload in the refusal.
pub fn photo(field: &'static str, bytes: &[u8]) -> AppResult<Photo> {
    let content_type = sniff_image(bytes).ok_or(Invalid { field, message: "Send a JPEG, PNG or WebP image." })?;
    let mut size = None;
    let stripped = match content_type {
        "image/jpeg" => jpeg(bytes, &mut size),
        "image/png" => png(bytes, &mut size),
        _ => webp(bytes, &mut size),
    };
    // The size is judged as soon as the header gives it: a file may announce a
    // giant image and stop right there.
    let (width, height) = size.ok_or(unreadable(field))?;
    if width == 0 || height == 0 {
        return Err(unreadable(field).into());
    }
    if width.max(height) > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Invalid {
            field: "dimensions",
            message: "This image has too many pixels (12,000 a side and 64 megapixels at most).",
        }
        .into());
    }
    let bytes = stripped.ok_or(unreadable(field))?;
    Ok(Photo { content_type, width, height, bytes })
}

/// A consultation document: images are checked and stripped like photos, a
/// PDF is kept as it is.
pub fn clean_document<'a>(content_type: &str, bytes: &'a [u8]) -> AppResult<Cow<'a, [u8]>> {
    if content_type == "application/pdf" {
        return Ok(Cow::Borrowed(bytes));
    }
    Ok(Cow::Owned(photo("document", bytes)?.bytes))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// JPEG: the size from the frame header; APP1 (EXIF, XMP), APP3–APP13, APP15,
/// comments and whatever follows the end of the image dropped; APP0 (JFIF),
/// APP2 (colour profile) and APP14 (Adobe colour transform) kept; the EXIF
/// orientation written back alone.
fn jpeg(b: &[u8], size: &mut Option<(u32, u32)>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xff {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xff => at += 1,
            0x01 | 0xd0..=0xd7 => {
                out.extend_from_slice(&b[at..at + 2]);
                at += 2;
            }
            0xd9 => {
                out.extend_from_slice(&b[at..at + 2]);
                break;
            }
            _ => {
                let length = usize::from(be16(b, at + 2)?);
                let segment = b.get(at..at + 2 + length)?;
                let payload = &segment[4..];
                let is_frame = matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc);
                if is_frame && size.is_none() {
                    *size = Some((u32::from(be16(payload, 3)?), u32::from(be16(payload, 1)?)));
                }
                match marker {
                    0xe1 => {
                        if let Some(orientation) = exif_orientation(payload).filter(|o| (2..=8).contains(o)) {
                            out.extend_from_slice(&orientation_segment(orientation));
                        }
                    }
                    0xe3..=0xed | 0xef | 0xfe => {}
                    _ => out.extend_from_slice(segment),
                }
                at += 2 + length;
                if marker == 0xda {
                    // Start of scan: the compressed data (and the further scans of
                    // a progressive JPEG) up to the end of the image, whose first
                    // FF D9 is the end: compressed data escapes every FF. What
                    // phones append after it (a second picture, a vendor trailer)
                    // may hold metadata again, and goes.
                    let end = b[at..].windows(2).position(|w| w == [0xff, 0xd9]).map_or(b.len(), |i| at + i + 2);
                    out.extend_from_slice(&b[at..end]);
                    break;
                }
            }
        }
    }
    size.map(|_| out)
}

/// The Orientation tag (0x0112) of IFD0 in an APP1 EXIF payload.
fn exif_orientation(payload: &[u8]) -> Option<u16> {
    let tiff = payload.strip_prefix(b"Exif\0\0")?;
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let raw: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if little { u16::from_le_bytes(raw) } else { u16::from_be_bytes(raw) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let raw: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little { u32::from_le_bytes(raw) } else { u32::from_be_bytes(raw) })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    (0..entries.min(512))
        .map(|i| ifd + 2 + 12 * i)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
}

/// An APP1 segment holding only an EXIF orientation.
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut segment = vec![0xff, 0xe1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// PNG: the size from IHDR; text, time and EXIF chunks dropped.
fn png(b: &[u8], size: &mut Option<(u32, u32)>) -> Option<Vec<u8>> {
    if b.get(12..16)? != b"IHDR" {
        return None;
    }
    *size = Some((be32(b, 16)?, be32(b, 20)?));
    let mut out = b[..8].to_vec();
    let mut at = 8;
    while at < b.len() {
        let length = usize::try_from(be32(b, at)?).ok()?;
        let chunk = b.get(at..at.checked_add(12 + length)?)?;
        if !matches!(&chunk[4..8], b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        at += chunk.len();
        if &chunk[4..8] == b"IEND" {
            break;
        }
    }
    Some(out)
}

/// WebP: the size from the VP8, VP8L or VP8X header; EXIF and XMP chunks
/// dropped and their flags cleared.
fn webp(b: &[u8], size: &mut Option<(u32, u32)>) -> Option<Vec<u8>> {
    let mut chunks = Vec::new();
    let mut at = 12;
    while at + 8 <= b.len() {
        let length = usize::try_from(le32(b, at + 4)?).ok()?;
        let data = b.get(at + 8..(at + 8).checked_add(length)?)?;
        // Chunks are padded to an even length; a writer may omit the last pad.
        let mut chunk = b[at..at + 8 + length].to_vec();
        chunk.resize(8 + length + (length & 1), 0);
        let fourcc = &b[at..at + 4];
        match fourcc {
            b"VP8X" => {
                let d = data.get(4..10)?;
                *size = Some((
                    u32::from_le_bytes([d[0], d[1], d[2], 0]) + 1,
                    u32::from_le_bytes([d[3], d[4], d[5], 0]) + 1,
                ));
                chunk[8] &= !0x0c;
                chunks.push(chunk);
            }
            b"VP8 " => {
                if size.is_none() {
                    let d = data.get(3..10)?;
                    if d[..3] != [0x9d, 0x01, 0x2a] {
                        return None;
                    }
                    let w = u32::from(u16::from_le_bytes([d[3], d[4]]) & 0x3fff);
                    let h = u32::from(u16::from_le_bytes([d[5], d[6]]) & 0x3fff);
                    *size = Some((w, h));
                }
                chunks.push(chunk);
            }
            b"VP8L" => {
                if size.is_none() {
                    if *data.first()? != 0x2f {
                        return None;
                    }
                    let bits = le32(data, 1)?;
                    *size = Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1));
                }
                chunks.push(chunk);
            }
            b"EXIF" | b"XMP " => {}
            _ => chunks.push(chunk),
        }
        at += 8 + length + (length & 1);
    }
    size.as_ref()?;
    let body: Vec<u8> = chunks.concat();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(4 + body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG with JFIF, an EXIF block holding a GPS position and an orientation,
    /// a comment, a frame header and a scan.
    fn phone_jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut exif = b"Exif\0\0II\x2a\0\x08\0\0\0\x02\0".to_vec();
        exif.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]); // orientation 6
        exif.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 0x26, 0, 0, 0]); // GPS IFD pointer
        exif.extend_from_slice(&[0, 0, 0, 0]);
        exif.extend_from_slice(b"48.6921N 6.1844E GPS position");
        let segment = |marker: u8, payload: &[u8]| {
            let mut s = vec![0xff, marker];
            s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            s.extend_from_slice(payload);
            s
        };
        let mut frame = vec![8];
        frame.extend_from_slice(&height.to_be_bytes());
        frame.extend_from_slice(&width.to_be_bytes());
        frame.extend_from_slice(&[1, 1, 0x11, 0]);
        [
            vec![0xff, 0xd8],
            segment(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"),
            segment(0xe1, &exif),
            segment(0xfe, b"taken by someone's phone"),
            segment(0xc0, &frame),
            segment(0xda, &[1, 1, 0, 0, 0x3f, 0]),
            vec![0x12, 0x34, 0xff, 0x00, 0x56],
            vec![0xff, 0xd9],
            // A vendor trailer after the image, with the position again.
            b"SEFT 48.6921N 6.1844E GPS position".to_vec(),
        ]
        .concat()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_its_gps_position_and_keeps_its_orientation() {
        let original = phone_jpeg(4000, 3000);
        let photo = photo("photo", &original).unwrap();
        assert_eq!((photo.width, photo.height, photo.content_type), (4000, 3000, "image/jpeg"));
        assert!(contains(&original, b"GPS position") && !contains(&photo.bytes, b"GPS position"));
        assert!(!contains(&photo.bytes, b"someone's phone"), "comments go too");
        assert!(contains(&photo.bytes, b"JFIF"), "the JFIF header stays");
        let app1 = photo.bytes.windows(2).position(|w| w == [0xff, 0xe1]).expect("an orientation block");
        assert_eq!(exif_orientation(&photo.bytes[app1 + 4..]), Some(6));
        assert!(
            photo.bytes.ends_with(&[0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9]),
            "the scan is untouched, the trailer gone"
        );
    }

    #[test]
    fn a_tiny_file_announcing_a_huge_image_is_refused() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&100_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(png.len() < 70);
        let refused = photo("photo", &png).unwrap_err();
        assert!(matches!(refused, crate::error::AppError::Validation(Invalid { field: "dimensions", .. })));
        // Judged from the header even when what follows it is broken.
        let broken = [png.as_slice(), &[0; 36]].concat();
        let refused = photo("photo", &broken).unwrap_err();
        assert!(matches!(refused, crate::error::AppError::Validation(Invalid { field: "dimensions", .. })));
        let wide = phone_jpeg(12_001, 10);
        assert!(photo("photo", &wide).is_err());
        assert!(photo("photo", &phone_jpeg(9_000, 7_200)).is_err(), "64.8 megapixels is too many");
        assert!(photo("photo", &phone_jpeg(8_000, 8_000)).is_ok());
        assert!(photo("photo", &[0xff, 0xd8, 0xff, 0xe0, 0, 0xff]).is_err(), "truncated");
    }

    #[test]
    fn png_text_chunks_go_and_webp_exif_goes_with_its_flag() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let png = [
            b"\x89PNG\r\n\x1a\n".to_vec(),
            chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 3, 8, 2, 0, 0, 0]),
            chunk(b"tEXt", b"Comment\0home address"),
            chunk(b"IDAT", b"pixels"),
            chunk(b"IEND", b""),
        ]
        .concat();
        let photo = photo("photo", &png).unwrap();
        assert_eq!((photo.width, photo.height), (2, 3));
        assert!(!contains(&photo.bytes, b"home address") && contains(&photo.bytes, b"pixels"));

        let riff = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&(data.len() as u32).to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let body = [
            riff(b"VP8X", &[0x08, 0, 0, 0, 99, 0, 0, 49, 0, 0]),
            riff(b"VP8L", &[0x2f, 0, 0, 0, 0]),
            riff(b"EXIF", b"GPS 48.69N"),
        ]
        .concat();
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
        webp.extend_from_slice(b"WEBP");
        webp.extend_from_slice(&body);
        let photo = super::photo("photo", &webp).unwrap();
        assert_eq!((photo.width, photo.height), (100, 50));
        assert!(!contains(&photo.bytes, b"GPS"));
        assert_eq!(photo.bytes[20] & 0x08, 0, "the EXIF flag is cleared");
        assert_eq!(le32(&photo.bytes, 4).unwrap() as usize, photo.bytes.len() - 8);
    }
}
