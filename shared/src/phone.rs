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

/// Normalises `input` to E.164 (`+33612345678`). Accepts French national format
/// (`06 12 34 56 78`, with spaces, dots or dashes), `+33`/`0033` prefixes, and
/// international E.164 numbers. French numbers must be mobiles (06 or 07).
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
    }
    if !(8..=15).contains(&international.len()) || international.starts_with('0') {
        return Err(PhoneError::Invalid);
    }
    Ok(format!("+{international}"))
}

/// `+33612345678` → `06 12 34 56 78`; other countries stay in E.164.
pub fn display(e164: &str) -> String {
    match e164.strip_prefix("+33") {
        Some(national) if national.len() == 9 => {
            let digits = format!("0{national}");
            digits
                .as_bytes()
                .chunks(2)
                .map(|pair| String::from_utf8_lossy(pair).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        }
        _ => e164.to_owned(),
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
    fn displays_french_numbers_in_pairs() {
        assert_eq!(display("+33612345678"), "06 12 34 56 78");
        assert_eq!(display("+447911123456"), "+447911123456");
    }
}
