//! Monthly usage figures of video assist: how many, how many reached video,
//! what was decided. Pure, so the server computes them the same way on any database.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::assist::Outcome;

/// One case, as the usage figures need it.
pub struct CaseFact {
    pub created_at_ms: i64,
    pub reached_video: bool,
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthUsage {
    /// `2026-11` (months are cut at midnight UTC).
    pub month: String,
    pub assists: u32,
    pub reached_video: u32,
    /// Decided cases per outcome; undecided cases are not counted here.
    pub outcomes: BTreeMap<String, u32>,
}

/// (year, month) of a Unix timestamp in milliseconds, in UTC.
pub fn year_month(ms: i64) -> (i64, u32) {
    // Howard Hinnant's civil-from-days algorithm.
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

/// Figures per month, newest month first.
pub fn by_month(cases: &[CaseFact]) -> Vec<MonthUsage> {
    let mut months: BTreeMap<(i64, u32), MonthUsage> = BTreeMap::new();
    for case in cases {
        let (year, month) = year_month(case.created_at_ms);
        let entry = months.entry((year, month)).or_insert_with(|| MonthUsage {
            month: format!("{year:04}-{month:02}"),
            assists: 0,
            reached_video: 0,
            outcomes: BTreeMap::new(),
        });
        entry.assists += 1;
        entry.reached_video += u32::from(case.reached_video);
        if let Some(outcome) = case.outcome {
            let name =
                serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            *entry.outcomes.entry(name).or_default() += 1;
        }
    }
    months.into_values().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_in_utc() {
        assert_eq!(year_month(0), (1970, 1));
        // 2026-11-22T21:35:00Z
        assert_eq!(year_month(1_795_383_300_000), (2026, 11));
        // 2024-02-29T23:59:59.999Z, then one millisecond later.
        assert_eq!(year_month(1_709_251_199_999), (2024, 2));
        assert_eq!(year_month(1_709_251_200_000), (2024, 3));
        assert_eq!(year_month(-1), (1969, 12));
    }

    #[test]
    fn figures_per_month() {
        let nov = 1_795_383_300_000;
        let oct = nov - 40 * 86_400_000;
        let cases = [
            CaseFact { created_at_ms: nov, reached_video: true, outcome: Some(Outcome::Ambulance) },
            CaseFact { created_at_ms: nov, reached_video: false, outcome: Some(Outcome::MedicalAdvice) },
            CaseFact { created_at_ms: nov, reached_video: true, outcome: Some(Outcome::Ambulance) },
            CaseFact { created_at_ms: oct, reached_video: false, outcome: None },
        ];
        let months = by_month(&cases);
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].month, "2026-11");
        assert_eq!((months[0].assists, months[0].reached_video), (3, 2));
        assert_eq!(months[0].outcomes["ambulance"], 2);
        assert_eq!(months[0].outcomes["medical_advice"], 1);
        assert_eq!(months[1].month, "2026-10");
        assert!(months[1].outcomes.is_empty());
    }
}
