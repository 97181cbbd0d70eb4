//! Tele-monitoring on the wire: enrolment, the clinician's dashboard and alerts,
//! the patient's portal, and the receipt left once the data is deleted.

use serde::{Deserialize, Serialize};

use super::alerts::Level;
use super::questionnaire::{Answers, Questionnaire};
use super::translation::Element;
use crate::assist::LinkState;
use crate::consultation::Invitation;
use crate::lang::Lang;

/// Version of the consent text (locale files, `monitoring_consent`). Change it
/// whenever the meaning changes.
pub const CONSENT_VERSION: &str = "monitoring-v1";
/// Longest note a clinician writes when acknowledging an alert.
pub const NOTE_MAX_CHARS: usize = 1000;
/// Largest photo a patient sends with a questionnaire, in bytes.
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProtocolSummary {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub days: Vec<u32>,
    /// Local time the questionnaires are due, `HH:MM`.
    pub time: String,
    /// Shipped with Regard, rather than imported by the organisation.
    pub builtin: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewFollowUp {
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`; the patient gives it back on first visit.
    pub birth_date: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub protocol_id: String,
    /// Day 1 of the follow-up, `YYYY-MM-DD`, in Paris time.
    pub start_date: String,
    /// The language the patient reads: the messages and the portal are in it.
    /// None: the portal follows the phone's language, the messages are in French.
    #[serde(default)]
    pub language: Option<Lang>,
}

/// Where a follow-up stands, as the dashboard shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The patient has not consented yet.
    Invited,
    OnTrack,
    /// At least one alert is not acknowledged.
    Alert,
    /// The last questionnaire that closed was not filled.
    Missed,
    Stopped,
    Finished,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    Finished,
    StoppedByPatient,
    StoppedByClinician,
}

/// One questionnaire of the schedule (instants in ms since the epoch).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Due {
    /// Position in the schedule, from 0.
    pub index: u32,
    /// Day of the follow-up, from 1.
    pub day: u32,
    pub opens_at: i64,
    pub due_at: i64,
    pub closes_at: i64,
    pub filled_at: Option<i64>,
    pub reminded_at: Option<i64>,
}

/// Where one questionnaire of the schedule stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueState {
    Filled,
    /// Closed without answers.
    Missed,
    /// Open now: the patient may fill it.
    ToFill,
    Upcoming,
}

impl Due {
    pub fn state(&self, now: i64) -> DueState {
        if self.filled_at.is_some() {
            DueState::Filled
        } else if self.closes_at <= now {
            DueState::Missed
        } else if self.opens_at <= now {
            DueState::ToFill
        } else {
            DueState::Upcoming
        }
    }
}

/// The moments that decide a follow-up's status.
pub struct Facts<'a> {
    pub consented: bool,
    pub ended: Option<EndReason>,
    pub open_alerts: u32,
    pub schedule: &'a [Due],
}

impl Facts<'_> {
    pub fn status(&self, now: i64) -> Status {
        match self.ended {
            Some(EndReason::Finished) => return Status::Finished,
            Some(_) => return Status::Stopped,
            None => {}
        }
        if !self.consented {
            return Status::Invited;
        }
        if self.open_alerts > 0 {
            return Status::Alert;
        }
        let last_closed = self.schedule.iter().rev().find(|d| d.closes_at <= now);
        if last_closed.is_some_and(|d| d.filled_at.is_none()) {
            Status::Missed
        } else {
            Status::OnTrack
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpSummary {
    pub id: String,
    pub patient_name: String,
    pub protocol_title: String,
    pub start_date: String,
    pub status: Status,
    pub open_alerts: u32,
    pub last_filled_at: Option<i64>,
    pub next_due_at: Option<i64>,
}

/// A filled questionnaire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    /// Chosen by the phone, so a retry after a lost answer is recognised.
    pub id: String,
    pub index: u32,
    pub day: u32,
    pub submitted_at: i64,
    pub answers: Answers,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertView {
    pub id: String,
    pub followup_id: String,
    pub patient_name: String,
    pub level: Level,
    pub message: String,
    pub raised_at: i64,
    /// The day of the questionnaire that raised it.
    pub day: u32,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub note: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminders {
    pub sms: bool,
    pub email: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpDetail {
    pub summary: FollowUpSummary,
    pub birth_date: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub reminders: Reminders,
    pub consented_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    /// When the data will be deleted, once the follow-up has ended.
    pub purge_at: Option<i64>,
    /// The patient's language, as the clinician chose it or the patient last did.
    pub language: Option<Lang>,
    pub questionnaire: Questionnaire,
    pub schedule: Vec<Due>,
    pub submissions: Vec<Submission>,
    pub alerts: Vec<AlertView>,
    pub invitations: Vec<Invitation>,
    /// Teleconsultations started from this follow-up, oldest first.
    pub consultations: Vec<LinkedConsultation>,
}

/// A teleconsultation started from a follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedConsultation {
    pub id: String,
    pub scheduled_at: i64,
}

/// Starts (or schedules) a teleconsultation with the follow-up's patient: their
/// identity is the follow-up's, the invitation leaves by the channel they chose
/// for reminders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpConsultation {
    /// Milliseconds since the epoch; now when absent.
    #[serde(default)]
    pub scheduled_at: Option<i64>,
}

/// A questionnaire just filled, for the console's notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Filled {
    pub followup_id: String,
    pub patient_name: String,
    pub day: u32,
    pub submitted_at: i64,
}

/// What the console's banner shows: new questionnaires and alerts to handle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// Newest first.
    pub filled: Vec<Filled>,
    pub open_alerts: u32,
    pub red_alerts: u32,
}

/// What is left of a follow-up once its data is deleted: what went, and when.
/// It holds no answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionReceipt {
    pub followup_id: String,
    pub patient_name: String,
    pub protocol_title: String,
    /// The title's translations: the phone shows the receipt in the language
    /// it is read in, the clinician reads French.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_translations: Option<Element>,
    pub start_date: String,
    pub ended_at: i64,
    pub end_reason: EndReason,
    pub deleted_at: i64,
    pub questionnaires: u32,
    pub photos: u32,
    pub alerts: u32,
    pub reminders: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcknowledgeRequest {
    pub note: String,
}

/// What a follow-up link shows before the patient joins. Empty names unless
/// the link is valid or joined on this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInvitation {
    pub state: LinkState,
    pub practice: String,
    pub protocol_title: String,
    /// The title's translations, for the language the page is read in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_translations: Option<Element>,
    /// The language the clinician chose for the patient: the page opens in it.
    #[serde(default)]
    pub language: Option<Lang>,
    /// Which reminder channels the clinician gave.
    pub can_sms: bool,
    pub can_email: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinRequest {
    pub birth_date: String,
    pub consent_version: String,
    /// The language the consent was read in.
    pub language: String,
    pub reminders: Reminders,
}

/// The patient's portal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientFollowUp {
    pub practice: String,
    pub protocol_title: String,
    /// With its translations: the portal shows it in the language it is read in.
    pub questionnaire: Questionnaire,
    /// The patient's language, as the clinician chose it or the patient last did.
    #[serde(default)]
    pub language: Option<Lang>,
    pub schedule: Vec<Due>,
    /// The questionnaire to fill now, if one is open and not filled.
    pub open: Option<u32>,
    pub submissions: Vec<Submission>,
    pub reminders: Reminders,
    pub can_sms: bool,
    pub can_email: bool,
    pub ended_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    pub purge_at: Option<i64>,
}

/// What the patient's device sees: the follow-up, or once deleted its receipt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PatientView {
    Active(Box<PatientFollowUp>),
    Deleted(DeletionReceipt),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSubmission {
    /// A UUID made by the phone when the form is sent; the same id sent twice
    /// is stored once.
    pub id: String,
    pub index: u32,
    pub answers: Answers,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoView {
    pub id: String,
}

/// A submission id as the phone makes it: a UUID, 36 characters.
pub fn submission_id(value: &str) -> bool {
    value.len() == 36 && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(index: u32, closes_at: i64, filled: bool) -> Due {
        Due {
            index,
            day: index + 1,
            opens_at: closes_at - 10,
            due_at: closes_at - 5,
            closes_at,
            filled_at: filled.then_some(closes_at - 1),
            reminded_at: None,
        }
    }

    #[test]
    fn status_follows_the_facts() {
        let schedule = [due(0, 100, true), due(1, 200, false), due(2, 300, false)];
        let facts = |consented, ended, open_alerts| Facts { consented, ended, open_alerts, schedule: &schedule };
        assert_eq!(facts(false, None, 0).status(50), Status::Invited);
        assert_eq!(facts(true, None, 0).status(150), Status::OnTrack, "day 2 is still open");
        assert_eq!(facts(true, None, 0).status(250), Status::Missed, "day 2 closed unfilled");
        assert_eq!(facts(true, None, 1).status(250), Status::Alert);
        assert_eq!(facts(true, Some(EndReason::StoppedByPatient), 1).status(250), Status::Stopped);
        assert_eq!(facts(true, Some(EndReason::Finished), 0).status(400), Status::Finished);
    }

    #[test]
    fn submission_ids_are_uuids() {
        assert!(submission_id("0b7f3c1e-8f2a-4c55-9d0e-3a1b2c3d4e5f"));
        assert!(!submission_id("1"));
        assert!(!submission_id("../../../../etc/passwd-0000000000000000"));
    }

    #[test]
    fn a_questionnaire_is_to_fill_from_its_opening_not_its_due_time() {
        let due =
            Due { index: 0, day: 1, opens_at: 100, due_at: 200, closes_at: 300, filled_at: None, reminded_at: None };
        assert_eq!(due.state(99), DueState::Upcoming);
        assert_eq!(due.state(150), DueState::ToFill, "open before the hour it is due");
        assert_eq!(due.state(300), DueState::Missed);
        assert_eq!(Due { filled_at: Some(250), ..due }.state(400), DueState::Filled);
    }
}
