//! Generates the `i18n` module from `locales/*.json`. Every file there is a
//! language: adding one is adding a file. French is the default.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

const DEFAULT_LOCALE: &str = "fr";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");

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
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?).join("i18n");
    translations.generate_i18n_module(out)?;
    Ok(())
}
