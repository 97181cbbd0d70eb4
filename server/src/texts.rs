//! What the server writes to patients (text messages and e-mails), in
//! every patient language (`server/texts/*.json`, checked complete by a test
//! of the shared crate). Built into the binary: a message never waits for a file.

use std::collections::HashMap;
use std::sync::LazyLock;

use regard_shared::lang::{fill, Lang};

type Dict = HashMap<String, HashMap<String, String>>;

static TEXTS: LazyLock<HashMap<Lang, Dict>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let dict = serde_json::from_str(source(lang)).expect("server/texts files are sections of strings");
            (lang, dict)
        })
        .collect()
});

fn source(lang: Lang) -> &'static str {
    regard_shared::language_files!("texts")(lang)
}

/// `section.key` in `lang`, its placeholders filled.
pub fn text(lang: Lang, section: &str, key: &str, values: &[(&str, &str)]) -> String {
    let found = TEXTS.get(&lang).and_then(|dict| dict.get(section)?.get(key));
    fill(found.map(String::as_str).unwrap_or_default(), values)
}

/// A moment as a patient reading `lang` writes it, in Paris time: the date
/// (day, month, year, with dots in Turkish, Ukrainian, Russian and Romanian)
/// and the time (24 hours).
pub fn date_and_time(lang: Lang, ms: i64) -> (String, String) {
    let at = crate::db::in_paris(ms);
    (at.format(&format!("%d{0}%m{0}%Y", separator(lang))).to_string(), at.format("%H:%M").to_string())
}

/// A calendar date (`1958-03-14`) as a reader of `lang` writes it
/// (`14/03/1958`, `14.03.1958`); anything else as it is.
pub fn calendar_date(lang: Lang, iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [year, month, day] if year.len() == 4 && month.len() == 2 && day.len() == 2 => {
            [day, month, year].join(separator(lang))
        }
        _ => iso.to_owned(),
    }
}

/// Dots in Turkish, Ukrainian, Russian and Romanian; slashes elsewhere.
fn separator(lang: Lang) -> &'static str {
    if matches!(lang, Lang::Tr | Lang::Uk | Lang::Ru | Lang::Ro) {
        "."
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_reads_and_fills_the_assist_message() {
        for lang in Lang::ALL {
            let sms = text(
                lang,
                "sms",
                "assist",
                &[("organisation", "SAMU 69"), ("url", "https://r.example/v/x"), ("minutes", "30")],
            );
            assert!(sms.starts_with("SAMU 69"), "{lang:?}: {sms}");
            assert!(
                sms.contains("https://r.example/v/x") && sms.contains("30") && !sms.contains("{{"),
                "{lang:?}: {sms}"
            );
        }
    }
}
