//! The app's languages are complete: the console's (`app/locales/*.json`,
//! French and English) and the patient's (`app/texts/*.json`,
//! `app/patient-texts/*.json` and the messages of `server/texts/*.json`, every
//! language of `Lang::ALL`). Every key of the French file, the reference, is in every
//! other language, not empty, with the same placeholders (`{{ name }}`), and
//! no language has a key French has not. A page never falls back to French in
//! the middle of another language, and a sentence never loses the name or
//! number it was meant to carry.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regard_shared::lang::Lang;
use regard_shared::silent;
use serde_json::Value;

const REFERENCE: &str = "fr";

fn locales(dir: &str) -> BTreeMap<String, Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path: PathBuf| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            (name, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        })
        .collect()
}

/// Every string of a locale file by its dotted key (`pacs.search`). A plural's
/// forms (an object of `one`, `other`…) or a list count as strings under their key.
fn strings(value: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                strings(child, &path, out);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                strings(item, &format!("{prefix}[{n}]"), out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// The names of a string's placeholders: `{{ name }}` gives `name`.
fn placeholders(text: &str) -> BTreeSet<String> {
    text.split("{{").skip(1).filter_map(|part| part.split_once("}}")).map(|(name, _)| name.trim().to_owned()).collect()
}

#[test]
fn the_console_is_in_french_and_english() {
    let locales = locales("../app/locales");
    assert_eq!(locales.keys().collect::<Vec<_>>(), ["en", "fr"]);
    assert_complete(&locales);
}

#[test]
fn what_a_patient_reads_is_in_every_patient_language() {
    // The pages' texts, then the messages the server sends.
    for dir in ["../app/texts", "../app/patient-texts", "../server/texts"] {
        let locales = locales(dir);
        let expected: BTreeSet<&str> = Lang::ALL.iter().map(|lang| lang.code()).collect();
        assert_eq!(locales.keys().map(String::as_str).collect::<BTreeSet<_>>(), expected, "{dir}");
        assert_complete(&locales);
    }
}

/// The silent chat's ready phrases in every language are the ones the console
/// offers, and so are its answers (the caller's page has the same words on its buttons).
#[test]
fn the_silent_chat_has_every_phrase_and_answer_in_every_language() {
    let server = locales("../server/texts");
    let app = locales("../app/texts");
    let offered: BTreeSet<String> = silent::phrase_keys().map(str::to_owned).collect();
    let answers: BTreeSet<String> = silent::ANSWERS.into_iter().map(str::to_owned).collect();
    for lang in Lang::ALL {
        let texts = &server[lang.code()];
        let keys = |section: &str| texts[section].as_object().unwrap().keys().cloned().collect::<BTreeSet<_>>();
        assert_eq!(keys("phrases"), offered, "{lang:?}");
        assert_eq!(keys("answers"), answers, "{lang:?}");
        // The caller's buttons say what the server records and the regulator reads.
        assert_eq!(
            app[lang.code()]["answers"],
            texts["answers"],
            "{lang:?}: the app's answers differ from the server's"
        );
    }
}

fn assert_complete(locales: &BTreeMap<String, Value>) {
    let mut reference = BTreeMap::new();
    strings(&locales[REFERENCE], "", &mut reference);
    assert!(!reference.is_empty(), "the French file was read");
    let mut problems = Vec::new();
    for (language, value) in locales {
        let mut found = BTreeMap::new();
        strings(value, "", &mut found);
        for (key, french) in &reference {
            match found.get(key) {
                None => problems.push(format!("{language}: {key} is missing")),
                Some(text) if text.trim().is_empty() => problems.push(format!("{language}: {key} is empty")),
                Some(text) if placeholders(text) != placeholders(french) => problems.push(format!(
                    "{language}: {key} has placeholders {:?}, French has {:?}",
                    placeholders(text),
                    placeholders(french)
                )),
                Some(_) => {}
            }
        }
        problems.extend(
            found.keys().filter(|k| !reference.contains_key(*k)).map(|k| format!("{language}: {k} is not in French")),
        );
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn placeholders_are_read_by_name() {
    assert_eq!(placeholders("Coupe {{ number }} sur {{count}}"), BTreeSet::from(["number".into(), "count".into()]));
    assert!(placeholders("Aucun").is_empty());
}
