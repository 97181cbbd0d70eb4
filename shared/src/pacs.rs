//! A hospital's PACS reached through DICOMweb: the requesting site finds a
//! study (QIDO-RS) and attaches one of its series to a tele-expertise request;
//! the server fetches it (WADO-RS) and stores it as an uploaded series. The
//! browser never talks to the PACS, which is on the hospital's network.

use serde::{Deserialize, Serialize};

/// Longest search text (a name, a patient id or an accession number).
pub const SEARCH_MAX_CHARS: usize = 64;
/// Most studies one search lists: the newest first.
pub const STUDIES_MAX: usize = 50;

/// What the server says when the PACS does not answer, or answers nonsense
/// (field `pacs`); the app says it in the user's language.
pub const PACS_UNAVAILABLE: &str = "The PACS did not answer: try again, or send the files from the scanner's computer.";

/// The PACS the user's organisation is connected to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacsView {
    /// The PACS's host, to say where the images come from.
    pub host: String,
}

/// A study as the PACS lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacsStudy {
    pub uid: String,
    /// "FAMILY Given", from the DICOM person name.
    pub patient_name: String,
    pub patient_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// `YYYY-MM-DD` and `HH:MM`, the scanner's local time.
    pub date: Option<String>,
    pub time: Option<String>,
    pub description: Option<String>,
    pub modalities: Vec<String>,
    pub images: Option<u32>,
}

/// A series of a study.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacsSeries {
    pub uid: String,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub number: Option<i64>,
    pub images: Option<u32>,
}

/// The series to fetch from the PACS and store as an uploaded series.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PacsImport {
    pub study: String,
    pub series: String,
}

/// Whether `uid` is a DICOM UID (digits and dots, at most 64): anything else
/// would put other text in the PACS's URL.
pub fn is_uid(uid: &str) -> bool {
    !uid.is_empty() && uid.len() <= 64 && uid.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// A DICOM date (`YYYYMMDD`) as `YYYY-MM-DD`.
pub fn iso_date(dicom: &str) -> Option<String> {
    let d = dicom.trim();
    (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit())).then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
}

/// A DICOM time (`HHMMSS.frac`, or shorter) as `HH:MM`.
pub fn short_time(dicom: &str) -> Option<String> {
    let t = dicom.trim();
    (t.len() >= 4 && t.bytes().take(4).all(|b| b.is_ascii_digit())).then(|| format!("{}:{}", &t[..2], &t[2..4]))
}

/// A DICOM person name (`Family^Given^Middle^Prefix^Suffix`) as "Family Given".
pub fn person_name(dicom: &str) -> String {
    dicom.split('^').take(2).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dicom_values_read_as_people_write_them() {
        assert_eq!(iso_date("20261202"), Some("2026-12-02".to_owned()));
        assert_eq!(iso_date("2026-12"), None);
        assert_eq!(short_time("061502.123"), Some("06:15".to_owned()));
        assert_eq!(short_time("06"), None);
        assert_eq!(person_name("FANTOME^TETE"), "FANTOME TETE");
        assert_eq!(person_name("DUPONT^^^Dr"), "DUPONT");
    }

    #[test]
    fn only_uids_reach_the_pacs_url() {
        assert!(is_uid("1.2.826.0.1.3680043.2.1125.1"));
        assert!(!is_uid("1.2/../studies"));
        assert!(!is_uid(""));
        assert!(!is_uid(&"1".repeat(65)));
    }
}
