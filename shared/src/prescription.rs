//! The e-prescription (ordonnance numérique): what a GP writes, the canonical
//! bytes the server signs, and what a pharmacist sees when verifying.

use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, required_text, Invalid};

pub const MAX_LINES: usize = 20;
pub const FIELD_MAX_CHARS: usize = 200;
pub const NOTE_MAX_CHARS: usize = 1000;
/// Prefix of the signed bytes: names the format so a signature over anything
/// else can never be taken for a prescription's.
pub const CANONICAL_PREFIX: &str = "regard-prescription-v1\n";

/// One medicine on the prescription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    pub medicine: String,
    /// e.g. "1 comprimé matin et soir".
    pub dosage: String,
    /// e.g. "3 mois".
    pub duration: String,
    /// e.g. "3 boîtes".
    pub quantity: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPrescription {
    pub lines: Vec<Line>,
}

/// Checks and tidies the lines (trimmed), or says which field is wrong.
pub fn validate_lines(lines: &[Line]) -> Result<Vec<Line>, Invalid> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(Invalid { field: "lines", message: "Write between 1 and 20 lines." });
    }
    lines
        .iter()
        .map(|l| {
            Ok(Line {
                medicine: required_text("medicine", &l.medicine, FIELD_MAX_CHARS)?,
                dosage: required_text("dosage", &l.dosage, FIELD_MAX_CHARS)?,
                duration: required_text("duration", &l.duration, FIELD_MAX_CHARS)?,
                quantity: required_text("quantity", &l.quantity, FIELD_MAX_CHARS)?,
                note: optional_text("note", Some(&l.note), NOTE_MAX_CHARS)?.unwrap_or_default(),
            })
        })
        .collect()
}

/// Everything the signature covers. Field order is fixed by this declaration,
/// and serde_json writes strings the same way every time, so the canonical
/// bytes are a pure function of the content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prescription {
    /// e.g. `RX-7K3M-9Q2P-XW4T-H8ZD`.
    pub id: String,
    /// Milliseconds since the Unix epoch.
    pub issued_at: i64,
    pub prescriber_name: String,
    pub prescriber_organisation: String,
    /// The prescriber's RPPS/ADELI number as an IDNPS (`national_id`), when
    /// their account has one. Left out of the signed bytes when absent, so
    /// the prescriptions signed before it existed still verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prescriber_national_id: Option<String>,
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub patient_birth_date: String,
    pub lines: Vec<Line>,
}

impl Prescription {
    /// The bytes that are signed and verified.
    pub fn canonical(&self) -> Vec<u8> {
        let body = serde_json::to_string(self).expect("a prescription serialises");
        format!("{CANONICAL_PREFIX}{body}").into_bytes()
    }
}

/// Crockford's base-32 alphabet: no I, L, O, U, so an identifier read aloud or
/// typed from paper is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `RX-XXXX-XXXX-XXXX-XXXX` from 10 random bytes (80 bits).
pub fn identifier(random: [u8; 10]) -> String {
    let mut bits: u128 = 0;
    for byte in random {
        bits = (bits << 8) | u128::from(byte);
    }
    let chars: Vec<char> = (0..16).rev().map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect();
    let groups: Vec<String> = chars.chunks(4).map(|c| c.iter().collect()).collect();
    format!("RX-{}", groups.join("-"))
}

/// Reads an identifier as a pharmacist may type it (lower case, spaces, O for
/// 0, I or L for 1), or `None` if it cannot be one.
pub fn parse_identifier(typed: &str) -> Option<String> {
    let cleaned: String = typed
        .trim()
        .to_ascii_uppercase()
        .trim_start_matches("RX")
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if cleaned.len() != 16 || !cleaned.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    let groups: Vec<&str> = (0..4).map(|i| &cleaned[i * 4..i * 4 + 4]).collect();
    Some(format!("RX-{}", groups.join("-")))
}

/// A prescription as its prescriber and patient see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrescriptionSummary {
    pub id: String,
    pub issued_at: i64,
    pub lines: usize,
    pub dispensed_at: Option<i64>,
}

/// What a pharmacist sees when checking a prescription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// Whether the stored content still matches its signature.
    pub signature_valid: bool,
    pub prescription: Prescription,
    pub dispensed_at: Option<i64>,
    /// The pharmacy that dispensed it.
    pub dispensed_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Prescription {
        Prescription {
            id: identifier([7; 10]),
            issued_at: 1_795_000_000_000,
            prescriber_name: "Dr Paul Durand".into(),
            prescriber_organisation: "Cabinet médical du Parc".into(),
            prescriber_national_id: None,
            patient_last_name: "Dupont".into(),
            patient_first_name: "Marie".into(),
            patient_birth_date: "1958-03-14".into(),
            lines: vec![Line {
                medicine: "Amlodipine 5 mg".into(),
                dosage: "1 comprimé le matin".into(),
                duration: "3 mois".into(),
                quantity: "3 boîtes".into(),
                note: String::new(),
            }],
        }
    }

    #[test]
    fn canonical_bytes_are_stable_and_cover_every_field() {
        let p = sample();
        assert_eq!(p.canonical(), sample().canonical());
        assert!(p.canonical().starts_with(CANONICAL_PREFIX.as_bytes()));
        let mut changed = sample();
        changed.lines[0].quantity = "30 boîtes".into();
        assert_ne!(changed.canonical(), p.canonical());
        let mut changed = sample();
        changed.patient_birth_date = "1958-03-15".into();
        assert_ne!(changed.canonical(), p.canonical());
        let mut changed = sample();
        changed.prescriber_national_id = Some("810005173140".into());
        assert_ne!(changed.canonical(), p.canonical());
    }

    #[test]
    fn content_signed_before_the_national_id_keeps_its_bytes() {
        // Stored before prescriptions carried the prescriber's RPPS: read back
        // and written again, the signed bytes are the same, so it verifies.
        let stored = serde_json::to_string(&sample()).unwrap();
        assert!(!stored.contains("prescriber_national_id"));
        let read: Prescription = serde_json::from_str(&stored).unwrap();
        assert_eq!(read.canonical(), sample().canonical());
        let mut with_rpps = sample();
        with_rpps.prescriber_national_id = Some("810005173140".into());
        let read: Prescription = serde_json::from_str(&serde_json::to_string(&with_rpps).unwrap()).unwrap();
        assert_eq!(read, with_rpps);
    }

    #[test]
    fn identifiers_are_typable_and_read_back() {
        let id = identifier([0xA5; 10]);
        assert_eq!(id.len(), "RX-XXXX-XXXX-XXXX-XXXX".len());
        assert!(id.starts_with("RX-"));
        assert_eq!(parse_identifier(&id), Some(id.clone()));
        assert_eq!(parse_identifier(&id.to_lowercase().replace('-', " ")), Some(id.clone()));
        assert_ne!(identifier([0; 10]), identifier([1; 10]));
        assert_eq!(parse_identifier("RX-O000-0000-0000-000L"), Some("RX-0000-0000-0000-0001".into()));
        assert_eq!(parse_identifier("RX-1234"), None);
        assert_eq!(parse_identifier("RX-UUUU-0000-0000-0000"), None);
    }

    #[test]
    fn lines_are_validated() {
        let line = sample().lines[0].clone();
        assert_eq!(validate_lines(std::slice::from_ref(&line)).unwrap()[0], line);
        assert_eq!(validate_lines(&[]).unwrap_err().field, "lines");
        let mut empty = line.clone();
        empty.dosage = " ".into();
        assert_eq!(validate_lines(&[empty]).unwrap_err().field, "dosage");
        assert_eq!(validate_lines(&vec![line; MAX_LINES + 1]).unwrap_err().field, "lines");
    }
}
