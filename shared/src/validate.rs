//! Input rules checked by the app before sending and by the server before storing.
//! Each returns the `field` name and an English message on failure.

/// Longest accepted password, in bytes: argon2 cost grows with input length, and
/// an unbounded password is a cheap denial of service.
pub const PASSWORD_MAX_BYTES: usize = 256;
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const EMAIL_MAX_BYTES: usize = 254;
pub const NAME_MAX_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: &'static str,
}

fn invalid(field: &'static str, message: &'static str) -> Invalid {
    Invalid { field, message }
}

/// Earliest and latest instants a period may name (2000-01-01 and 2100-01-01
/// UTC, in ms): past them a query is a mistake or a probe.
pub const PERIOD_MIN_MS: i64 = 946_684_800_000;
pub const PERIOD_MAX_MS: i64 = 4_102_444_800_000;

/// A period [from, to) asked of a list or an export: in order, between 2000
/// and 2100, and at most `max_ms` long. `too_long` says the limit in words.
pub fn period(from: i64, to: i64, max_ms: i64, too_long: &'static str) -> Result<(), Invalid> {
    let within = |t: i64| (PERIOD_MIN_MS..=PERIOD_MAX_MS).contains(&t);
    if !within(from) || !within(to) {
        return Err(invalid("from", "Ask for dates between the years 2000 and 2100."));
    }
    if to <= from || to - from > max_ms {
        return Err(invalid("to", too_long));
    }
    Ok(())
}

/// A deliberately simple address check: one `@`, something on each side, a dot in
/// the domain, no spaces. Deliverability is proven by sending, not by regexes.
/// A page of this site to go back to after signing in (`?next=`): a path, never
/// another site's address (`//host`, `/\host` for some browsers), and short.
pub fn local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && path.len() <= 512
}

pub fn email(value: &str) -> Result<(), Invalid> {
    let bad = || invalid("email", "Enter a valid e-mail address.");
    if value.is_empty() || value.len() > EMAIL_MAX_BYTES || value.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    if local.is_empty() || domain.contains('@') || !domain.contains('.') {
        return Err(bad());
    }
    if domain.starts_with('.') || domain.ends_with('.') {
        return Err(bad());
    }
    Ok(())
}

/// Addresses are compared case-insensitively: people type them every which way.
pub fn normalise_email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// Password for a new account.
pub fn new_password(value: &str) -> Result<(), Invalid> {
    if value.len() > PASSWORD_MAX_BYTES {
        return Err(invalid("password", "The password is too long (256 bytes at most)."));
    }
    if value.chars().count() < PASSWORD_MIN_CHARS {
        return Err(invalid("password", "The password must have at least 12 characters."));
    }
    Ok(())
}

/// A session-lock PIN: 4 to 8 digits, typed quickly on a tablet between two
/// residents. It only unlocks a session already opened with the password.
pub fn pin(value: &str) -> Result<(), Invalid> {
    if (4..=8).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(invalid("pin", "The PIN is 4 to 8 digits."))
    }
}

/// A person's or organisation's display name.
pub fn name(field: &'static str, value: &str) -> Result<(), Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "This field is required."));
    }
    if trimmed.chars().count() > NAME_MAX_CHARS || trimmed.chars().any(char::is_control) {
        return Err(invalid(field, "Use at most 100 characters, without control characters."));
    }
    Ok(())
}

/// Optional free text (a note, a reference): trimmed, empty means none, at most
/// `max` characters, no control characters but line breaks.
pub fn optional_text(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<String>, Invalid> {
    let value = value.map(str::trim).filter(|v| !v.is_empty());
    if value.is_some_and(|v| v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n')) {
        return Err(invalid(field, "This text is too long or contains control characters."));
    }
    Ok(value.map(str::to_owned))
}

/// Free text that must be there (a reason, a chat message).
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    optional_text(field, Some(value), max)?.ok_or_else(|| invalid(field, "This field is required."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_pages_are_gone_back_to() {
        assert!(local_path("/rx/RX-7K3M-9Q2P-XW4T-H8ZD"));
        for other in ["https://example.org/", "//example.org", "/\\example.org", "rx/1", ""] {
            assert!(!local_path(other), "{other}");
        }
        assert!(!local_path(&format!("/{}", "a".repeat(600))));
    }

    #[test]
    fn pins_are_four_to_eight_digits() {
        assert!(pin("4821").is_ok() && pin("12345678").is_ok());
        for bad in ["123", "123456789", "12a4", " 1234", "١٢٣٤"] {
            assert_eq!(pin(bad).unwrap_err().field, "pin", "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        assert!(email("dr.martin@samu54.fr").is_ok());
        for bad in ["", "no-at", "@x.fr", "a@b", "a b@c.fr", "a@@c.fr", "a@.fr", "a@c.fr."] {
            assert_eq!(email(bad).unwrap_err().field, "email", "{bad:?}");
        }
        assert!(email(&format!("{}@x.fr", "a".repeat(260))).is_err());
        assert_eq!(normalise_email("  Dr.Martin@SAMU54.fr "), "dr.martin@samu54.fr");
    }

    #[test]
    fn passwords() {
        assert!(new_password("correct horse battery").is_ok());
        assert!(new_password("short").is_err());
        // Twelve characters, counted as characters and not bytes.
        assert!(new_password("éééééééééééé").is_ok());
        assert!(new_password(&"x".repeat(PASSWORD_MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn free_texts() {
        assert_eq!(optional_text("note", Some("  a\nb "), 10), Ok(Some("a\nb".to_owned())));
        assert_eq!(optional_text("note", Some("   "), 10), Ok(None));
        assert_eq!(optional_text("note", None, 10), Ok(None));
        assert!(optional_text("note", Some("abcdefghijk"), 10).is_err());
        assert!(optional_text("note", Some("a\u{7}b"), 10).is_err());
        assert_eq!(required_text("reason", " x ", 10), Ok("x".to_owned()));
        assert_eq!(required_text("reason", "  ", 10).unwrap_err().field, "reason");
    }

    #[test]
    fn names() {
        assert!(name("name", "SAMU 54").is_ok());
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"x".repeat(101)).is_err());
        assert!(name("name", "bad\u{0}name").is_err());
    }
}
