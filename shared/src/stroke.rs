//! Télé-AVC's timeline: the times that decide a stroke's treatment (symptom
//! onset or last seen well, arrival at the emergency department, imaging, the
//! decision and, for a thrombolysis, the needle), recorded by either side of
//! the request, and the delays the guidelines watch (door-to-needle under 60
//! minutes). A time can be corrected: every entry is kept with who recorded it
//! and when, and the latest one of each kind counts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::usage::month_of;
use crate::validate::{required_text, Invalid};

/// Longest decision reasons.
pub const REASONS_MAX_CHARS: usize = 1000;
/// Oldest a time may be: "last seen well" can be the evening before.
pub const PAST_MAX_MS: i64 = 72 * 3_600_000;
/// How far ahead of the server's clock a time may be (a device's clock runs fast).
pub const FUTURE_SLACK_MS: i64 = 5 * 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    /// Symptom onset seen by a witness.
    Onset,
    /// Onset unknown: the last time the patient was seen well stands for it.
    LastSeenWell,
    /// Arrival at the emergency department: the "door".
    Arrival,
    Imaging,
    Decision,
    /// Start of the thrombolysis bolus.
    Needle,
}

impl Milestone {
    pub const ALL: [Milestone; 6] = [
        Milestone::Onset,
        Milestone::LastSeenWell,
        Milestone::Arrival,
        Milestone::Imaging,
        Milestone::Decision,
        Milestone::Needle,
    ];

    fn is_onset(self) -> bool {
        matches!(self, Milestone::Onset | Milestone::LastSeenWell)
    }

    /// Whether `self` cannot come after `later` in time.
    fn precedes(self, later: Milestone) -> bool {
        use Milestone::*;
        match self {
            Onset | LastSeenWell => !later.is_onset(),
            Arrival => matches!(later, Imaging | Decision | Needle),
            Decision => later == Needle,
            Imaging | Needle => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Thrombolysis,
    /// Transfer to a centre that performs thrombectomy.
    Thrombectomy,
    /// Thrombolysis here, then the transfer for thrombectomy ("drip and ship").
    ThrombolysisThenThrombectomy,
    /// Neither: outside the time window, a contraindication, another diagnosis.
    NoReperfusion,
    Other,
}

impl Treatment {
    pub const ALL: [Treatment; 5] = [
        Treatment::Thrombolysis,
        Treatment::Thrombectomy,
        Treatment::ThrombolysisThenThrombectomy,
        Treatment::NoReperfusion,
        Treatment::Other,
    ];

    pub fn thrombolysis(self) -> bool {
        matches!(self, Treatment::Thrombolysis | Treatment::ThrombolysisThenThrombectomy)
    }

    pub fn thrombectomy(self) -> bool {
        matches!(self, Treatment::Thrombectomy | Treatment::ThrombolysisThenThrombectomy)
    }
}

/// A time to record on a request's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MilestoneEntry {
    pub milestone: Milestone,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    /// The decision's treatment (decision only).
    #[serde(default)]
    pub treatment: Option<Treatment>,
    /// Why (decision only, required there).
    #[serde(default)]
    pub reasons: String,
}

/// A recorded time, with who recorded it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recorded {
    pub milestone: Milestone,
    pub at: i64,
    pub treatment: Option<Treatment>,
    pub reasons: String,
    pub by: String,
    pub recorded_at: i64,
}

/// Why a time was refused; the app says it in words before sending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Future,
    TooOld,
    /// It would come before this recorded time, which must precede it.
    Before(Milestone),
    /// It would come after this recorded time, which must follow it.
    After(Milestone),
    NoTreatment,
    NoReasons,
    /// A needle time needs a thrombolysis decision first.
    NoThrombolysis,
}

impl From<Problem> for Invalid {
    fn from(problem: Problem) -> Invalid {
        let (field, message) = match problem {
            Problem::Future => ("at", "This time is in the future."),
            Problem::TooOld => ("at", "This time is more than three days ago."),
            Problem::Before(_) => ("at", "This time comes before a step that must precede it."),
            Problem::After(_) => ("at", "This time comes after a step that must follow it."),
            Problem::NoTreatment => ("treatment", "Choose the treatment decided."),
            Problem::NoReasons => ("reasons", "Give the reasons for the decision (1000 characters at most)."),
            Problem::NoThrombolysis => ("milestone", "Record a thrombolysis decision before the needle time."),
        };
        Invalid { field, message }
    }
}

/// Every time recorded on a request, oldest entry first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrokeTimeline {
    pub recorded: Vec<Recorded>,
}

impl StrokeTimeline {
    /// The time of `milestone` that counts: the latest entered.
    pub fn current(&self, milestone: Milestone) -> Option<&Recorded> {
        self.recorded.iter().rev().find(|r| r.milestone == milestone)
    }

    /// The onset that counts: witnessed or last seen well, whichever was entered last.
    pub fn onset(&self) -> Option<&Recorded> {
        self.recorded.iter().rev().find(|r| r.milestone.is_onset())
    }

    /// The times that count, one per kind (onset or last seen well, not both), in time order.
    pub fn times(&self) -> Vec<&Recorded> {
        let onset = self.onset().map(|r| r.milestone);
        let mut times: Vec<&Recorded> = Milestone::ALL
            .into_iter()
            .filter(|m| !m.is_onset() || Some(*m) == onset)
            .filter_map(|m| self.current(m))
            .collect();
        times.sort_by_key(|r| (r.at, r.milestone));
        times
    }

    /// How many entries were replaced by a later one (a corrected time, or
    /// a witnessed onset replaced by last seen well).
    pub fn corrections(&self) -> usize {
        self.recorded.len() - self.times().len()
    }

    fn counts(&self, milestone: Milestone) -> Option<&Recorded> {
        if milestone.is_onset() {
            self.onset()
        } else {
            self.current(milestone)
        }
    }

    /// The entry as it will be stored, or why it cannot be: in the window of
    /// time, in order with the other times, a decision with its treatment and
    /// reasons, a needle only after a thrombolysis decision.
    pub fn check(&self, entry: &MilestoneEntry, now: i64) -> Result<MilestoneEntry, Problem> {
        if entry.at > now + FUTURE_SLACK_MS {
            return Err(Problem::Future);
        }
        if entry.at < now - PAST_MAX_MS {
            return Err(Problem::TooOld);
        }
        for other in Milestone::ALL
            .into_iter()
            .filter(|m| *m != entry.milestone && !(m.is_onset() && entry.milestone.is_onset()))
        {
            let Some(recorded) = self.counts(other) else { continue };
            if other.precedes(entry.milestone) && entry.at < recorded.at {
                return Err(Problem::Before(recorded.milestone));
            }
            if entry.milestone.precedes(other) && entry.at > recorded.at {
                return Err(Problem::After(recorded.milestone));
            }
        }
        let mut checked = MilestoneEntry { treatment: None, reasons: String::new(), ..entry.clone() };
        match entry.milestone {
            Milestone::Decision => {
                checked.treatment = Some(entry.treatment.ok_or(Problem::NoTreatment)?);
                checked.reasons =
                    required_text("reasons", &entry.reasons, REASONS_MAX_CHARS).map_err(|_| Problem::NoReasons)?;
            }
            Milestone::Needle => {
                let decided = self.current(Milestone::Decision).and_then(|d| d.treatment);
                if !decided.is_some_and(Treatment::thrombolysis) {
                    return Err(Problem::NoThrombolysis);
                }
            }
            _ => {}
        }
        Ok(checked)
    }

    /// The treatment decided, if any.
    pub fn treatment(&self) -> Option<Treatment> {
        self.current(Milestone::Decision).and_then(|d| d.treatment)
    }

    fn minutes_from_door(&self, milestone: Milestone) -> Option<i64> {
        let door = self.current(Milestone::Arrival)?.at;
        Some((self.current(milestone)?.at - door) / 60_000)
    }

    /// Minutes from arrival to the decision.
    pub fn door_to_decision(&self) -> Option<i64> {
        self.minutes_from_door(Milestone::Decision)
    }

    /// Minutes from arrival to the needle, while the decision is a thrombolysis.
    pub fn door_to_needle(&self) -> Option<i64> {
        self.treatment().filter(|t| t.thrombolysis())?;
        self.minutes_from_door(Milestone::Needle)
    }

    /// Minutes from onset (or last seen well) to the needle.
    pub fn onset_to_needle(&self) -> Option<i64> {
        self.door_to_needle()?;
        Some((self.current(Milestone::Needle)?.at - self.onset()?.at) / 60_000)
    }
}

/// One stroke request as the usage page counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrokeCase {
    pub submitted_at: i64,
    /// The other site: the requester for an expert site, the expert site for a requester.
    pub site: String,
    pub taken_at: Option<i64>,
    pub timeline: StrokeTimeline,
}

/// A month of Télé-AVC with one other site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrokeMonth {
    /// `2026-11` (months are cut at midnight UTC, as the other usage figures).
    pub month: String,
    pub site: String,
    pub requests: u32,
    pub decided: u32,
    pub thrombolysis: u32,
    pub thrombectomy: u32,
    /// Medians in minutes, over the requests that have both times.
    pub request_to_taken: Option<i64>,
    pub door_to_decision: Option<i64>,
    pub door_to_needle: Option<i64>,
    /// Thrombolyses within 60 minutes of arrival.
    pub needle_within_60: u32,
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// Figures per month and site, newest month first, then by site.
pub fn usage(cases: &[StrokeCase]) -> Vec<StrokeMonth> {
    let mut groups: BTreeMap<(String, String), Vec<&StrokeCase>> = BTreeMap::new();
    for case in cases {
        groups.entry((month_of(case.submitted_at), case.site.clone())).or_default().push(case);
    }
    let mut months: Vec<StrokeMonth> = groups
        .into_iter()
        .map(|((month, site), cases)| {
            let count = |f: &dyn Fn(&StrokeCase) -> bool| cases.iter().filter(|c| f(c)).count() as u32;
            let minutes = |f: &dyn Fn(&StrokeCase) -> Option<i64>| median(cases.iter().filter_map(|c| f(c)).collect());
            StrokeMonth {
                month,
                site,
                requests: cases.len() as u32,
                decided: count(&|c| c.timeline.treatment().is_some()),
                thrombolysis: count(&|c| c.timeline.treatment().is_some_and(Treatment::thrombolysis)),
                thrombectomy: count(&|c| c.timeline.treatment().is_some_and(Treatment::thrombectomy)),
                request_to_taken: minutes(&|c| c.taken_at.map(|t| (t - c.submitted_at) / 60_000)),
                door_to_decision: minutes(&|c| c.timeline.door_to_decision()),
                door_to_needle: minutes(&|c| c.timeline.door_to_needle()),
                needle_within_60: count(&|c| c.timeline.door_to_needle().is_some_and(|m| m <= 60)),
            }
        })
        .collect();
    months.sort_by(|a, b| b.month.cmp(&a.month).then_with(|| a.site.cmp(&b.site)));
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_590_400_000;
    const MIN: i64 = 60_000;

    fn entry(milestone: Milestone, minutes_ago: i64) -> MilestoneEntry {
        MilestoneEntry { milestone, at: NOW - minutes_ago * MIN, treatment: None, reasons: String::new() }
    }

    fn record(timeline: &mut StrokeTimeline, entry: MilestoneEntry) -> Result<(), Problem> {
        let checked = timeline.check(&entry, NOW)?;
        let recorded_at = NOW + timeline.recorded.len() as i64;
        timeline.recorded.push(Recorded {
            milestone: checked.milestone,
            at: checked.at,
            treatment: checked.treatment,
            reasons: checked.reasons,
            by: "Dr".into(),
            recorded_at,
        });
        Ok(())
    }

    fn decision(minutes_ago: i64, treatment: Treatment) -> MilestoneEntry {
        MilestoneEntry {
            treatment: Some(treatment),
            reasons: "NIHSS 12, 2 h".into(),
            ..entry(Milestone::Decision, minutes_ago)
        }
    }

    #[test]
    fn delays_are_counted_from_the_door() {
        let mut t = StrokeTimeline::default();
        record(&mut t, entry(Milestone::LastSeenWell, 150)).unwrap();
        record(&mut t, entry(Milestone::Arrival, 90)).unwrap();
        record(&mut t, entry(Milestone::Imaging, 70)).unwrap();
        record(&mut t, decision(50, Treatment::Thrombolysis)).unwrap();
        record(&mut t, entry(Milestone::Needle, 45)).unwrap();
        assert_eq!(t.door_to_decision(), Some(40));
        assert_eq!(t.door_to_needle(), Some(45));
        assert_eq!(t.onset_to_needle(), Some(105));
        let order: Vec<Milestone> = t.times().iter().map(|r| r.milestone).collect();
        use Milestone::*;
        assert_eq!(order, [LastSeenWell, Arrival, Imaging, Decision, Needle]);
    }

    #[test]
    fn times_out_of_order_or_window_are_refused() {
        let mut t = StrokeTimeline::default();
        record(&mut t, entry(Milestone::Arrival, 60)).unwrap();
        assert_eq!(record(&mut t, entry(Milestone::Imaging, 61)), Err(Problem::Before(Milestone::Arrival)));
        assert_eq!(record(&mut t, entry(Milestone::Onset, 59)), Err(Problem::After(Milestone::Arrival)));
        assert_eq!(record(&mut t, entry(Milestone::Onset, -10)), Err(Problem::Future));
        assert_eq!(record(&mut t, entry(Milestone::Onset, 73 * 60)), Err(Problem::TooOld));
        assert_eq!(record(&mut t, entry(Milestone::Needle, 10)), Err(Problem::NoThrombolysis));
        let no_reasons = MilestoneEntry { reasons: " ".into(), ..decision(20, Treatment::Other) };
        assert_eq!(record(&mut t, no_reasons), Err(Problem::NoReasons));
        assert_eq!(record(&mut t, entry(Milestone::Decision, 20)), Err(Problem::NoTreatment));
        assert!(t.recorded.len() == 1, "nothing refused was kept");
    }

    #[test]
    fn a_corrected_time_replaces_the_earlier_one_and_both_are_kept() {
        let mut t = StrokeTimeline::default();
        record(&mut t, entry(Milestone::Onset, 120)).unwrap();
        record(&mut t, entry(Milestone::Arrival, 60)).unwrap();
        record(&mut t, entry(Milestone::Arrival, 55)).unwrap();
        // Last seen well replaces the witnessed onset; the arrival bounds it.
        assert_eq!(record(&mut t, entry(Milestone::LastSeenWell, 50)), Err(Problem::After(Milestone::Arrival)));
        record(&mut t, entry(Milestone::LastSeenWell, 300)).unwrap();
        assert_eq!(t.onset().unwrap().milestone, Milestone::LastSeenWell);
        assert_eq!(t.current(Milestone::Arrival).unwrap().at, NOW - 55 * MIN);
        assert_eq!(t.times().len(), 2);
        assert_eq!(t.corrections(), 2);
        // A needle counts only while the decision is a thrombolysis.
        record(&mut t, decision(40, Treatment::Thrombolysis)).unwrap();
        record(&mut t, entry(Milestone::Needle, 30)).unwrap();
        assert_eq!(t.door_to_needle(), Some(25));
        record(&mut t, decision(40, Treatment::NoReperfusion)).unwrap();
        assert_eq!(t.door_to_needle(), None);
    }

    #[test]
    fn usage_per_month_and_site_with_medians() {
        let case = |site: &str, door_to_needle: Option<i64>, treatment: Option<Treatment>| {
            let mut t = StrokeTimeline::default();
            record(&mut t, entry(Milestone::Arrival, 100)).unwrap();
            if let Some(treatment) = treatment {
                record(&mut t, decision(90, treatment)).unwrap();
            }
            if let Some(m) = door_to_needle {
                record(&mut t, entry(Milestone::Needle, 100 - m)).unwrap();
            }
            StrokeCase { submitted_at: NOW - 95 * MIN, site: site.into(), taken_at: Some(NOW - 93 * MIN), timeline: t }
        };
        let cases = [
            case("CH Arles", Some(40), Some(Treatment::Thrombolysis)),
            case("CH Arles", Some(70), Some(Treatment::ThrombolysisThenThrombectomy)),
            case("CH Arles", None, None),
            case("CH Apt", None, Some(Treatment::NoReperfusion)),
        ];
        let months = usage(&cases);
        assert_eq!(months.len(), 2);
        let arles = &months[1];
        assert_eq!((arles.site.as_str(), arles.requests, arles.decided), ("CH Arles", 3, 2));
        assert_eq!((arles.thrombolysis, arles.thrombectomy, arles.needle_within_60), (2, 1, 1));
        assert_eq!(arles.door_to_needle, Some(55));
        assert_eq!(arles.door_to_decision, Some(10));
        assert_eq!(arles.request_to_taken, Some(2));
        assert_eq!(months[0].door_to_needle, None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
    }
}
