//! What a patient reads, in every patient language (`app/texts/*.json`; the
//! console's own words are the `i18n` module's, in French and English).
//!
//! The strings are data, not code: the caller's page downloads the one language
//! it shows (the server names it in the page and preloads it), so ten
//! languages weigh on a phone what one does; the whole app carries them all,
//! for its pages that work offline. A key is a constant generated from the
//! French file (build.rs): one that does not exist does not compile, and a
//! test of the shared crate checks that every language has every key.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::lang::Lang;

include!(concat!(env!("OUT_DIR"), "/text_keys.rs"));

/// One language's strings, by section then key (a B-tree: no hasher to carry,
/// 0.7 KB less on the caller's page).
pub type Dict = BTreeMap<String, BTreeMap<String, String>>;

/// Where a language's strings come from: fetched (the caller's page) or built
/// in (the whole app).
pub type Source = fn(Lang) -> Pin<Box<dyn Future<Output = Option<Dict>>>>;

#[derive(Clone, Copy, Debug)]
pub struct Key(pub &'static str, pub &'static str);

/// The page's language and its strings, changed together.
#[derive(Clone, Copy)]
pub struct Texts {
    lang: RwSignal<Lang>,
    dict: RwSignal<Dict>,
    source: StoredValue<Source>,
}

/// A string, tracked: `tx!(texts, caller.accept)`, or with its placeholders
/// filled: `tx!(texts, caller.clip_hint, seconds = 30)`.
macro_rules! tx {
    ($texts:expr, $section:ident . $key:ident) => {
        $texts.text($crate::texts::keys::$section::$key)
    };
    ($texts:expr, $section:ident . $key:ident, $($name:ident = $value:expr),+ $(,)?) => {
        $texts.fill($crate::texts::keys::$section::$key, &[$((stringify!($name), ($value).to_string())),+])
    };
}
pub(crate) use tx;

impl Texts {
    pub fn provide(lang: Lang, dict: Dict, source: Source) -> Texts {
        let texts = Texts { lang: RwSignal::new(lang), dict: RwSignal::new(dict), source: StoredValue::new(source) };
        provide_context(texts);
        texts
    }

    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    pub fn lang_untracked(self) -> Lang {
        self.lang.get_untracked()
    }

    pub fn text(self, key: Key) -> String {
        self.dict.with(|dict| dict.get(key.0).and_then(|section| section.get(key.1)).cloned().unwrap_or_default())
    }

    pub fn fill(self, key: Key, values: &[(&str, String)]) -> String {
        let values: Vec<(&str, &str)> = values.iter().map(|(name, value)| (*name, value.as_str())).collect();
        regard_shared::lang::fill(&self.text(key), &values)
    }

    /// Shows the page in `lang` once its strings are here; a language that
    /// cannot be loaded (offline) leaves the page as it is.
    pub fn choose(self, lang: Lang) {
        if lang == self.lang.get_untracked() {
            return;
        }
        let source = self.source.get_value();
        spawn_local(async move {
            if let Some(dict) = source(lang).await {
                self.dict.set(dict);
                self.lang.set(lang);
            }
        });
    }
}

pub fn use_texts() -> Texts {
    expect_context::<Texts>()
}

/// A name in Latin letters inside a right-to-left sentence, set apart (Unicode
/// isolates) so that its words and numbers keep their order.
pub fn isolated(lang: Lang, name: String) -> String {
    if lang.is_rtl() {
        format!("\u{2068}{name}\u{2069}")
    } else {
        name
    }
}

pub fn parse(json: &str) -> Option<Dict> {
    serde_json::from_str(json).ok()
}
