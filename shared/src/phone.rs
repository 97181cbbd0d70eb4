//! Phone numbers as regulators type them, normalised to E.164 for the SMS gateway.

/// Why a number was refused, for a precise message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneError {
    /// Not a phone number at all (letters, wrong length...).
    Invalid,
    /// A French number that is not a mobile (06/07): an SMS cannot reach it.
    NotMobile,
}

impl PhoneError {
    pub fn message(self) -> &'static str {
        match self {
            PhoneError::Invalid => "Enter a phone number such as 06 12 34 56 78, +33 6 12 34 56 78 or +447911123456.",
            PhoneError::NotMobile => "This French number is not a mobile (06 or 07): a text message cannot reach it.",
        }
    }
}

/// Mobiles of the overseas departments: dialled in France like any French
/// mobile (0690 12 34 56), but reached through their own country codes, which
/// an SMS gateway needs: (first digits after the 0, country code).
const OVERSEAS_MOBILES: [(&str, &str); 8] = [
    // Guadeloupe, Saint-Martin, Saint-Barthélemy
    ("690", "590"),
    ("691", "590"),
    // Guyane
    ("694", "594"),
    // Martinique
    ("696", "596"),
    ("697", "596"),
    // La Réunion
    ("692", "262"),
    ("693", "262"),
    // Mayotte
    ("639", "262"),
];

/// The country code of an overseas mobile's national digits (without the 0).
fn overseas(national: &str) -> Option<&'static str> {
    OVERSEAS_MOBILES.iter().find(|(prefix, _)| national.starts_with(prefix)).map(|(_, code)| *code)
}

/// Normalises `input` to E.164 (`+33612345678`). Accepts French national format
/// (`06 12 34 56 78`, with spaces, dots or dashes), `+33`/`0033` prefixes, and
/// international E.164 numbers. French numbers must be mobiles (06 or 07); the
/// overseas departments' mobiles (0690, 0692, 0639…) get their own country code
/// (`+590690…`, `+262692…`), even when typed with +33.
pub fn normalise(input: &str) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.len() > 32 {
        return Err(PhoneError::Invalid);
    }
    let mut digits = String::new();
    let mut plus = false;
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '.' | '-' | '(' | ')' | '\u{a0}' => {}
            _ => return Err(PhoneError::Invalid),
        }
    }
    let international = if plus {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if digits.len() == 10 && digits.starts_with('0') {
        format!("33{}", &digits[1..])
    } else {
        return Err(PhoneError::Invalid);
    };
    // "+33 (0)6 ..." is a common way of writing French numbers.
    let international = match international.strip_prefix("330") {
        Some(rest) if rest.len() == 9 => format!("33{rest}"),
        _ => international,
    };
    if let Some(national) = international.strip_prefix("33") {
        if national.len() != 9 {
            return Err(PhoneError::Invalid);
        }
        if !(national.starts_with('6') || national.starts_with('7')) {
            return Err(PhoneError::NotMobile);
        }
        if let Some(code) = overseas(national) {
            return Ok(format!("+{code}{national}"));
        }
    }
    if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return Err(PhoneError::Invalid);
    }
    Ok(format!("+{international}"))
}

/// `+33612345678` → `06 12 34 56 78`, and an overseas mobile as it is dialled
/// in France (`+262692123456` → `06 92 12 34 56`); other countries stay in E.164.
pub fn display(e164: &str) -> String {
    let national = e164.strip_prefix('+').and_then(|number| {
        let (code, national) = number.split_at_checked(number.len().checked_sub(9)?)?;
        let french = code == "33" || overseas(national) == Some(code);
        french.then_some(national)
    });
    match national {
        Some(national) => format!("0{national}")
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        None => e164.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_formats() {
        for input in [
            "06 12 34 56 78",
            "0612345678",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "+33 6 12 34 56 78",
            "+33612345678",
            "0033 6 12 34 56 78",
            "+33 (0)6 12 34 56 78",
            " 06 12 34 56 78 ",
        ] {
            assert_eq!(normalise(input), Ok("+33612345678".to_owned()), "{input:?}");
        }
        assert_eq!(normalise("07 98 76 54 32"), Ok("+33798765432".to_owned()));
    }

    #[test]
    fn international_e164() {
        assert_eq!(normalise("+447911123456"), Ok("+447911123456".to_owned()));
        assert_eq!(normalise("+32 470 12 34 56"), Ok("+32470123456".to_owned()));
    }

    #[test]
    fn refusals() {
        assert_eq!(normalise("01 23 45 67 89"), Err(PhoneError::NotMobile));
        assert_eq!(normalise("+33 1 23 45 67 89"), Err(PhoneError::NotMobile));
        for bad in [
            "",
            "hello",
            "06 12 34 56",
            "06 12 34 56 78 9",
            "612345678",
            "+33 6 12 34",
            "+1234567",
            "06 12 34 56 7a",
            "6+0612345678",
            "+0612345678",
        ] {
            assert_eq!(normalise(bad), Err(PhoneError::Invalid), "{bad:?}");
        }
        assert_eq!(normalise(&"6".repeat(40)), Err(PhoneError::Invalid));
    }

    #[test]
    fn overseas_mobiles_get_their_own_country_code() {
        for (typed, e164) in [
            ("0690 12 34 56", "+590690123456"),
            ("0691 12 34 56", "+590691123456"),
            ("0694 12 34 56", "+594694123456"),
            ("0696 12 34 56", "+596696123456"),
            ("0697 12 34 56", "+596697123456"),
            ("0692 12 34 56", "+262692123456"),
            ("0693 12 34 56", "+262693123456"),
            ("0639 12 34 56", "+262639123456"),
        ] {
            assert_eq!(normalise(typed), Ok(e164.to_owned()), "{typed}");
            // Typed with the mainland's code, as people do: still their own.
            let with_33 = format!("+33 {}", &typed[1..]);
            assert_eq!(normalise(&with_33), Ok(e164.to_owned()), "{with_33}");
            // Typed in E.164 already: kept.
            assert_eq!(normalise(e164), Ok(e164.to_owned()), "{e164}");
            assert_eq!(display(e164).replace(' ', ""), typed.replace(' ', ""), "{e164}");
        }
        // Mainland mobiles that merely look alike stay French.
        assert_eq!(normalise("06 95 12 34 56"), Ok("+33695123456".to_owned()));
        assert_eq!(normalise("06 38 12 34 56"), Ok("+33638123456".to_owned()));
        // An overseas landline is no mobile.
        assert_eq!(normalise("0590 12 34 56"), Err(PhoneError::NotMobile));
        // A Réunion number is not shown as French unless it is a mobile there.
        assert_eq!(display("+262262123456"), "+262262123456");
    }

    #[test]
    fn displays_french_numbers_in_pairs() {
        assert_eq!(display("+33612345678"), "06 12 34 56 78");
        assert_eq!(display("+447911123456"), "+447911123456");
    }
}
