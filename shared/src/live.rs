//! The console's live channel (`/ws/console`): what a clinician must learn at
//! once, pushed by the server instead of asked for. News carry identifiers and
//! what happened, never patient data: a page that cares fetches the record
//! through the API, where every read is authorized and audited.

use serde::{Deserialize, Serialize};

use crate::assist::EventKind;
use crate::Action;

/// The server sends one at least this often, so a console notices a link
/// that died silently (a sleeping laptop, a dropped Wi-Fi) without a close.
pub const HEARTBEAT_SECS: u64 = 15;

/// Silence after which the console counts the channel lost and reconnects:
/// two missed heartbeats and some slack.
pub const SILENCE_LIMIT_SECS: u64 = 2 * HEARTBEAT_SECS + 10;

/// What the server sends on the channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// The channel is up. Whatever happened while it was down was not sent:
    /// every page fetches its data again.
    Welcome,
    Heartbeat,
    News {
        news: News,
    },
    /// This console fell behind and news were dropped: fetch everything again.
    Resync,
}

/// Something changed that a clinician of the organisation may need to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "topic", rename_all = "snake_case")]
pub enum News {
    /// A video assist's timeline grew: link opened, consent, call started,
    /// photo, decision, a nursing home's call ringing or taken…
    Assist { id: String, event: EventKind },
    /// The caller's phone joined or left the video room (page opened or
    /// closed, network lost).
    Caller { assist_id: String, present: bool },
    /// A consultation moved: a patient entered the waiting room, was admitted,
    /// left, or it ended.
    Consultation { id: String },
    /// A follow-up raised an alert, or ended.
    FollowUp { id: String, alert: bool },
    /// A tele-expertise request was sent, answered, or its thread grew.
    Expertise { id: String },
    /// The specialist in a request's live video asks the bedside to move the camera.
    CameraAsk { id: String, ask: CameraAsk },
}

/// What a specialist in a live video asks the team at the bedside to show:
/// a remote neurological examination needs the face, each arm held up, each leg.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CameraAsk {
    Face,
    Arms,
    Legs,
    WholeBody,
    Closer,
    Steady,
}

/// The body of the specialist's ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CameraRequest {
    pub ask: CameraAsk,
}

impl CameraAsk {
    pub const ALL: [CameraAsk; 6] =
        [CameraAsk::Face, CameraAsk::Arms, CameraAsk::Legs, CameraAsk::WholeBody, CameraAsk::Closer, CameraAsk::Steady];
}

impl News {
    /// What a member must be allowed to do to be told: the channel carries no
    /// more than the pages the member may open.
    pub fn needs(&self) -> &'static [Action] {
        match self {
            News::Assist { .. } | News::Caller { .. } => &[Action::ConductAssist],
            News::Consultation { .. } => &[Action::ConductConsultation],
            News::FollowUp { .. } => &[Action::MonitorPatients],
            News::Expertise { .. } => &[Action::RequestExpertise, Action::AnswerExpertise],
            News::CameraAsk { .. } => &[Action::RequestExpertise],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_back_as_sent() {
        let sent = LiveMessage::News { news: News::Assist { id: "a1".into(), event: EventKind::LinkOpened } };
        let text = serde_json::to_string(&sent).unwrap();
        assert_eq!(text, r#"{"type":"news","news":{"topic":"assist","id":"a1","event":"link_opened"}}"#);
        assert_eq!(serde_json::from_str::<LiveMessage>(&text).unwrap(), sent);
    }

    #[test]
    fn only_members_who_may_act_are_told() {
        let caller = News::Caller { assist_id: "a1".into(), present: true };
        assert!(crate::Role::Regulator.may(caller.needs()[0]));
        let expertise = News::Expertise { id: "e1".into() };
        assert!(expertise.needs().iter().any(|&action| crate::Role::Specialist.may(action)));
    }
}
