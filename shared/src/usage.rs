//! Monthly usage figures of video assist: how many, how many reached video,
//! what was decided. The server keeps one counter per organisation, month and
//! measure up to date as cases change; this module names the measures and
//! turns the counters into the figures, the same way on any database.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Cases created in the month.
pub const ASSISTS: &str = "assists";
/// Cases of the month whose video started at least once.
pub const REACHED_VIDEO: &str = "reached_video";
/// Prefix of the decided cases per outcome: `outcome:ambulance`.
pub const OUTCOME: &str = "outcome:";

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

/// `2026-11`: the month of a Unix timestamp in milliseconds, in UTC.
pub fn month_of(ms: i64) -> String {
    let (year, month) = year_month(ms);
    format!("{year:04}-{month:02}")
}

/// Figures per month, newest month first, from counters `(month, measure, n)`.
/// A counter of an unknown measure is ignored; outcomes whose count fell back
/// to zero (a revised decision) are left out.
pub fn from_counts(counts: impl IntoIterator<Item = (String, String, i64)>) -> Vec<MonthUsage> {
    let mut months: BTreeMap<String, MonthUsage> = BTreeMap::new();
    for (month, measure, n) in counts {
        let entry = months.entry(month.clone()).or_insert_with(|| MonthUsage {
            month,
            assists: 0,
            reached_video: 0,
            outcomes: BTreeMap::new(),
        });
        let n = u32::try_from(n).unwrap_or(0);
        match measure.as_str() {
            ASSISTS => entry.assists = n,
            REACHED_VIDEO => entry.reached_video = n,
            other => {
                if let Some(outcome) = other.strip_prefix(OUTCOME).filter(|_| n > 0) {
                    entry.outcomes.insert(outcome.to_owned(), n);
                }
            }
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
        let nov = month_of(1_795_383_300_000);
        let oct = month_of(1_795_383_300_000 - 40 * 86_400_000);
        assert_eq!((nov.as_str(), oct.as_str()), ("2026-11", "2026-10"));
        let counts = [
            (nov.clone(), ASSISTS.to_owned(), 3),
            (nov.clone(), REACHED_VIDEO.to_owned(), 2),
            (nov.clone(), format!("{OUTCOME}ambulance"), 2),
            (nov.clone(), format!("{OUTCOME}medical_advice"), 1),
            (nov.clone(), format!("{OUTCOME}no_action"), 0),
            (nov.clone(), "something_else".to_owned(), 7),
            (oct.clone(), ASSISTS.to_owned(), 1),
        ];
        let months = from_counts(counts);
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].month, "2026-11");
        assert_eq!((months[0].assists, months[0].reached_video), (3, 2));
        assert_eq!(months[0].outcomes.len(), 2);
        assert_eq!(months[0].outcomes["ambulance"], 2);
        assert_eq!(months[0].outcomes["medical_advice"], 1);
        assert_eq!(months[1].month, "2026-10");
        assert_eq!(months[1].assists, 1);
        assert!(months[1].outcomes.is_empty());
    }
}
