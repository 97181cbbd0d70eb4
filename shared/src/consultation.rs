//! Teleconsultation: a GP schedules a video consultation, the patient is invited
//! by text message and/or e-mail, confirms who they are, waits, and is admitted.
//! Wire types and the rules both sides share.

use serde::{Deserialize, Serialize};

use crate::validate::Invalid;

/// Version of the consent text the patient accepts (texts in the app's locale
/// files under `consultation_consent`). Change it whenever the meaning changes.
pub const CONSENT_VERSION: &str = "consultation-v1";

pub const REASON_MAX_CHARS: usize = 500;
pub const MESSAGE_MAX_CHARS: usize = 2000;
pub const REPORT_MAX_CHARS: usize = 20_000;
/// Largest document (PDF, JPEG, PNG) exchanged in a consultation, in bytes.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Documents one consultation may hold.
pub const MAX_DOCUMENTS: i64 = 50;
/// Wrong dates of birth tolerated before the link is locked: the date has only
/// ~36 500 possible values, so guessing must be cut short.
pub const MAX_IDENTITY_FAILURES: i64 = 5;
/// A patient who has not arrived this long after the appointment has missed it.
pub const MISSED_AFTER_MS: i64 = 30 * 60 * 1000;

/// Where an appointment stands, as the GP's day view shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Invited,
    Waiting,
    InConsultation,
    Done,
    Missed,
}

/// The moments that decide the status, as stored.
#[derive(Clone, Copy, Debug, Default)]
pub struct Milestones {
    pub scheduled_at: i64,
    pub waiting_since: Option<i64>,
    pub admitted_at: Option<i64>,
    pub ended_at: Option<i64>,
}

impl Milestones {
    /// The status at `now`. Missed is derived, never stored: a patient arriving
    /// late is still let in if the GP wants to.
    pub fn status(&self, now: i64) -> Status {
        if self.ended_at.is_some() {
            Status::Done
        } else if self.admitted_at.is_some() {
            Status::InConsultation
        } else if self.waiting_since.is_some() {
            Status::Waiting
        } else if now > self.scheduled_at + MISSED_AFTER_MS {
            Status::Missed
        } else {
            Status::Invited
        }
    }
}

/// A calendar date `YYYY-MM-DD` that exists (leap years included), no earlier
/// than 1900 and not after `today` (same format).
pub fn birth_date(value: &str, today: &str) -> Result<(), Invalid> {
    let bad = Invalid { field: "birth_date", message: "Enter a real date of birth (YYYY-MM-DD)." };
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad) };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad);
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else { return Err(bad) };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad),
    };
    // ISO dates of the same format compare correctly as strings.
    if y < 1900 || d == 0 || d > days || value > today {
        return Err(bad);
    }
    Ok(())
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConsultation {
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`; the patient must give it to enter.
    pub birth_date: String,
    /// French mobile, for the text-message invitation.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub scheduled_at: i64,
    pub reason: String,
    #[serde(default)]
    pub payment_mode: crate::payment::Mode,
    /// The fee in cents; the teleconsultation tariff when absent.
    #[serde(default)]
    pub fee_cents: Option<i64>,
    /// The language the patient reads: the invitation is written in it and
    /// the page opens in it. None: French, and the page follows the phone.
    #[serde(default)]
    pub language: Option<crate::lang::Lang>,
}

/// How one invitation went out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// `sms` or `email`.
    pub channel: String,
    /// Where it went (phone in display form, or address).
    pub to: String,
    pub at: i64,
    /// Why it could not be sent; `None` when it left.
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationSummary {
    pub id: String,
    pub patient_name: String,
    pub scheduled_at: i64,
    pub reason: String,
    pub status: Status,
    pub clinician_name: String,
    /// When the patient entered the waiting room.
    pub waiting_since: Option<i64>,
}

/// Who wrote a chat message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Clinician,
    Patient,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    pub id: String,
    pub author: Author,
    pub body: String,
    pub at: i64,
}

/// A document exchanged during the consultation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: String,
    pub author: Author,
    /// The file name as sent, cleaned of paths and control characters.
    pub name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, as found in the content.
    pub content_type: String,
    pub bytes: i64,
    pub at: i64,
}

/// A file name safe to store and show: no path, no control or quoting
/// characters, at most 100 characters; `document` when nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | '<' | '>')).take(100).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        "document".to_owned()
    } else {
        cleaned
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMessage {
    pub body: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRequest {
    pub report: String,
}

/// The GP's view of one consultation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationDetail {
    pub summary: ConsultationSummary,
    pub birth_date: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub invitations: Vec<Invitation>,
    pub messages: Vec<ChatMessage>,
    pub documents: Vec<DocumentView>,
    pub prescriptions: Vec<crate::prescription::PrescriptionSummary>,
    pub payment: crate::payment::PaymentView,
    pub report: String,
    /// Consent text version the patient accepted, and when.
    pub consent: Option<(String, i64)>,
    /// The follow-up it was started from, while that follow-up's data is kept.
    pub followup_id: Option<String>,
    /// The patient's language: as the GP chose it, then as the patient read the consent.
    pub language: Option<crate::lang::Lang>,
}

/// What opening an invitation link shows, before anyone proves who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationInfo {
    pub state: crate::assist::LinkState,
    /// The practice and the doctor; empty unless the link is usable here.
    pub practice: String,
    pub clinician_name: String,
    pub scheduled_at: i64,
    /// The language the page opens in on a phone that never entered: the
    /// patient's, as the GP chose it or the patient read the consent.
    pub language: Option<crate::lang::Lang>,
}

/// The patient's answer to the identity and consent screen.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnterRequest {
    pub birth_date: String,
    pub consent_version: String,
    /// The page's language when consent was given.
    pub language: String,
}

/// The patient's view of their consultation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientConsultation {
    pub id: String,
    pub practice: String,
    pub clinician_name: String,
    pub scheduled_at: i64,
    pub status: Status,
    pub messages: Vec<ChatMessage>,
    pub documents: Vec<DocumentView>,
    pub prescriptions: Vec<crate::prescription::PrescriptionSummary>,
    pub payment: crate::payment::PaymentView,
    /// The GP's report, once written.
    pub report: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_milestones() {
        let at = 1_000_000_000;
        let mut m = Milestones { scheduled_at: at, ..Milestones::default() };
        assert_eq!(m.status(at - 1), Status::Invited);
        assert_eq!(m.status(at + MISSED_AFTER_MS), Status::Invited);
        assert_eq!(m.status(at + MISSED_AFTER_MS + 1), Status::Missed);
        // Late but arrived: waiting, not missed.
        m.waiting_since = Some(at + 2 * MISSED_AFTER_MS);
        assert_eq!(m.status(at + 3 * MISSED_AFTER_MS), Status::Waiting);
        m.admitted_at = Some(at + 3 * MISSED_AFTER_MS);
        assert_eq!(m.status(at), Status::InConsultation);
        m.ended_at = Some(at + 4 * MISSED_AFTER_MS);
        assert_eq!(m.status(at), Status::Done);
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("ordonnance.pdf"), "ordonnance.pdf");
        assert_eq!(clean_file_name("C:\\Users\\x\\scan.png"), "scan.png");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\nc.pdf"), "abc.pdf");
        assert_eq!(clean_file_name(".."), "document");
        assert_eq!(clean_file_name(""), "document");
        assert_eq!(clean_file_name(&"x".repeat(300)).chars().count(), 100);
    }

    #[test]
    fn birth_dates() {
        let today = "2026-11-22";
        for good in ["1950-01-31", "2000-02-29", "2026-11-22", "1900-01-01"] {
            assert!(birth_date(good, today).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1950-1-31",
            "31/01/1950",
            "1900-02-29",
            "2023-02-29",
            "1950-04-31",
            "1950-13-01",
            "2026-11-23",
            "1899-12-31",
            "1950-00-10",
            "1950-01-00",
            "abcd-ef-gh",
        ] {
            assert_eq!(birth_date(bad, today).unwrap_err().field, "birth_date", "{bad}");
        }
    }
}
