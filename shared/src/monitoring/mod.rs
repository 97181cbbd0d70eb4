//! Tele-monitoring follow-up protocols as data: the questions (a FHIR R4
//! Questionnaire), when they are due, and which answers alert the clinician.
//! A protocol file is checked here, with errors that say where the problem is,
//! so a new follow-up can be added without code.

pub mod alerts;
pub mod questionnaire;
pub mod schedule;
pub mod translation;
pub mod wire;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use alerts::Rule;
use questionnaire::{ItemType, Questionnaire};
use schedule::{Schedule, ScheduleError};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Protocol {
    /// Stable identifier, e.g. `covid-19`.
    pub id: String,
    /// Increases with each change; answers keep the version they were given for.
    pub version: u32,
    pub title: String,
    pub questionnaire: Questionnaire,
    pub schedule: Schedule,
    pub alerts: Vec<Rule>,
}

/// What is wrong in a protocol, and where (`item[2].enableWhen[0].question`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    pub path: String,
    pub message: String,
}

fn error(path: impl Into<String>, message: impl Into<String>) -> ProtocolError {
    ProtocolError { path: path.into(), message: message.into() }
}

const OPERATORS: [&str; 7] = ["exists", "=", "!=", ">", "<", ">=", "<="];

impl Protocol {
    /// The protocol's title as a patient reading `lang` sees it: the
    /// questionnaire's title carries the translations.
    pub fn title_in(&self, lang: Lang) -> &str {
        translation::translated(&self.title, self.questionnaire.title_element.as_ref(), lang)
    }

    /// Reads and checks a protocol file.
    pub fn parse(json: &str) -> Result<Protocol, ProtocolError> {
        let protocol: Protocol = serde_json::from_str(json)
            .map_err(|e| error(format!("line {}, column {}", e.line(), e.column()), e.to_string()))?;
        protocol.validate()?;
        Ok(protocol)
    }

    pub fn validate(&self) -> Result<(), ProtocolError> {
        let q = &self.questionnaire;
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(error("id", "use letters, digits and dashes"));
        }
        if q.resource_type != "Questionnaire" {
            return Err(error("questionnaire.resourceType", "must be Questionnaire"));
        }
        if q.item.is_empty() {
            return Err(error("questionnaire.item", "a questionnaire needs at least one question"));
        }
        let mut seen = HashSet::new();
        for (i, item) in q.item.iter().enumerate() {
            let at = format!("questionnaire.item[{i}]");
            if item.link_id.is_empty() || !seen.insert(item.link_id.as_str()) {
                return Err(error(format!("{at}.linkId"), "each question needs its own linkId"));
            }
            if item.kind == ItemType::Choice && item.answer_option.is_empty() {
                return Err(error(format!("{at}.answerOption"), "a choice needs options"));
            }
            if let (Some(min), Some(max)) = item.range() {
                if min >= max {
                    return Err(error(format!("{at}.extension"), "minValue must be below maxValue"));
                }
            }
            for (j, condition) in item.enable_when.iter().enumerate() {
                let at = format!("{at}.enableWhen[{j}]");
                // Only earlier questions: the form is filled top to bottom, and no loop can form.
                let earlier = &q.item[..i];
                if !earlier.iter().any(|e| e.link_id == condition.question) {
                    return Err(error(format!("{at}.question"), "must name an earlier question"));
                }
                if !OPERATORS.contains(&condition.operator.as_str()) {
                    return Err(error(format!("{at}.operator"), "unknown operator"));
                }
            }
        }
        q.check_translations()?;
        self.schedule.validate().map_err(|e| {
            let message = match e {
                ScheduleError::NoDays => "list at least one day",
                ScheduleError::DaysNotIncreasing => "days start at 1 and increase",
                ScheduleError::BadTime => "time is HH:MM",
                ScheduleError::TooLong => "a follow-up lasts a year at most",
            };
            error("schedule", message)
        })?;
        for (k, rule) in self.alerts.iter().enumerate() {
            let item = match rule {
                Rule::Threshold { when, .. } | Rule::Consecutive { when, .. } => Some((&when.item, true)),
                Rule::Answer { item, .. } => Some((item, false)),
                Rule::Missed { .. } => None,
            };
            if let Some((link_id, numeric)) = item {
                let Some(target) = q.item(link_id) else {
                    return Err(error(format!("alerts[{k}].item"), "names no question"));
                };
                let is_number = matches!(target.kind, ItemType::Integer | ItemType::Decimal);
                let is_answerable = matches!(target.kind, ItemType::Choice | ItemType::Boolean);
                if (numeric && !is_number) || (!numeric && !is_answerable) {
                    return Err(error(format!("alerts[{k}].item"), "this rule does not fit that question's type"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COVID: &str = r#"{
      "id": "covid-19", "version": 1, "title": "Suivi Covid-19",
      "questionnaire": {
        "resourceType": "Questionnaire", "id": "covid-19", "version": "1", "title": "Suivi Covid-19", "status": "active",
        "item": [
          {"linkId": "temperature", "text": "Température", "type": "decimal", "required": true, "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 34},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 43},
            {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unit", "valueCoding": {"code": "Cel", "display": "°C"}}]},
          {"linkId": "spo2", "text": "Saturation", "type": "integer", "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 50},
            {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 100}]},
          {"linkId": "cough", "text": "Toussez-vous ?", "type": "boolean"},
          {"linkId": "cough_blood", "text": "Du sang ?", "type": "boolean",
           "enableWhen": [{"question": "cough", "operator": "=", "answerBoolean": true}]}
        ]
      },
      "schedule": {"days": [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14], "time": "09:00"},
      "alerts": [{"kind": "threshold", "item": "spo2", "operator": "<", "value": 94, "level": "red", "message": "SpO2 < 94 %"}]
    }"#;

    #[test]
    fn a_valid_protocol_reads_and_skip_logic_works() {
        use questionnaire::{Answer, Answers};
        let protocol = Protocol::parse(COVID).unwrap();
        let q = &protocol.questionnaire;
        assert_eq!(q.item("temperature").unwrap().range(), (Some(34.0), Some(43.0)));
        assert_eq!(q.item("temperature").unwrap().unit(), Some("°C"));
        let blood = q.item("cough_blood").unwrap();
        assert!(!q.enabled(blood, &Answers::new()));
        assert!(q.enabled(blood, &Answers::from([("cough".to_owned(), Answer::Boolean(true))])));
        assert!(!q.enabled(blood, &Answers::from([("cough".to_owned(), Answer::Boolean(false))])));
        // FHIR field names survive a round trip.
        let json = serde_json::to_string(&protocol).unwrap();
        assert!(json.contains("\"linkId\":\"cough_blood\"") && json.contains("\"enableWhen\""));
    }

    #[test]
    fn answers_are_checked_as_the_form_shows_them() {
        use questionnaire::{Answer, Answers, Problem};
        let q = Protocol::parse(COVID).unwrap().questionnaire;
        let answers =
            |pairs: &[(&str, Answer)]| pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Answers>();
        let filled = answers(&[
            ("temperature", Answer::Decimal(38.5)),
            ("spo2", Answer::Integer(91)),
            ("cough", Answer::Boolean(false)),
            ("cough_blood", Answer::Boolean(true)),
        ]);
        let kept = q.check(&filled).unwrap();
        assert_eq!(kept.len(), 3);
        assert!(!kept.contains_key("cough_blood"), "hidden by enableWhen, so dropped");
        let problem = |pairs: &[(&str, Answer)]| q.check(&answers(pairs)).unwrap_err();
        assert_eq!(problem(&[("spo2", Answer::Integer(97))]).problem, Problem::Required);
        let hot = problem(&[("temperature", Answer::Decimal(44.0))]);
        assert_eq!(hot.problem, Problem::OutOfRange { min: Some(34.0), max: Some(43.0) });
        assert_eq!(hot.message(), "temperature: the value must be between 34 and 43");
        assert_eq!(problem(&[("temperature", Answer::Boolean(true))]).problem, Problem::WrongType);
        assert_eq!(problem(&[("temperature", Answer::Decimal(f64::NAN))]).problem, Problem::WrongType);
        assert_eq!(problem(&[("mood", Answer::Integer(3))]).problem, Problem::UnknownQuestion);
        // An integer is a valid decimal (37 °C typed without a comma).
        assert!(q.check(&answers(&[("temperature", Answer::Integer(37))])).is_ok());
    }

    #[test]
    fn mistakes_are_located() {
        let broken = |from: &str, to: &str| Protocol::parse(&COVID.replacen(from, to, 1)).unwrap_err().path;
        assert_eq!(
            broken(r#""question": "cough""#, r#""question": "fever""#),
            "questionnaire.item[3].enableWhen[0].question"
        );
        assert_eq!(broken(r#""linkId": "spo2""#, r#""linkId": "temperature""#), "questionnaire.item[1].linkId");
        assert_eq!(broken(r#""operator": "=""#, r#""operator": "~""#), "questionnaire.item[3].enableWhen[0].operator");
        assert_eq!(broken(r#""valueDecimal": 43"#, r#""valueDecimal": 30"#), "questionnaire.item[0].extension");
        assert_eq!(broken(r#""time": "09:00""#, r#""time": "9h""#), "schedule");
        assert_eq!(
            broken(r#""item": "spo2", "operator": "<""#, r#""item": "cough", "operator": "<""#),
            "alerts[0].item"
        );
        assert_eq!(
            broken(r#""resourceType": "Questionnaire""#, r#""resourceType": "Patient""#),
            "questionnaire.resourceType"
        );
        assert!(broken(r#""version": 1,"#, "").starts_with("line "), "syntax errors give a position");
    }
}
