//! Tele-expertise: a requesting site (GP practice, nursing home, SAMU centre)
//! sends a structured request with images to an expert site, whose specialists
//! answer in a thread. The request form of each specialty is data: a FHIR
//! `Questionnaire` as in tele-monitoring, plus how many images it needs and how
//! to take them. The status rules live here so both sides read them alike.

use serde::{Deserialize, Serialize};

use crate::consultation;
use crate::monitoring::questionnaire::{Answers, Questionnaire};
use crate::validate::{self, required_text, Invalid};

/// Longest message in a thread (question, reply, answer).
pub const MESSAGE_MAX_CHARS: usize = 4000;
/// Files (images, DICOM) one request may hold, the thread's included.
pub const FILES_MAX: usize = 20;
/// Largest JPEG or PNG photo.
pub const IMAGE_MAX_BYTES: usize = 15 * 1024 * 1024;
/// Largest DICOM file: one CT or MR slice is well under this; a whole series is
/// sent slice by slice.
pub const DICOM_MAX_BYTES: usize = 50 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Specialty {
    Dermatology,
    /// Télé-AVC: stroke, for emergency departments without a stroke unit.
    Stroke,
    /// Any other question to a specialist.
    General,
}

impl Specialty {
    pub const ALL: [Specialty; 3] = [Specialty::Dermatology, Specialty::Stroke, Specialty::General];

    pub fn as_str(self) -> &'static str {
        match self {
            Specialty::Dermatology => "dermatology",
            Specialty::Stroke => "stroke",
            Specialty::General => "general",
        }
    }

    pub fn parse(s: &str) -> Option<Specialty> {
        Specialty::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// An answer within days.
    #[default]
    Routine,
    /// An answer within hours; first in the queue.
    Urgent,
}

/// Where a request stands. Each change is a message of the thread, with its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Taken,
    NeedsInformation,
    Answered,
    Closed,
}

/// What a message of the thread does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The requester sends the request.
    Submit,
    /// A specialist takes it: they will answer.
    Take,
    /// The specialist asks the requester for more.
    AskInformation,
    /// The requester answers the specialist's question.
    Reply,
    /// The specialist's recommendation.
    Answer,
    Close,
    /// A teleconsultation with the patient was scheduled from the request.
    Escalate,
}

/// Which side of a request someone is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Requester,
    Expert,
}

impl Status {
    /// Live video between the two sites is open from when a specialist takes
    /// the request until it is closed.
    pub fn video_open(self) -> bool {
        matches!(self, Status::Taken | Status::NeedsInformation | Status::Answered)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Taken => "taken",
            Status::NeedsInformation => "needs_information",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [Status::Submitted, Status::Taken, Status::NeedsInformation, Status::Answered, Status::Closed]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// The status after `side` takes `step`, or `None` when that step is not
    /// theirs to take now. Only the specialist who took a request answers it
    /// (checked by the server, which knows who that is).
    pub fn after(self, side: Side, step: Step) -> Option<Status> {
        use {Side::*, Status::*, Step::*};
        match (self, side, step) {
            (Submitted, Expert, Take) => Some(Taken),
            (Taken, Expert, AskInformation) => Some(NeedsInformation),
            (NeedsInformation, Requester, Reply) => Some(Taken),
            (Taken | NeedsInformation, Expert, Answer) => Some(Answered),
            (Answered, _, Close) => Some(Closed),
            (Submitted | Taken | NeedsInformation | Answered, Expert, Escalate) => Some(self),
            _ => None,
        }
    }

    /// Whether the requester has something new to read.
    pub fn awaits_requester(self) -> bool {
        matches!(self, Status::NeedsInformation | Status::Answered)
    }
}

/// The images a specialty's form asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImageRule {
    /// Fewest images a request must carry.
    pub min: usize,
    /// Whether DICOM files (imaging) are expected rather than photos.
    #[serde(default)]
    pub dicom: bool,
    /// How to take them (distance, light, a ruler), shown beside the picker.
    #[serde(default)]
    pub guidance: Vec<String>,
}

/// The request form of one specialty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertForm {
    pub specialty: Specialty,
    pub version: u32,
    pub title: String,
    pub images: ImageRule,
    pub questionnaire: Questionnaire,
}

impl ExpertForm {
    /// Reads a form file and checks what the form engine relies on: unique
    /// question ids, and no photo question (images are the request's files).
    pub fn parse(json: &str) -> Result<ExpertForm, String> {
        let form: ExpertForm = serde_json::from_str(json).map_err(|e| format!("not a request form: {e}"))?;
        let mut ids: Vec<&str> = form.questionnaire.item.iter().map(|i| i.link_id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err("two questions share an id".to_owned());
        }
        if form.questionnaire.item.iter().any(|i| i.kind == crate::monitoring::questionnaire::ItemType::Attachment) {
            return Err("images are the request's files, not questions".to_owned());
        }
        Ok(form)
    }
}

/// An expert site and the specialties it answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertSite {
    pub id: String,
    pub name: String,
    pub specialties: Vec<Specialty>,
}

/// Who the request is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Patient {
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
}

impl Patient {
    pub fn checked(&self, today: &str) -> Result<Patient, Invalid> {
        validate::name("last_name", &self.last_name)?;
        validate::name("first_name", &self.first_name)?;
        consultation::birth_date(&self.birth_date, today)?;
        Ok(Patient {
            last_name: self.last_name.trim().to_owned(),
            first_name: self.first_name.trim().to_owned(),
            birth_date: self.birth_date.clone(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRequest {
    pub expert_site_id: String,
    pub specialty: Specialty,
    #[serde(default)]
    pub urgency: Urgency,
    pub patient: Patient,
    pub answers: Answers,
    /// Files uploaded beforehand by the requester.
    pub file_ids: Vec<String>,
}

/// A step of the thread (take, a question, a reply, the answer, closing), with
/// its text and files uploaded beforehand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepRequest {
    pub step: Step,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub file_ids: Vec<String>,
}

impl StepRequest {
    pub fn checked_body(&self) -> Result<String, Invalid> {
        if self.file_ids.len() > FILES_MAX {
            return Err(Invalid { field: "files", message: "This request holds as many files as it can." });
        }
        required_text("body", &self.body, MESSAGE_MAX_CHARS)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// A JPEG or PNG photo, shown as it is.
    Photo,
    /// A DICOM file, shown through the preview the server renders.
    Dicom,
    /// A CT or MR series (several DICOM files, or a zip of them), in slice
    /// order, scrolled in the series viewer.
    Series,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileView {
    pub id: String,
    pub name: String,
    pub kind: FileKind,
    pub bytes: i64,
    /// Of the image shown (the preview for DICOM).
    pub width: u32,
    pub height: u32,
    /// For DICOM: modality and description ("CT — Crâne sans injection").
    pub description: Option<String>,
    /// For a series: how many slices (each `width` × `height`).
    #[serde(default)]
    pub slices: u32,
}

/// A request as a queue or a list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub id: String,
    pub specialty: Specialty,
    pub urgency: Urgency,
    pub status: Status,
    pub patient_name: String,
    pub requesting_site: String,
    pub expert_site: String,
    pub submitted_at: i64,
    /// When the status last changed.
    pub updated_at: i64,
    /// The requester has not read the latest question or answer yet.
    pub unread: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub step: Step,
    pub side: Side,
    pub author: String,
    pub body: String,
    pub at: i64,
    pub file_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub patient: Patient,
    /// The form as it was when the request was sent.
    pub form: ExpertForm,
    pub answers: Answers,
    pub requester: String,
    /// The specialist who took it.
    pub expert: Option<String>,
    /// Which side the reader is on, so the page offers their steps only.
    pub side: Side,
    /// The reader is the specialist who took it: they go on with it.
    pub taken_by_you: bool,
    pub files: Vec<FileView>,
    /// Oldest first.
    pub thread: Vec<Message>,
    /// The teleconsultation scheduled from this request, if any.
    pub consultation_id: Option<String>,
    /// Whom an urgent request rang, when the site keeps a rota.
    pub rung: Option<crate::on_call::Rung>,
    /// When live video between the two sites first connected.
    pub video_started_at: Option<i64>,
    /// A stroke request's timeline (Télé-AVC).
    pub stroke: Option<crate::stroke::StrokeTimeline>,
    /// A stroke request's NIHSS, scored live.
    pub nihss: Option<crate::nihss::Nihss>,
}

/// A teleconsultation the specialist schedules with the patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Escalation {
    /// Milliseconds since the Unix epoch.
    pub scheduled_at: i64,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// What waits for the reader: requests answered or questioned (requester), and
/// untaken requests in the queue (expert site).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Waiting {
    pub unread: u32,
    pub queued: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Side::*;

    #[test]
    fn a_request_goes_from_submitted_to_closed_through_the_thread() {
        let mut status = Status::Submitted;
        for (side, step, next) in [
            (Expert, Step::Take, Status::Taken),
            (Expert, Step::AskInformation, Status::NeedsInformation),
            (Requester, Step::Reply, Status::Taken),
            (Expert, Step::Answer, Status::Answered),
            (Requester, Step::Close, Status::Closed),
        ] {
            status = status.after(side, step).unwrap_or_else(|| panic!("{step:?} refused in {status:?}"));
            assert_eq!(status, next);
        }
    }

    #[test]
    fn steps_out_of_turn_are_refused() {
        assert_eq!(Status::Submitted.after(Requester, Step::Take), None);
        assert_eq!(Status::Submitted.after(Expert, Step::Answer), None, "take it first");
        assert_eq!(Status::Taken.after(Requester, Step::Reply), None, "nothing was asked");
        assert_eq!(Status::Answered.after(Expert, Step::AskInformation), None);
        assert_eq!(Status::Closed.after(Expert, Step::Escalate), None);
        assert_eq!(Status::Taken.after(Expert, Step::Escalate), Some(Status::Taken));
        for status in [Status::Submitted, Status::Taken, Status::NeedsInformation, Status::Answered, Status::Closed] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert!(Status::Answered.awaits_requester() && !Status::Taken.awaits_requester());
    }

    #[test]
    fn posts_and_patients_are_checked() {
        let blank = StepRequest { step: Step::Answer, body: " ".into(), file_ids: vec![] };
        assert_eq!(blank.checked_body().unwrap_err().field, "body");
        let many = StepRequest { body: "x".into(), file_ids: vec!["a".into(); FILES_MAX + 1], ..blank };
        assert_eq!(many.checked_body().unwrap_err().field, "files");
        let patient = Patient { last_name: " Roy ".into(), first_name: "Léa".into(), birth_date: "1990-02-03".into() };
        assert_eq!(patient.checked("2026-11-23").unwrap().last_name, "Roy");
        let unborn = Patient { birth_date: "2027-01-01".into(), ..patient };
        assert_eq!(unborn.checked("2026-11-23").unwrap_err().field, "birth_date");
    }

    #[test]
    fn forms_with_photo_questions_or_twin_ids_are_refused() {
        let form = |items: &str| {
            format!(
                r#"{{"specialty":"general","version":1,"title":"t","images":{{"min":0}},
                "questionnaire":{{"resourceType":"Questionnaire","id":"g","title":"t","item":[{items}]}}}}"#
            )
        };
        assert!(ExpertForm::parse(&form(r#"{"linkId":"a","text":"A","type":"text"}"#)).is_ok());
        let twins = r#"{"linkId":"a","text":"A","type":"text"},{"linkId":"a","text":"B","type":"text"}"#;
        assert!(ExpertForm::parse(&form(twins)).is_err());
        assert!(ExpertForm::parse(&form(r#"{"linkId":"p","text":"P","type":"attachment"}"#)).is_err());
    }
}
