//! Generates the `i18n` module from `locales/*.json` (the console's languages:
//! adding one is adding a file; French is the default), and the keys of the
//! patient's texts from `texts/fr.json` (see `src/texts.rs`), so that a key
//! that does not exist does not compile.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

const DEFAULT_LOCALE: &str = "fr";

/// The patient's texts: the caller's page's (`texts`, fetched one language at
/// a time) and the other patient pages' (`patient-texts`, built in).
const TEXT_DIRS: [&str; 2] = ["texts", "patient-texts"];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let mut french = Vec::new();
    for dir in TEXT_DIRS {
        println!("cargo::rerun-if-changed={dir}/fr.json");
        french.push(std::fs::read_to_string(format!("{dir}/fr.json"))?);
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?);
    std::fs::write(out_dir.join("text_keys.rs"), text_keys(&french)?)?;

    let mut others: Vec<String> = std::fs::read_dir("locales")?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| entry.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .filter(|locale| locale != DEFAULT_LOCALE)
        .collect();
    others.sort();

    // Interpolated strings must also be usable as plain strings (attributes, alerts).
    let options = ParseOptions::default().interpolate_display(true);
    let mut config = Config::new(DEFAULT_LOCALE)?.parse_options(options);
    for locale in &others {
        config = config.add_locale(locale)?;
    }
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out_dir.join("i18n"))?;
    Ok(())
}

/// `pub mod section { pub const key: Key = Key("section", "key"); }` for each
/// string of the French texts, which are sections of strings and no deeper; a
/// section lives in one file only.
fn text_keys(french: &[String]) -> Result<String, Box<dyn Error>> {
    let mut sections = std::collections::BTreeMap::new();
    for (file, dir) in french.iter().zip(TEXT_DIRS) {
        let parsed: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
            serde_json::from_str(file).map_err(|e| format!("{dir}/fr.json: sections of strings expected: {e}"))?;
        for (section, strings) in parsed {
            if sections.insert(section.clone(), strings).is_some() {
                return Err(format!("{dir}/fr.json: section {section} is also in another texts file").into());
            }
        }
    }
    let mut out = String::from("#[allow(non_upper_case_globals, dead_code)]\npub mod keys {\n");
    for (section, strings) in &sections {
        out += &format!("    pub mod {section} {{\n        use crate::texts::Key;\n");
        for key in strings.keys() {
            out += &format!("        pub const {key}: Key = Key(\"{section}\", \"{key}\");\n");
        }
        out += "    }\n";
    }
    out += "}\n";
    Ok(out)
}
