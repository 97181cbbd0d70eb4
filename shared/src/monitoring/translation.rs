//! A protocol's words in the patient's language, the FHIR R4 way: a string
//! (`text`, `title`, an option's `display`) carries its translations in the
//! `translation` extension of its primitive element (`_text`, `_title`,
//! `_display`), each a `lang` and a `content`. The string itself is French:
//! what the clinician reads, and what a patient reads when a translation is
//! missing.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::questionnaire::Questionnaire;
use super::{error, ProtocolError};
use crate::lang::Lang;

pub const TRANSLATION_URL: &str = "http://hl7.org/fhir/StructureDefinition/translation";

/// Longest translation, in characters (a question, an option, a title).
pub const TRANSLATION_MAX_CHARS: usize = 500;

/// The extensions of a primitive value (FHIR's `_text` beside `text`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Element {
    #[serde(default)]
    pub extension: Vec<Translation>,
}

/// One `translation` extension: its `lang` and `content` sub-extensions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Translation {
    pub url: String,
    #[serde(default)]
    pub extension: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Part {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_string: Option<String>,
}

impl Translation {
    fn part(&self, name: &str) -> Option<&Part> {
        self.extension.iter().find(|p| p.url == name)
    }

    fn lang(&self) -> Option<&str> {
        self.part("lang")?.value_code.as_deref()
    }

    fn content(&self) -> Option<&str> {
        self.part("content")?.value_string.as_deref()
    }

    /// A translation of `content` into `lang`, as a protocol file writes it.
    pub fn new(lang: Lang, content: &str) -> Translation {
        let part = |url: &str, code: Option<&str>, string: Option<&str>| Part {
            url: url.to_owned(),
            value_code: code.map(str::to_owned),
            value_string: string.map(str::to_owned),
        };
        Translation {
            url: TRANSLATION_URL.to_owned(),
            extension: vec![part("lang", Some(lang.code()), None), part("content", None, Some(content))],
        }
    }
}

impl Element {
    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.extension.iter().filter(|t| t.url == TRANSLATION_URL).find(|t| t.lang() == Some(lang.code()))?.content()
    }

    /// Each extension a translation into one of Regard's patient languages
    /// other than French (the string itself), once per language, not empty.
    pub fn check(&self, path: &str) -> Result<(), ProtocolError> {
        let mut seen = HashSet::new();
        for (i, translation) in self.extension.iter().enumerate() {
            let at = format!("{path}.extension[{i}]");
            if translation.url != TRANSLATION_URL {
                return Err(error(format!("{at}.url"), format!("only translations ({TRANSLATION_URL}) are read here")));
            }
            let lang = translation.lang().unwrap_or_default();
            let codes: Vec<&str> = Lang::ALL[1..].iter().map(|l| l.code()).collect();
            if !codes.contains(&lang) {
                return Err(error(
                    format!("{at}.lang"),
                    format!("use one of {} (the text itself is French)", codes.join(", ")),
                ));
            }
            if !seen.insert(lang) {
                return Err(error(format!("{at}.lang"), "one translation per language"));
            }
            let content = translation.content().unwrap_or_default();
            if content.trim().is_empty() || content.chars().count() > TRANSLATION_MAX_CHARS {
                return Err(error(
                    format!("{at}.content"),
                    format!("a translation is 1 to {TRANSLATION_MAX_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }
}

/// `text` in `lang`: its translation, else the French text itself.
pub fn translated<'a>(text: &'a str, element: Option<&'a Element>, lang: Lang) -> &'a str {
    element.and_then(|e| e.get(lang)).unwrap_or(text)
}

impl Questionnaire {
    /// Every string a patient reads with its translations: the title, then
    /// each question and each of its options.
    fn strings(&self) -> impl Iterator<Item = (String, Option<&Element>)> {
        let title = std::iter::once(("questionnaire._title".to_owned(), self.title_element.as_ref()));
        let items = self.item.iter().enumerate().flat_map(|(i, item)| {
            let question = std::iter::once((format!("questionnaire.item[{i}]._text"), item.text_element.as_ref()));
            let options = item.answer_option.iter().enumerate().map(move |(j, option)| {
                (
                    format!("questionnaire.item[{i}].answerOption[{j}].valueCoding._display"),
                    option.value_coding.display_element.as_ref(),
                )
            });
            question.chain(options)
        });
        title.chain(items)
    }

    pub fn check_translations(&self) -> Result<(), ProtocolError> {
        self.strings().filter_map(|(path, element)| Some((path, element?))).try_for_each(|(path, e)| e.check(&path))
    }

    /// The languages a patient can read the whole questionnaire in.
    pub fn languages(&self) -> Vec<Lang> {
        Lang::ALL
            .into_iter()
            .filter(|&lang| lang == Lang::Fr || self.strings().all(|(_, e)| e.and_then(|e| e.get(lang)).is_some()))
            .collect()
    }

    /// The questionnaire as a patient reading `lang` sees it: each string in
    /// `lang` where translated, French otherwise, and no translations left.
    pub fn in_language(&self, lang: Lang) -> Questionnaire {
        let mut shown = self.clone();
        shown.title = translated(&self.title, self.title_element.as_ref(), lang).to_owned();
        shown.title_element = None;
        for item in &mut shown.item {
            item.text = translated(&item.text, item.text_element.as_ref(), lang).to_owned();
            item.text_element = None;
            for option in &mut item.answer_option {
                let coding = &mut option.value_coding;
                coding.display = translated(&coding.display, coding.display_element.as_ref(), lang).to_owned();
                coding.display_element = None;
            }
        }
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::Protocol;

    fn protocol(text_element: &str) -> Result<Protocol, ProtocolError> {
        Protocol::parse(&format!(
            r#"{{"id": "t", "version": 1, "title": "T",
              "questionnaire": {{"resourceType": "Questionnaire", "id": "t", "title": "Suivi",
                "_title": {{"extension": [{{"url": "{TRANSLATION_URL}", "extension": [
                  {{"url": "lang", "valueCode": "pt"}}, {{"url": "content", "valueString": "Acompanhamento"}}]}}]}},
                "item": [{{"linkId": "cough", "text": "Toussez-vous ?", "_text": {text_element}, "type": "choice",
                  "answerOption": [{{"valueCoding": {{"code": "no", "display": "Non", "_display": {{"extension": [
                    {{"url": "{TRANSLATION_URL}", "extension": [{{"url": "lang", "valueCode": "pt"}}, {{"url": "content", "valueString": "Não"}}]}}]}}}}}}]}}]}},
              "schedule": {{"days": [1], "time": "09:00"}}, "alerts": []}}"#
        ))
    }

    fn element(parts: &[(&str, &str)]) -> String {
        let translations: Vec<String> = parts
            .iter()
            .map(|(lang, content)| {
                format!(
                    r#"{{"url": "{TRANSLATION_URL}", "extension": [{{"url": "lang", "valueCode": "{lang}"}}, {{"url": "content", "valueString": "{content}"}}]}}"#
                )
            })
            .collect();
        format!(r#"{{"extension": [{}]}}"#, translations.join(","))
    }

    #[test]
    fn a_patient_reads_their_language_and_french_where_a_translation_is_missing() {
        let protocol = protocol(&element(&[("pt", "Tem tosse?"), ("ar", "هل تسعل؟")])).unwrap();
        let questionnaire = &protocol.questionnaire;
        let portuguese = questionnaire.in_language(Lang::Pt);
        assert_eq!((portuguese.title.as_str(), portuguese.item[0].text.as_str()), ("Acompanhamento", "Tem tosse?"));
        assert_eq!(portuguese.item[0].answer_option[0].value_coding.display, "Não");
        let arabic = questionnaire.in_language(Lang::Ar);
        assert_eq!((arabic.title.as_str(), arabic.item[0].text.as_str()), ("Suivi", "هل تسعل؟"));
        assert_eq!(arabic.item[0].answer_option[0].value_coding.display, "Non");
        // What the phone receives carries no translations any more.
        let json = serde_json::to_string(&portuguese).unwrap();
        assert!(!json.contains("_text") && !json.contains(TRANSLATION_URL), "{json}");
        assert_eq!(questionnaire.languages(), [Lang::Fr, Lang::Pt]);
    }

    #[test]
    fn translations_are_checked_on_import() {
        let fails = |parts: &[(&str, &str)]| protocol(&element(parts)).unwrap_err();
        let de = fails(&[("de", "Husten Sie?")]);
        assert_eq!(de.path, "questionnaire.item[0]._text.extension[0].lang");
        assert!(de.message.contains("pt"), "{}", de.message);
        assert_eq!(fails(&[("fr", "Toussez-vous ?")]).path, "questionnaire.item[0]._text.extension[0].lang");
        assert_eq!(
            fails(&[("pt", "Tem tosse?"), ("pt", "Tosse?")]).path,
            "questionnaire.item[0]._text.extension[1].lang"
        );
        assert_eq!(fails(&[("pt", " ")]).path, "questionnaire.item[0]._text.extension[0].content");
        let long = "a".repeat(TRANSLATION_MAX_CHARS + 1);
        assert_eq!(fails(&[("pt", &long)]).path, "questionnaire.item[0]._text.extension[0].content");
        let other = r#"{"extension": [{"url": "http://example.org/x", "extension": []}]}"#;
        assert_eq!(protocol(other).unwrap_err().path, "questionnaire.item[0]._text.extension[0].url");
    }
}
