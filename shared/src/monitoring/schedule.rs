//! When a follow-up's questionnaires are due: on listed days of the follow-up
//! (day 1 is the start date), at a local time of the patient's time zone, so a
//! 09:00 questionnaire stays at 09:00 across daylight-saving changes.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// Days of the follow-up on which a questionnaire is due, from 1, increasing.
    pub days: Vec<u32>,
    /// Local time of day, `HH:MM`.
    pub time: String,
}

/// Why a schedule cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    NoDays,
    DaysNotIncreasing,
    BadTime,
    /// More than a year of follow-up.
    TooLong,
}

impl Schedule {
    pub fn validate(&self) -> Result<NaiveTime, ScheduleError> {
        if self.days.is_empty() {
            return Err(ScheduleError::NoDays);
        }
        if self.days[0] == 0 || self.days.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ScheduleError::DaysNotIncreasing);
        }
        if *self.days.last().expect("not empty") > 366 {
            return Err(ScheduleError::TooLong);
        }
        NaiveTime::parse_from_str(&self.time, "%H:%M").map_err(|_| ScheduleError::BadTime)
    }

    /// The last day of the follow-up.
    pub fn last_day(&self) -> u32 {
        self.days.last().copied().unwrap_or(0)
    }

    /// Every due instant, for a follow-up starting on `start` (a local date) in `zone`.
    pub fn due(&self, start: NaiveDate, zone: Tz) -> Result<Vec<DateTime<Utc>>, ScheduleError> {
        let time = self.validate()?;
        Ok(self
            .days
            .iter()
            .filter_map(|day| {
                let date = start.checked_add_days(Days::new(u64::from(day - 1)))?;
                Some(local_instant(zone, date.and_time(time)))
            })
            .collect())
    }
}

/// When one questionnaire may be filled (ms since the epoch): from the local
/// midnight of its day, so a patient can answer before the reminder, until the
/// next questionnaire opens (the last one stays open one more day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub day: u32,
    pub opens_at: i64,
    pub due_at: i64,
    pub closes_at: i64,
}

impl Schedule {
    pub fn windows(&self, start: NaiveDate, zone: Tz) -> Result<Vec<Window>, ScheduleError> {
        let due = self.due(start, zone)?;
        let midnight = |day: u32| {
            let date = start.checked_add_days(Days::new(u64::from(day - 1))).unwrap_or(start);
            local_instant(zone, date.and_time(NaiveTime::MIN)).timestamp_millis()
        };
        let mut windows: Vec<Window> = self
            .days
            .iter()
            .zip(due)
            .map(|(&day, due)| Window { day, opens_at: midnight(day), due_at: due.timestamp_millis(), closes_at: 0 })
            .collect();
        for i in 0..windows.len() {
            windows[i].closes_at = match windows.get(i + 1) {
                Some(next) => next.opens_at,
                None => midnight(windows[i].day + 2),
            };
        }
        Ok(windows)
    }
}

/// A local wall-clock time as an instant. A time that does not exist (the hour
/// skipped in spring) moves to the same minute one hour later; a time that
/// exists twice (the hour repeated in autumn) is the first of the two.
fn local_instant(zone: Tz, local: chrono::NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later).earliest().map(|at| at.with_timezone(&Utc)).unwrap_or_else(|| {
                // No zone skips two hours; fall back to reading the time as UTC.
                Utc.from_utc_datetime(&local)
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    /// The seed's Covid-19 follow-up: daily for 8 days, then every 2 days over the next 7.
    fn covid() -> Schedule {
        Schedule { days: vec![1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14], time: "09:00".into() }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn covid_days_cross_the_spring_change_at_nine_local() {
        // 2026-03-29 is the last Sunday of March: Paris goes from UTC+1 to UTC+2.
        let due = covid().due(NaiveDate::from_ymd_opt(2026, 3, 25).unwrap(), Paris).unwrap();
        assert_eq!(due.len(), 11);
        assert_eq!(due[0], utc("2026-03-25T08:00:00Z"), "day 1, winter time");
        assert_eq!(due[3], utc("2026-03-28T08:00:00Z"), "day 4, the eve of the change");
        assert_eq!(due[4], utc("2026-03-29T07:00:00Z"), "day 5, summer time: still 09:00 in Paris");
        assert_eq!(due[8], utc("2026-04-03T07:00:00Z"), "day 10");
        assert_eq!(due[10], utc("2026-04-07T07:00:00Z"), "day 14, the last");
        let days: Vec<i64> = due.iter().map(|d| (d.date_naive() - due[0].date_naive()).num_days() + 1).collect();
        assert_eq!(days, [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14]);
    }

    #[test]
    fn autumn_change_and_times_that_do_not_exist() {
        // 2026-10-25: Paris goes back to UTC+1.
        let due = covid().due(NaiveDate::from_ymd_opt(2026, 10, 24).unwrap(), Paris).unwrap();
        assert_eq!(due[0], utc("2026-10-24T07:00:00Z"));
        assert_eq!(due[1], utc("2026-10-25T08:00:00Z"));
        // 02:30 does not exist in Paris on 2026-03-29: it becomes 03:30 local.
        let skipped = Schedule { days: vec![1], time: "02:30".into() };
        let due = skipped.due(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(), Paris).unwrap();
        assert_eq!(due[0], utc("2026-03-29T01:30:00Z"));
        // 02:30 happens twice on 2026-10-25: the first one (summer time).
        let twice = Schedule { days: vec![1], time: "02:30".into() };
        let due = twice.due(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), Paris).unwrap();
        assert_eq!(due[0], utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn windows_open_at_local_midnight_and_close_when_the_next_opens() {
        let windows = covid().windows(NaiveDate::from_ymd_opt(2026, 3, 28).unwrap(), Paris).unwrap();
        assert_eq!(windows[0].opens_at, utc("2026-03-27T23:00:00Z").timestamp_millis(), "midnight, winter time");
        assert_eq!(windows[0].due_at, utc("2026-03-28T08:00:00Z").timestamp_millis());
        assert_eq!(windows[0].closes_at, windows[1].opens_at);
        assert_eq!(windows[1].opens_at, utc("2026-03-28T23:00:00Z").timestamp_millis(), "the night of the change");
        assert_eq!(windows[2].opens_at, utc("2026-03-29T22:00:00Z").timestamp_millis(), "midnight, summer time");
        // Day 8 stays open until day 10 opens; day 14 closes at the end of day 15.
        assert_eq!((windows[7].day, windows[7].closes_at), (8, windows[8].opens_at));
        assert_eq!(windows[10].closes_at, utc("2026-04-11T22:00:00Z").timestamp_millis());
    }

    #[test]
    fn bad_schedules_say_why() {
        let mut s = covid();
        s.days = vec![];
        assert_eq!(s.validate(), Err(ScheduleError::NoDays));
        s.days = vec![1, 3, 3];
        assert_eq!(s.validate(), Err(ScheduleError::DaysNotIncreasing));
        s.days = vec![0, 1];
        assert_eq!(s.validate(), Err(ScheduleError::DaysNotIncreasing));
        s.days = vec![1, 400];
        assert_eq!(s.validate(), Err(ScheduleError::TooLong));
        s.days = vec![1];
        s.time = "25:00".into();
        assert_eq!(s.validate(), Err(ScheduleError::BadTime));
    }
}
