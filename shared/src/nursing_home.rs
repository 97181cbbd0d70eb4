//! Nursing homes (EHPAD): the residents a home manages, and the calls its
//! nurses place to the SAMU centre the home is linked to. A call is a video
//! assist case of that centre, started from the tablet instead of a text message.

use serde::{Deserialize, Serialize};

use crate::assist::Outcome;
use crate::consultation;
use crate::validate::{self, optional_text, required_text, Invalid};

pub const ROOM_MAX_CHARS: usize = 20;
pub const REASON_MAX_CHARS: usize = 500;
/// Longest search text: a name, typed.
pub const SEARCH_MAX_CHARS: usize = 100;

/// A resident as a nurse enters them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewResident {
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub room: String,
    /// The attending GP, as the home knows them ("Dr Durand").
    #[serde(default)]
    pub gp_name: Option<String>,
}

impl NewResident {
    /// Checks every field; returns the resident trimmed, the GP's name `None` when blank.
    pub fn checked(&self, today: &str) -> Result<NewResident, Invalid> {
        validate::name("last_name", &self.last_name)?;
        validate::name("first_name", &self.first_name)?;
        consultation::birth_date(&self.birth_date, today)?;
        let room = required_text("room", &self.room, ROOM_MAX_CHARS)?;
        let gp_name = optional_text("gp_name", self.gp_name.as_deref(), validate::NAME_MAX_CHARS)?;
        Ok(NewResident {
            last_name: self.last_name.trim().to_owned(),
            first_name: self.first_name.trim().to_owned(),
            birth_date: self.birth_date.clone(),
            room,
            gp_name,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resident {
    pub id: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    pub room: String,
    pub gp_name: Option<String>,
}

/// The nurse asks for a regulator: why, in a few words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallRequest {
    pub reason: String,
}

impl CallRequest {
    pub fn checked_reason(&self) -> Result<String, Invalid> {
        required_text("reason", &self.reason, REASON_MAX_CHARS)
    }
}

/// Where the tablet goes once the call is placed: the caller's page of the case,
/// the same one a phone opens from a text message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallPlaced {
    pub assist_id: String,
    /// `/v/<token>`: the caller link, opened by this tablet.
    pub caller_path: String,
}

/// Where a call stands, as the nursing home sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    /// Ringing in the SAMU centre; no regulator has taken it yet.
    Ringing,
    /// A regulator took it and has not decided yet.
    Taken,
    Decided,
}

impl CallStatus {
    pub fn of(taken_at: Option<i64>, outcome: Option<Outcome>) -> CallStatus {
        match (taken_at, outcome) {
            (_, Some(_)) => CallStatus::Decided,
            (Some(_), None) => CallStatus::Taken,
            (None, None) => CallStatus::Ringing,
        }
    }
}

/// One call in a resident's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentCall {
    pub assist_id: String,
    pub requested_at: i64,
    pub requested_by: String,
    pub reason: String,
    pub status: CallStatus,
    /// The regulator who took the call.
    pub regulator: Option<String>,
    pub outcome: Option<Outcome>,
    pub decision_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentDetail {
    pub resident: Resident,
    /// Newest first.
    pub calls: Vec<ResidentCall>,
}

/// A call ringing in the SAMU centre, with what the regulator needs to know first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomingCall {
    pub assist_id: String,
    pub nursing_home: String,
    pub resident_name: String,
    pub birth_date: String,
    pub room: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident() -> NewResident {
        NewResident {
            last_name: " Moreau ".into(),
            first_name: "Jeanne".into(),
            birth_date: "1934-05-12".into(),
            room: " 12B ".into(),
            gp_name: Some("  ".into()),
        }
    }

    #[test]
    fn residents_are_checked_and_trimmed() {
        let checked = resident().checked("2026-11-23").unwrap();
        assert_eq!((checked.last_name.as_str(), checked.room.as_str(), checked.gp_name), ("Moreau", "12B", None));
        let no_room = NewResident { room: " ".into(), ..resident() };
        assert_eq!(no_room.checked("2026-11-23").unwrap_err().field, "room");
        let long_room = NewResident { room: "x".repeat(ROOM_MAX_CHARS + 1), ..resident() };
        assert_eq!(long_room.checked("2026-11-23").unwrap_err().field, "room");
        let unborn = NewResident { birth_date: "2030-01-01".into(), ..resident() };
        assert_eq!(unborn.checked("2026-11-23").unwrap_err().field, "birth_date");
        assert_eq!(CallRequest { reason: "\n ".into() }.checked_reason().unwrap_err().field, "reason");
    }

    #[test]
    fn a_call_rings_until_taken_then_waits_for_the_decision() {
        assert_eq!(CallStatus::of(None, None), CallStatus::Ringing);
        assert_eq!(CallStatus::of(Some(1), None), CallStatus::Taken);
        assert_eq!(CallStatus::of(Some(1), Some(Outcome::Ambulance)), CallStatus::Decided);
    }
}
