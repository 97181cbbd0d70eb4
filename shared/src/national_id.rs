//! A clinician's national professional identifier, as the health directory
//! (RPPS, or ADELI for professions not yet in it) and Pro Santé Connect know
//! it. Stored and compared in its national form, the IDNPS that Pro Santé
//! Connect gives as `SubjectNameID`: `8` then the 11-digit RPPS number, or `0`
//! then the 9-character ADELI number.

/// The IDNPS of the number an administrator typed: 11 digits (RPPS, whose
/// last digit is a Luhn key, so a mistyped digit is caught), 9 characters
/// (ADELI: digits, or Corsica's 2A/2B first), or an IDNPS already. Spaces
/// and dots, as printed on a card, are ignored.
pub fn parse(typed: &str) -> Option<String> {
    let cleaned: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '.').map(|c| c.to_ascii_uppercase()).collect();
    match cleaned.len() {
        11 if is_rpps(&cleaned) => Some(format!("8{cleaned}")),
        9 if is_adeli(&cleaned) => Some(format!("0{cleaned}")),
        12 | 10 if from_idnps(&cleaned).is_some() => Some(cleaned),
        _ => None,
    }
}

/// What an IDNPS is, for a person: `RPPS 10005173140` or `ADELI 751234567`.
pub fn label(idnps: &str) -> String {
    match from_idnps(idnps) {
        Some((kind, number)) => format!("{kind} {number}"),
        None => idnps.to_owned(),
    }
}

/// The register and the number an IDNPS stands for.
fn from_idnps(idnps: &str) -> Option<(&'static str, &str)> {
    match (idnps.get(..1)?, idnps.get(1..)?) {
        ("8", rpps) if is_rpps(rpps) => Some(("RPPS", rpps)),
        ("0", adeli) if is_adeli(adeli) => Some(("ADELI", adeli)),
        _ => None,
    }
}

fn is_rpps(number: &str) -> bool {
    number.len() == 11 && number.bytes().all(|b| b.is_ascii_digit()) && luhn(number)
}

fn is_adeli(number: &str) -> bool {
    let (department, rest) = number.split_at(number.len().min(2));
    number.len() == 9
        && (department.bytes().all(|b| b.is_ascii_digit()) || department == "2A" || department == "2B")
        && rest.bytes().all(|b| b.is_ascii_digit())
}

/// The Luhn key: doubling every second digit from the right, the sum ends in 0.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match i % 2 {
                1 if d * 2 > 9 => d * 2 - 9,
                1 => d * 2,
                _ => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpps_numbers_as_typed() {
        assert_eq!(parse("10005173140").as_deref(), Some("810005173140"));
        assert_eq!(parse(" 100 051 731 40 ").as_deref(), Some("810005173140"));
        // Pro Santé Connect's test cards are RPPS numbers too.
        assert_eq!(parse("899700367917").as_deref(), Some("899700367917"));
        assert_eq!(label("810005173140"), "RPPS 10005173140");
    }

    #[test]
    fn a_mistyped_rpps_digit_is_caught() {
        assert_eq!(parse("10005173141"), None);
        assert_eq!(parse("10005137140"), None);
        assert_eq!(parse("810005173141"), None);
    }

    #[test]
    fn adeli_numbers() {
        assert_eq!(parse("751234567").as_deref(), Some("0751234567"));
        assert_eq!(parse("2a1234567").as_deref(), Some("02A1234567"));
        assert_eq!(label("02A1234567"), "ADELI 2A1234567");
        assert_eq!(parse("7512345A7"), None);
    }

    #[test]
    fn anything_else_is_refused() {
        for typed in ["", "1234", "abcdefghijk", "9810005173140", "910005173140", "١٠٠٠٥١٧٣١٤٠"] {
            assert_eq!(parse(typed), None, "{typed}");
        }
    }
}
