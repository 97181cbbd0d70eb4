//! The second factor's arithmetic: TOTP secrets and codes (RFC 6238: SHA-1,
//! six digits, 30-second steps, as every authenticator app reads them), the
//! otpauth:// URI and QR code that enrol a phone, and single-use recovery
//! codes. No storage here: `second_factor` keeps who used which step.

use qrcode::{Color, EcLevel, QrCode};
use rand::RngCore;
use regard_shared::account::QrCodeView;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

const STEP_SECS: u64 = 30;
/// A code from the step before or after is taken too: a phone's clock drifts.
const SKEW_STEPS: u8 = 1;
/// Recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// Crockford's base 32: no I, L, O or U to misread on paper.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// 160 random bits, base32 as apps show it (RFC 4226 recommends 160).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // A colon would split the label's issuer from its account: none in either.
    let account = account.replace(':', " ");
    TOTP::new(Algorithm::SHA1, 6, SKEW_STEPS, STEP_SECS, bytes, Some("Regard".to_owned()), account).ok()
}

/// The otpauth:// URI an authenticator app enrols from, named "Regard" and
/// the member's e-mail.
pub fn uri(secret: &str, account: &str) -> Option<String> {
    Some(totp(secret, account)?.get_url())
}

/// The time step a typed code belongs to at `now_ms`, if it is right: six
/// digits (spaces ignored) of this step or the next or previous one.
pub fn step_of(secret: &str, typed: &str, now_ms: i64) -> Option<i64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let now = u64::try_from(now_ms / 1000).ok()? / STEP_SECS;
    let steps = now.saturating_sub(SKEW_STEPS.into())..=now + u64::from(SKEW_STEPS);
    // Compared in constant time: a code is no password, but the same care costs nothing.
    let step = steps.into_iter().find(|step| {
        let expected = totp.generate(step * STEP_SECS);
        expected.len() == code.len() && expected.bytes().zip(code.bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    })?;
    i64::try_from(step).ok()
}

/// The QR code of the otpauth URI, as modules an SVG path draws.
pub fn qr_code(uri: &str) -> Option<QrCodeView> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).ok()?;
    let size = code.width();
    let path = code
        .to_colors()
        .into_iter()
        .enumerate()
        .filter(|(_, color)| *color == Color::Dark)
        .map(|(i, _)| format!("M{} {}h1v1h-1z", i % size, i / size))
        .collect();
    Some(QrCodeView { size: size as u32, path })
}

/// Ten codes of ten characters (50 random bits each), grouped by five.
pub fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// What is stored of a recovery code, from the code as written on paper
/// (case, dashes and spaces aside, O read as 0, I or L as 1); `None` for what
/// cannot be one.
pub fn recovery_hash(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if code.len() != 10 || !code.bytes().all(|b| ALPHABET.contains(&b)) {
        return None;
    }
    Some(Sha256::digest(code.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238's test secret ("12345678901234567890") and its SHA-1 vectors,
    /// cut to six digits.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_of_rfc_6238() {
        assert_eq!(step_of(RFC_SECRET, "287082", 59_000), Some(1));
        assert_eq!(step_of(RFC_SECRET, "081804", 1_111_111_109_000), Some(37_037_036));
        assert_eq!(step_of(RFC_SECRET, "050471", 1_111_111_111_000), Some(37_037_037));
        assert_eq!(step_of(RFC_SECRET, "005924", 1_234_567_890_000), Some(41_152_263));
    }

    #[test]
    fn a_step_either_side_and_no_further() {
        // 081804 is the code of step 37 037 036.
        assert_eq!(step_of(RFC_SECRET, "081 804", 37_037_037 * 30_000), Some(37_037_036));
        assert_eq!(step_of(RFC_SECRET, "081804", 37_037_035 * 30_000), Some(37_037_036));
        assert_eq!(step_of(RFC_SECRET, "081804", 37_037_038 * 30_000), None);
        for typed in ["", "08180", "0818045", "08180a", "０８１８０４"] {
            assert_eq!(step_of(RFC_SECRET, typed, 1_111_111_109_000), None, "{typed}");
        }
    }

    #[test]
    fn an_enrolment_reads_back() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let uri = uri(&secret, "dr.martin@samu54.fr").unwrap();
        assert!(uri.starts_with("otpauth://totp/Regard:dr.martin%40samu54.fr?"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")) && uri.contains("issuer=Regard"), "{uri}");
        let qr = qr_code(&uri).unwrap();
        assert!(qr.size >= 21 && qr.path.starts_with('M'));
    }

    #[test]
    fn recovery_codes_as_written_on_paper() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        let hash = recovery_hash(code).unwrap();
        assert_eq!(recovery_hash(&code.to_lowercase().replace('-', " ")), Some(hash.clone()));
        assert_eq!(recovery_hash("ABCDE-0O1IL"), recovery_hash("abcde 00111"));
        assert_eq!(recovery_hash("ABCDE-FGHJ"), None);
        assert_eq!(recovery_hash("ABCDE-FGHJU"), None);
        assert_ne!(codes[0], codes[1]);
    }
}
