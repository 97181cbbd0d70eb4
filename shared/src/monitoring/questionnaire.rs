//! The questions of a follow-up protocol, as a FHIR R4 `Questionnaire`
//! resource restricted to a documented subset, and what a patient answers.
//!
//! Subset: items of type `boolean`, `choice` (with `answerOption.valueCoding`),
//! `integer` and `decimal` (bounds in the `minValue` / `maxValue` extensions,
//! unit in `questionnaire-unit`; a 0-10 scale is an integer from 0 to 10),
//! `string`, `text` and `attachment` (a photo); `required`; and `enableWhen`
//! (operators `exists`, `=`, `!=`, `>`, `<`, `>=`, `<=`) with `enableBehavior`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::translation::Element;

pub const MIN_VALUE_URL: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
pub const MAX_VALUE_URL: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
pub const UNIT_URL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Questionnaire {
    /// Always `Questionnaire`.
    pub resource_type: String,
    pub id: String,
    #[serde(default)]
    pub version: String,
    pub title: String,
    /// The title's translations (see `translation.rs`).
    #[serde(rename = "_title", default, skip_serializing_if = "Option::is_none")]
    pub title_element: Option<Element>,
    #[serde(default = "active")]
    pub status: String,
    pub item: Vec<Item>,
}

fn active() -> String {
    "active".to_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ItemType {
    Boolean,
    Choice,
    Integer,
    Decimal,
    String,
    Text,
    Attachment,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coding {
    pub code: String,
    #[serde(default)]
    pub display: String,
    /// The display's translations, for an option a patient reads.
    #[serde(rename = "_display", default, skip_serializing_if = "Option::is_none")]
    pub display_element: Option<Element>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    pub value_coding: Coding,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_decimal: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EnableWhen {
    /// The `linkId` of an earlier item.
    pub question: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_boolean: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_decimal: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_integer: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_coding: Option<Coding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub link_id: String,
    /// The question as the patient reads it ("Votre température").
    pub text: String,
    /// The question's translations (see `translation.rs`).
    #[serde(rename = "_text", default, skip_serializing_if = "Option::is_none")]
    pub text_element: Option<Element>,
    /// FHIR's `item.code`: what is measured, as a clinician names it
    /// (LOINC "Température corporelle"); titles the clinician's charts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    #[serde(rename = "type")]
    pub kind: ItemType,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enable_when: Vec<EnableWhen>,
    /// `all` (the default) or `any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_behavior: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

impl Item {
    fn extension(&self, url: &str) -> Option<&Extension> {
        self.extension.iter().find(|e| e.url == url)
    }

    fn bound(&self, url: &str) -> Option<f64> {
        self.extension(url).and_then(|e| e.value_decimal.or(e.value_integer.map(|i| i as f64)))
    }

    /// The allowed range of a number item, if it states one.
    pub fn range(&self) -> (Option<f64>, Option<f64>) {
        (self.bound(MIN_VALUE_URL), self.bound(MAX_VALUE_URL))
    }

    /// The item's name for clinicians: its code's display, else the patient's question.
    pub fn clinician_title(&self) -> &str {
        self.code.iter().map(|c| c.display.as_str()).find(|d| !d.is_empty()).unwrap_or(&self.text)
    }

    /// The unit shown after a number (`°C`, `%`).
    pub fn unit(&self) -> Option<&str> {
        self.extension(UNIT_URL).and_then(|e| e.value_coding.as_ref()).map(|c| c.display.as_str())
    }
}

/// One answer, typed as its item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Answer {
    Boolean(bool),
    /// The chosen option's code.
    Choice(String),
    Integer(i64),
    Decimal(f64),
    Text(String),
    /// The id of the stored photo.
    Attachment(String),
}

impl Answer {
    /// The answer as a number, for thresholds and charts.
    pub fn number(&self) -> Option<f64> {
        match self {
            Answer::Integer(i) => Some(*i as f64),
            Answer::Decimal(d) => Some(*d),
            _ => None,
        }
    }
}

pub type Answers = HashMap<String, Answer>;

fn compare(left: f64, operator: &str, right: f64) -> bool {
    match operator {
        "=" => left == right,
        "!=" => left != right,
        ">" => left > right,
        "<" => left < right,
        ">=" => left >= right,
        "<=" => left <= right,
        _ => false,
    }
}

impl EnableWhen {
    /// Whether this condition holds for the answers given so far.
    pub fn holds(&self, answers: &Answers) -> bool {
        let given = answers.get(&self.question);
        if self.operator == "exists" {
            return given.is_some() == self.answer_boolean.unwrap_or(true);
        }
        let Some(given) = given else { return false };
        match (given, self) {
            (Answer::Boolean(b), EnableWhen { answer_boolean: Some(expected), .. }) => match self.operator.as_str() {
                "=" => b == expected,
                "!=" => b != expected,
                _ => false,
            },
            (Answer::Choice(code), EnableWhen { answer_coding: Some(expected), .. }) => match self.operator.as_str() {
                "=" => *code == expected.code,
                "!=" => *code != expected.code,
                _ => false,
            },
            (given, condition) => {
                let expected = condition.answer_decimal.or(condition.answer_integer.map(|i| i as f64));
                match (given.number(), expected) {
                    (Some(left), Some(right)) => compare(left, &self.operator, right),
                    _ => false,
                }
            }
        }
    }
}

/// Longest free-text answer, in characters.
pub const TEXT_MAX_CHARS: usize = 1000;

/// What is wrong with one answer; the app words it in the patient's language.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Problem {
    /// A required question shown to the patient has no answer.
    Required,
    /// The answer's type is not the question's (a number for a yes/no question).
    WrongType,
    /// A number outside the question's allowed range.
    OutOfRange {
        min: Option<f64>,
        max: Option<f64>,
    },
    /// A choice that is not one of the options.
    UnknownOption,
    TooLong,
    /// No question has this `linkId`.
    UnknownQuestion,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnswerError {
    pub link_id: String,
    pub problem: Problem,
}

impl AnswerError {
    /// In English, for the API's error body and the logs.
    pub fn message(&self) -> String {
        let what = match self.problem {
            Problem::Required => "an answer is required".to_owned(),
            Problem::WrongType => "the answer does not fit the question".to_owned(),
            Problem::OutOfRange { min, max } => {
                let bound = |b: Option<f64>| b.map(|v| v.to_string()).unwrap_or_else(|| "…".to_owned());
                format!("the value must be between {} and {}", bound(min), bound(max))
            }
            Problem::UnknownOption => "this option does not exist".to_owned(),
            Problem::TooLong => format!("the text is longer than {TEXT_MAX_CHARS} characters"),
            Problem::UnknownQuestion => "there is no such question".to_owned(),
        };
        format!("{}: {what}", self.link_id)
    }
}

fn fits(item: &Item, answer: &Answer) -> Result<(), Problem> {
    match (item.kind, answer) {
        (ItemType::Boolean, Answer::Boolean(_)) => Ok(()),
        (ItemType::Choice, Answer::Choice(code)) => {
            item.answer_option.iter().any(|o| o.value_coding.code == *code).then_some(()).ok_or(Problem::UnknownOption)
        }
        (ItemType::Integer, Answer::Integer(_)) | (ItemType::Decimal, Answer::Decimal(_) | Answer::Integer(_)) => {
            let value = answer.number().filter(|v| v.is_finite()).ok_or(Problem::WrongType)?;
            let (min, max) = item.range();
            let inside = min.is_none_or(|m| value >= m) && max.is_none_or(|m| value <= m);
            inside.then_some(()).ok_or(Problem::OutOfRange { min, max })
        }
        (ItemType::String | ItemType::Text, Answer::Text(text)) => {
            (text.chars().count() <= TEXT_MAX_CHARS).then_some(()).ok_or(Problem::TooLong)
        }
        (ItemType::Attachment, Answer::Attachment(id)) => {
            // A stored photo's id: short, and nothing but letters, digits and dashes.
            let plausible =
                !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            plausible.then_some(()).ok_or(Problem::WrongType)
        }
        _ => Err(Problem::WrongType),
    }
}

impl Questionnaire {
    /// Whether `item` is shown, given the answers so far (`enableWhen`).
    pub fn enabled(&self, item: &Item, answers: &Answers) -> bool {
        if item.enable_when.is_empty() {
            return true;
        }
        if item.enable_behavior.as_deref() == Some("any") {
            item.enable_when.iter().any(|c| c.holds(answers))
        } else {
            item.enable_when.iter().all(|c| c.holds(answers))
        }
    }

    /// Checks a filled questionnaire, top to bottom, as the phone and the
    /// server both do. Answers to questions that `enableWhen` hides are dropped
    /// (the patient answered, then changed an earlier answer); empty texts count
    /// as no answer.
    pub fn check(&self, answers: &Answers) -> Result<Answers, AnswerError> {
        if let Some(unknown) = answers.keys().find(|id| self.item(id).is_none()) {
            return Err(AnswerError { link_id: unknown.clone(), problem: Problem::UnknownQuestion });
        }
        let mut kept = Answers::new();
        for item in &self.item {
            if !self.enabled(item, &kept) {
                continue;
            }
            let answer = answers.get(&item.link_id).filter(|a| !matches!(a, Answer::Text(t) if t.trim().is_empty()));
            let error = |problem| AnswerError { link_id: item.link_id.clone(), problem };
            match answer {
                None if item.required => return Err(error(Problem::Required)),
                None => {}
                Some(answer) => {
                    fits(item, answer).map_err(error)?;
                    kept.insert(item.link_id.clone(), answer.clone());
                }
            }
        }
        Ok(kept)
    }

    pub fn item(&self, link_id: &str) -> Option<&Item> {
        self.item.iter().find(|i| i.link_id == link_id)
    }
}
