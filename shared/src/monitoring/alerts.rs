//! Alert rules of a follow-up protocol, evaluated on the server each time a
//! questionnaire arrives (and for missed ones, as time passes). Pure functions:
//! the same answers always raise the same alerts.

use serde::{Deserialize, Serialize};

use super::questionnaire::{Answer, Answers};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Orange,
    Red,
}

/// A comparison of a number answer with a threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Threshold {
    /// The item's `linkId`.
    pub item: String,
    /// `<`, `<=`, `>` or `>=`.
    pub operator: String,
    pub value: f64,
}

impl Threshold {
    fn met(&self, answers: &Answers) -> bool {
        let Some(number) = answers.get(&self.item).and_then(Answer::number) else { return false };
        match self.operator.as_str() {
            "<" => number < self.value,
            "<=" => number <= self.value,
            ">" => number > self.value,
            ">=" => number >= self.value,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// A number answer crosses a threshold (SpO2 < 94 → red).
    Threshold {
        #[serde(flatten)]
        when: Threshold,
        level: Level,
        message: String,
    },
    /// A choice or yes/no answer equals a given code or value (breathless at rest → red).
    Answer {
        item: String,
        /// The option's code, or `true` / `false` for a yes/no item.
        equals: String,
        level: Level,
        message: String,
    },
    /// A threshold met on the last `days` questionnaires in a row (38 °C or more
    /// three times running → orange).
    Consecutive {
        #[serde(flatten)]
        when: Threshold,
        days: u32,
        level: Level,
        message: String,
    },
    /// A questionnaire still not filled `after_hours` after it was due.
    Missed { after_hours: u32, level: Level, message: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Raised {
    pub level: Level,
    pub message: String,
}

fn answer_equals(answer: Option<&Answer>, expected: &str) -> bool {
    match answer {
        Some(Answer::Choice(code)) => code == expected,
        Some(Answer::Boolean(b)) => expected == if *b { "true" } else { "false" },
        _ => false,
    }
}

/// The alerts raised by the latest questionnaire. `history` holds the
/// questionnaires filled before it, oldest first.
pub fn evaluate(rules: &[Rule], history: &[Answers], latest: &Answers) -> Vec<Raised> {
    let raised = |level: Level, message: &String| Raised { level, message: message.clone() };
    rules
        .iter()
        .filter_map(|rule| match rule {
            Rule::Threshold { when, level, message } => when.met(latest).then(|| raised(*level, message)),
            Rule::Answer { item, equals, level, message } => {
                answer_equals(latest.get(item), equals).then(|| raised(*level, message))
            }
            Rule::Consecutive { when, days, level, message } => {
                let needed = (*days as usize).max(1);
                let recent = history.iter().rev().take(needed - 1);
                let run = when.met(latest) && recent.len() == needed - 1 && recent.clone().all(|a| when.met(a));
                run.then(|| raised(*level, message))
            }
            Rule::Missed { .. } => None,
        })
        .collect()
}

/// How many questionnaires filled before `latest` the rules need to see: none
/// unless `latest` could complete a run, so most submissions read no history.
pub fn history_needed(rules: &[Rule], latest: &Answers) -> usize {
    rules
        .iter()
        .filter_map(|rule| match rule {
            Rule::Consecutive { when, days, .. } if when.met(latest) => Some((*days as usize).max(1) - 1),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The alert for a questionnaire due at `due_ms` and not filled at `now_ms`, if
/// it is now late enough for a `Missed` rule.
pub fn missed(rules: &[Rule], due_ms: i64, now_ms: i64) -> Option<Raised> {
    rules
        .iter()
        .filter_map(|rule| match rule {
            Rule::Missed { after_hours, level, message } if now_ms >= due_ms + i64::from(*after_hours) * 3_600_000 => {
                Some(Raised { level: *level, message: message.clone() })
            }
            _ => None,
        })
        .max_by_key(|r| r.level)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covid_rules() -> Vec<Rule> {
        serde_json::from_str(
            r#"[
              {"kind": "threshold", "item": "spo2", "operator": "<", "value": 94, "level": "red", "message": "SpO2 < 94 %"},
              {"kind": "threshold", "item": "temperature", "operator": ">=", "value": 39, "level": "orange", "message": "≥ 39 °C"},
              {"kind": "answer", "item": "breathless", "equals": "at_rest", "level": "red", "message": "Essoufflé au repos"},
              {"kind": "consecutive", "item": "temperature", "operator": ">=", "value": 38, "days": 3, "level": "orange", "message": "Fièvre 3 jours"},
              {"kind": "missed", "after_hours": 12, "level": "orange", "message": "Questionnaire non rempli"}
            ]"#,
        )
        .unwrap()
    }

    fn answers(temperature: f64, spo2: i64, breathless: &str) -> Answers {
        Answers::from([
            ("temperature".to_owned(), Answer::Decimal(temperature)),
            ("spo2".to_owned(), Answer::Integer(spo2)),
            ("breathless".to_owned(), Answer::Choice(breathless.to_owned())),
        ])
    }

    fn levels(raised: Vec<Raised>) -> Vec<(Level, String)> {
        raised.into_iter().map(|r| (r.level, r.message)).collect()
    }

    #[test]
    fn thresholds_and_answers() {
        let rules = covid_rules();
        assert!(evaluate(&rules, &[], &answers(37.0, 97, "none")).is_empty());
        assert_eq!(levels(evaluate(&rules, &[], &answers(37.0, 91, "none"))), [(Level::Red, "SpO2 < 94 %".into())]);
        assert_eq!(levels(evaluate(&rules, &[], &answers(37.0, 94, "none"))), []);
        assert_eq!(levels(evaluate(&rules, &[], &answers(39.0, 97, "none"))), [(Level::Orange, "≥ 39 °C".into())]);
        let at_rest = evaluate(&rules, &[], &answers(37.0, 97, "at_rest"));
        assert_eq!(levels(at_rest), [(Level::Red, "Essoufflé au repos".into())]);
        // A missing answer raises nothing (it may have been skipped by enableWhen).
        assert!(evaluate(&rules, &[], &Answers::new()).is_empty());
    }

    #[test]
    fn consecutive_days() {
        let rules = covid_rules();
        let fever = answers(38.2, 97, "none");
        let normal = answers(37.0, 97, "none");
        let message = "Fièvre 3 jours".to_owned();
        assert!(evaluate(&rules, std::slice::from_ref(&fever), &fever).is_empty(), "two days are not three");
        let three = evaluate(&rules, &[normal.clone(), fever.clone(), fever.clone()], &fever);
        assert_eq!(levels(three), [(Level::Orange, message)]);
        assert!(evaluate(&rules, &[fever.clone(), normal, fever.clone()], &fever).is_empty(), "interrupted");
    }

    #[test]
    fn history_is_read_only_when_a_run_can_end_here() {
        let rules = covid_rules();
        let (fever, normal) = (answers(38.2, 97, "none"), answers(37.0, 97, "none"));
        assert_eq!(history_needed(&rules, &normal), 0, "no run can end on a normal temperature");
        assert_eq!(history_needed(&rules, &fever), 2, "three days running: the two before");
        // The last `history_needed` questionnaires decide as the whole history does.
        let histories = [vec![], vec![fever.clone()], vec![normal.clone(), fever.clone(), fever.clone()]];
        for history in histories {
            for latest in [&fever, &normal] {
                let recent = &history[history.len().saturating_sub(history_needed(&rules, latest))..];
                assert_eq!(evaluate(&rules, recent, latest), evaluate(&rules, &history, latest));
            }
        }
    }

    #[test]
    fn missed_questionnaires() {
        let rules = covid_rules();
        let due = 1_000_000_000;
        assert_eq!(missed(&rules, due, due + 11 * 3_600_000), None);
        assert_eq!(missed(&rules, due, due + 12 * 3_600_000).map(|r| r.level), Some(Level::Orange));
    }

    #[test]
    fn yes_no_answers() {
        let rule =
            Rule::Answer { item: "cough".into(), equals: "true".into(), level: Level::Orange, message: "Toux".into() };
        let yes = Answers::from([("cough".to_owned(), Answer::Boolean(true))]);
        let no = Answers::from([("cough".to_owned(), Answer::Boolean(false))]);
        assert_eq!(evaluate(std::slice::from_ref(&rule), &[], &yes).len(), 1);
        assert!(evaluate(&[rule], &[], &no).is_empty());
    }
}
