//! Request and response bodies of the REST API under `/api/v1`.

use serde::{Deserialize, Serialize};

use crate::access::{OrganisationKind, Role};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub kind: OrganisationKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// A member as the organisation's list shows them: the account, and the failed
/// sign-ins on it in the last 15 minutes (from any address), so an admin sees
/// when someone is guessing a colleague's password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberView {
    #[serde(flatten)]
    pub user: UserView,
    pub failed_sign_ins: u32,
    /// Disabled by an administrator: signs in no more, every session ended.
    #[serde(default)]
    pub disabled: bool,
    /// Invited, and no password chosen yet.
    #[serde(default)]
    pub invited: bool,
    /// Their RPPS or ADELI number as an IDNPS (see `national_id`), recorded
    /// by an administrator: it signs them in with Pro Santé Connect and is
    /// printed on their prescriptions.
    #[serde(default)]
    pub national_id: Option<String>,
    /// Signs in with a password and a code from their phone (TOTP).
    #[serde(default)]
    pub second_factor: bool,
}

/// An administrator records (or clears) a member's RPPS or ADELI number.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NationalIdChange {
    /// As typed; `None` or empty clears it.
    pub national_id: Option<String>,
}

/// The signed-in clinician and their organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserView,
    pub organisation: OrganisationView,
    /// Whether the user chose a PIN, so the session can be locked.
    #[serde(default)]
    pub pin_set: bool,
    /// This session is locked: only the PIN (or signing out) opens it.
    #[serde(default)]
    pub locked: bool,
    /// Failed sign-ins on this account in the last 15 minutes, from any
    /// address: someone may be guessing the password.
    #[serde(default)]
    pub failed_sign_ins: u32,
    /// Signs in with a password and a code from their phone (TOTP).
    #[serde(default)]
    pub second_factor: bool,
}

/// Wrong PINs after which a locked session ends.
pub const PIN_MAX_FAILURES: i64 = 5;

/// A PIN to set, or to unlock the session with.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinRequest {
    pub pin: String,
}

/// A member an organisation's admin invites: they choose their own password
/// from the invitation e-mailed to them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMember {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when every dependency answers, `degraded` otherwise.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
    /// The link to the other nodes: `alone` (a single node), `ok` or
    /// `unavailable` (NATS unreachable: this node's calls would miss the others').
    pub nodes: String,
    pub version: String,
    /// Rounds the follow-up scheduler has completed since the server started
    /// (reminders, missed questionnaires, deletions): proof that it is alive.
    pub scheduler_runs: u64,
}
