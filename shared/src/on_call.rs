//! Who answers an expert site's urgent requests now. Per specialty the site
//! names the specialist on call and a fallback; an urgent request rings the
//! one on call at once and, still untaken after the set time, the fallback too.
//! Who rings and from when is fixed when the request is sent, so every node
//! and every console computes the same answer with no job to run.

use serde::{Deserialize, Serialize};

use crate::expertise::{RequestSummary, Specialty};
use crate::validate::Invalid;

/// Minutes before the fallback rings, when the site does not say.
pub const DEFAULT_ESCALATE_MINUTES: u32 = 5;
/// A fallback rung after more than an hour would not help a stroke.
pub const ESCALATE_MINUTES_MAX: u32 = 60;

/// A specialty's rota, as the expert site set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rota {
    pub specialty: Specialty,
    pub on_call_id: String,
    pub on_call_name: String,
    pub fallback_id: Option<String>,
    pub fallback_name: Option<String>,
    pub escalate_after_minutes: u32,
}

/// A specialist of the site, who may be put on call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Specialist {
    pub id: String,
    pub name: String,
}

/// The site's rotas and who may be on them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnCall {
    /// The specialties the site answers, each of which may have a rota.
    pub specialties: Vec<Specialty>,
    pub rotas: Vec<Rota>,
    pub specialists: Vec<Specialist>,
}

/// Sets (or, with no one on call, clears) a specialty's rota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotaUpdate {
    pub specialty: Specialty,
    pub on_call_id: Option<String>,
    pub fallback_id: Option<String>,
    pub escalate_after_minutes: u32,
}

impl RotaUpdate {
    /// The checks that need no database: a fallback other than the one on
    /// call, and a time within reason.
    pub fn check(&self) -> Result<(), Invalid> {
        if self.on_call_id.is_none() && self.fallback_id.is_some() {
            return Err(Invalid { field: "on_call_id", message: "Choose who is on call before a fallback." });
        }
        if self.fallback_id.is_some() && self.fallback_id == self.on_call_id {
            return Err(Invalid { field: "fallback_id", message: "The fallback must be someone else." });
        }
        if !(1..=ESCALATE_MINUTES_MAX).contains(&self.escalate_after_minutes) {
            return Err(Invalid { field: "escalate_after_minutes", message: "Between 1 and 60 minutes." });
        }
        Ok(())
    }
}

/// Who an urgent request rings, fixed when it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rung {
    pub on_call: String,
    pub fallback: Option<String>,
    /// When the fallback starts ringing too, if the request is still untaken.
    pub escalate_at: i64,
}

/// From when a request sent at `sent_at` rings for `user`: the one on call at
/// once, the fallback from `escalate_at`, anyone else never.
pub fn rings_from(
    user: &str,
    on_call_id: &str,
    fallback_id: Option<&str>,
    sent_at: i64,
    escalate_at: i64,
) -> Option<i64> {
    if user == on_call_id {
        Some(sent_at)
    } else if fallback_id == Some(user) {
        Some(escalate_at)
    } else {
        None
    }
}

/// An urgent request ringing for the reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RingingRequest {
    pub request: RequestSummary,
    /// The reader is the fallback: the one on call has not taken it.
    pub as_fallback: bool,
}

/// What rings for the reader now, and when the next one will.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ringing {
    pub now: Vec<RingingRequest>,
    /// In how long an untaken request starts ringing for the reader as
    /// fallback: the console asks again then (a delay, not a time, so a
    /// console's clock set wrong does not matter).
    pub next_in_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_on_call_rings_at_once_the_fallback_later_and_no_one_else() {
        assert_eq!(rings_from("a", "a", Some("b"), 100, 400), Some(100));
        assert_eq!(rings_from("b", "a", Some("b"), 100, 400), Some(400));
        assert_eq!(rings_from("c", "a", Some("b"), 100, 400), None);
        assert_eq!(rings_from("b", "a", None, 100, 400), None);
    }

    #[test]
    fn a_rota_needs_someone_on_call_another_fallback_and_a_reasonable_time() {
        let rota = |on_call: Option<&str>, fallback: Option<&str>, minutes| RotaUpdate {
            specialty: Specialty::Stroke,
            on_call_id: on_call.map(str::to_owned),
            fallback_id: fallback.map(str::to_owned),
            escalate_after_minutes: minutes,
        };
        assert!(rota(Some("a"), Some("b"), 5).check().is_ok());
        assert!(rota(Some("a"), None, 1).check().is_ok());
        assert!(rota(None, None, 5).check().is_ok(), "clearing the rota");
        assert_eq!(rota(Some("a"), Some("a"), 5).check().unwrap_err().field, "fallback_id");
        assert_eq!(rota(None, Some("b"), 5).check().unwrap_err().field, "on_call_id");
        assert_eq!(rota(Some("a"), None, 0).check().unwrap_err().field, "escalate_after_minutes");
        assert_eq!(rota(Some("a"), None, 61).check().unwrap_err().field, "escalate_after_minutes");
    }
}
