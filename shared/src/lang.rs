//! The languages a patient may read Regard in. The console is French and
//! English; every page and message a patient receives is in all of these: the
//! languages of most people born abroad who live in France (INSEE), and
//! Ukrainian and Russian for recent arrivals.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
    Ar,
    Pt,
    Es,
    It,
    Tr,
    Uk,
    Ru,
    Ro,
}

impl Lang {
    /// In the order a language list shows them: French first, then English,
    /// then by the number of people in France who read them.
    pub const ALL: [Lang; 10] =
        [Lang::Fr, Lang::En, Lang::Ar, Lang::Pt, Lang::Es, Lang::It, Lang::Tr, Lang::Uk, Lang::Ru, Lang::Ro];

    /// The BCP 47 primary language subtag, as in `lang="…"` and the file names.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Pt => "pt",
            Lang::Es => "es",
            Lang::It => "it",
            Lang::Tr => "tr",
            Lang::Uk => "uk",
            Lang::Ru => "ru",
            Lang::Ro => "ro",
        }
    }

    /// The language's name in itself, as a switcher lists it: someone who
    /// cannot read the page's language still finds their own.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
            Lang::Ar => "العربية",
            Lang::Pt => "Português",
            Lang::Es => "Español",
            Lang::It => "Italiano",
            Lang::Tr => "Türkçe",
            Lang::Uk => "Українська",
            Lang::Ru => "Русский",
            Lang::Ro => "Română",
        }
    }

    /// Arabic is written right to left: its pages are mirrored.
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// Reads a language tag (`ar`, `pt-BR`, `UK`): its primary subtag only.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL.into_iter().find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The first of an `Accept-Language` header's languages (by weight) that
    /// Regard has: what `navigator.languages` says, seen from the server.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .take(32)
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::from_tag(pieces.next()?)?;
                let weight = pieces.find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok()).unwrap_or(1.0);
                (weight > 0.0).then_some((weight, lang))
            })
            .collect();
        // A stable sort keeps the header's order among equal weights.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang)
    }
}

/// A function giving, for each language, the JSON file of that name in a
/// directory of the calling crate (`texts` gives `texts/fr.json`, …), built
/// into its binary: the app's pages and the server's messages share this.
#[macro_export]
macro_rules! language_files {
    ($dir:literal) => {
        |lang: $crate::lang::Lang| -> &'static str {
            use $crate::lang::Lang;
            match lang {
                Lang::Fr => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/fr.json")),
                Lang::En => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/en.json")),
                Lang::Ar => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/ar.json")),
                Lang::Pt => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/pt.json")),
                Lang::Es => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/es.json")),
                Lang::It => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/it.json")),
                Lang::Tr => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/tr.json")),
                Lang::Uk => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/uk.json")),
                Lang::Ru => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/ru.json")),
                Lang::Ro => include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/ro.json")),
            }
        }
    };
}

/// Fills a translated text's placeholders: each `{{ name }}` becomes its
/// value; an unknown name stays as it is, to be seen rather than lost.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else { break };
        let name = rest[start + 2..start + end].trim();
        out.push_str(&rest[..start]);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_by_name() {
        let values = [("seconds", "30"), ("name", "Dupont")];
        assert_eq!(fill("Encore {{ seconds }} s, {{name}}", &values), "Encore 30 s, Dupont");
        assert_eq!(fill("{{ missing }} et {{ seconds }}", &values), "{{ missing }} et 30");
        assert_eq!(fill("sans fin {{ seconds", &values), "sans fin {{ seconds");
        assert_eq!(fill("rien", &values), "rien");
    }

    #[test]
    fn tags_are_read_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("pt-BR"), Some(Lang::Pt));
        assert_eq!(Lang::from_tag("UK"), Some(Lang::Uk));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.code()), Some(lang));
            assert_eq!(serde_json::to_string(&lang).unwrap(), format!("\"{}\"", lang.code()));
        }
    }

    #[test]
    fn accept_language_gives_the_heaviest_language_regard_has() {
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,ar;q=0.8,en;q=0.7"), Some(Lang::Ar));
        assert_eq!(Lang::from_accept_language("en;q=0.5, uk"), Some(Lang::Uk));
        assert_eq!(Lang::from_accept_language("ro, ru"), Some(Lang::Ro));
        assert_eq!(Lang::from_accept_language("fr;q=0"), None);
        assert_eq!(Lang::from_accept_language("de, zh"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn only_arabic_is_right_to_left() {
        assert_eq!(Lang::ALL.iter().filter(|l| l.is_rtl()).collect::<Vec<_>>(), [&Lang::Ar]);
    }
}
