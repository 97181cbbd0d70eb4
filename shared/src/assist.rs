//! Video assist: a regulator sends a link by SMS, the caller accepts, and the
//! regulator sees the caller's camera. Wire types and the rules both sides share.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// Version of the consent text the caller accepts (`caller.consent_*` in the
/// app's `texts/*.json`, every language saying what the French says). Change it
/// whenever the wording's meaning changes.
pub const CONSENT_VERSION: &str = "assist-v1";

/// Longest case reference and note accepted, in characters.
pub const CASE_REFERENCE_MAX_CHARS: usize = 64;
pub const NOTE_MAX_CHARS: usize = 2000;
/// Largest snapshot or photo accepted, in bytes.
pub const PHOTO_MAX_BYTES: usize = 10 * 1024 * 1024;
/// A short video clip from the caller (a resident's breathing, a gait): at most
/// this long, recorded by the page, and at most this large.
pub const CLIP_MAX_SECONDS: u32 = 30;
pub const CLIP_MAX_BYTES: usize = 25 * 1024 * 1024;

/// What the regulator decides at the end of the assist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    MedicalAdvice,
    Gp,
    Ambulance,
    Firefighters,
    Smur,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 6] =
        [Outcome::MedicalAdvice, Outcome::Gp, Outcome::Ambulance, Outcome::Firefighters, Outcome::Smur, Outcome::Other];
}

/// A step of the case's timeline, the append-only audit trail of the assist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    /// A nursing home asked for a regulator from its tablet (no text message).
    Requested,
    /// A regulator took a nursing home's call.
    Taken,
    SmsSent,
    SmsFailed,
    LinkResent,
    LinkOpened,
    ConsentGiven,
    CallStarted,
    CallEnded,
    Snapshot,
    Photo,
    /// A short video clip sent by the caller.
    Clip,
    Location,
    Decision,
    /// The caller chose the language of their page (its code in the detail).
    LanguageChosen,
    /// Silent chat: the regulator sent a ready phrase (its French text in the
    /// detail; the caller read it in their language).
    PhraseSent,
    /// Silent chat: the regulator typed a message (shown as typed, not translated).
    TextSent,
    /// Silent chat: the caller answered in one tap (in French in the detail).
    AnswerReceived,
    /// Silent chat: the caller typed a message (as typed, not translated).
    TextReceived,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub kind: EventKind,
    /// Free text for people (e.g. the decision's note, the consent version).
    pub detail: String,
}

/// Orders events as they happened; events of the same millisecond keep the
/// order in which they were recorded (`seq`).
pub fn order_timeline(events: &mut [(i64, i64, TimelineEvent)]) {
    events.sort_by_key(|(at, seq, _)| (*at, *seq));
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAssist {
    /// The caller's mobile number, French or international.
    pub phone: String,
    #[serde(default)]
    pub case_reference: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The language the caller reads: the text message and the page are in it.
    /// None: the page follows the phone's language, the message is in French.
    #[serde(default)]
    pub language: Option<Lang>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistSummary {
    pub id: String,
    /// The caller's number as people read it (`06 12 34 56 78`), or the name
    /// of the nursing home that called from its tablet.
    pub phone: String,
    pub case_reference: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    pub outcome: Option<Outcome>,
    /// What the regulator wrote when starting the case (what the caller said).
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotView {
    pub id: String,
    pub taken_at: i64,
    pub content_type: String,
    pub bytes: i64,
    /// `snapshot` (asked by the regulator during video) or `photo` (sent by the caller).
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsView {
    pub id: String,
    pub assist_id: String,
    pub to: String,
    pub body: String,
    pub created_at: i64,
    /// `sent` or `failed`.
    pub status: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistDetail {
    pub summary: AssistSummary,
    /// The caller's language, as the regulator chose it or the caller last did.
    pub language: Option<Lang>,
    pub decision_note: Option<String>,
    /// Set when a nursing home placed the call from its tablet.
    pub call: Option<crate::nursing_home::IncomingCall>,
    pub timeline: Vec<TimelineEvent>,
    /// The silent chat, oldest first, its phrases and answers in French.
    #[serde(default)]
    pub messages: Vec<crate::silent::SilentMessage>,
    pub snapshots: Vec<SnapshotView>,
    pub sms: Vec<SmsView>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionRequest {
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
}

/// What a patient link's page shows before anything is accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Can be accepted.
    Valid,
    /// Accepted on this device already: go straight on.
    AcceptedHere,
    /// Accepted on another phone.
    InUse,
    /// Too old, or replaced by a newer link.
    Expired,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkInfo {
    pub state: LinkState,
    /// Who is asking: the SAMU centre's name.
    pub organisation: String,
    /// The case, only when this device has already accepted the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assist_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageChoice {
    pub language: Lang,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptRequest {
    pub consent_version: String,
    /// The language the consent was read in.
    pub language: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub assist_id: String,
}

/// Where the caller is, as their phone reports it, shared only on their tap.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationReport {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of the 95 % confidence circle, in metres.
    pub accuracy_m: f64,
}

impl LocationReport {
    pub fn is_valid(&self) -> bool {
        (-90.0..=90.0).contains(&self.latitude)
            && (-180.0..=180.0).contains(&self.longitude)
            && (0.0..=1_000_000.0).contains(&self.accuracy_m)
    }

    /// The timeline's wording, which `parse` reads back: `48.692400, 6.184400 ±25 m`.
    pub fn describe(&self) -> String {
        format!("{:.6}, {:.6} ±{:.0} m", self.latitude, self.longitude, self.accuracy_m)
    }

    pub fn parse(text: &str) -> Option<LocationReport> {
        let (coordinates, accuracy) = text.split_once(" ±")?;
        let (latitude, longitude) = coordinates.split_once(", ")?;
        let report = LocationReport {
            latitude: latitude.parse().ok()?,
            longitude: longitude.parse().ok()?,
            accuracy_m: accuracy.strip_suffix(" m")?.parse().ok()?,
        };
        report.is_valid().then_some(report)
    }

    /// A map centred on the position, openable from the console.
    pub fn map_url(&self) -> String {
        format!(
            "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=17/{lat:.6}/{lon:.6}",
            lat = self.latitude,
            lon = self.longitude
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_round_trip_through_the_timeline() {
        let here = LocationReport { latitude: 48.6924, longitude: 6.1844, accuracy_m: 25.4 };
        assert_eq!(here.describe(), "48.692400, 6.184400 ±25 m");
        let back = LocationReport::parse(&here.describe()).unwrap();
        assert_eq!((back.latitude, back.longitude, back.accuracy_m), (48.6924, 6.1844, 25.0));
        assert!(here.map_url().contains("mlat=48.692400&mlon=6.184400"));
        assert!(!LocationReport { latitude: 91.0, ..here }.is_valid());
        assert!(!LocationReport { accuracy_m: f64::NAN, ..here }.is_valid());
        assert_eq!(LocationReport::parse("nowhere"), None);
    }

    #[test]
    fn timeline_orders_by_time_then_recording_order() {
        let event = |kind| TimelineEvent { at: 0, kind, detail: String::new() };
        let mut events = vec![
            (20, 3, event(EventKind::Decision)),
            (10, 2, event(EventKind::SmsSent)),
            (10, 1, event(EventKind::Created)),
            (15, 4, event(EventKind::ConsentGiven)),
        ];
        order_timeline(&mut events);
        let kinds: Vec<_> = events.iter().map(|(_, _, e)| e.kind).collect();
        assert_eq!(kinds, [EventKind::Created, EventKind::SmsSent, EventKind::ConsentGiven, EventKind::Decision]);
    }
}
