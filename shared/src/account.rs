//! A clinician's account as its owner and its organisation's administrators
//! see it: the sessions open on it and what happened to it (the access log's
//! account events).

use serde::{Deserialize, Serialize};

/// One open session of the signed-in member, for them to recognise and end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    /// Its browser and system (`describe_device`); empty when unknown.
    pub device: String,
    /// The address it was opened from.
    pub address: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub last_used_at: i64,
    /// The session this list was asked from.
    pub current: bool,
}

/// "Firefox · Windows": what a member recognises of a browser's User-Agent;
/// empty when nothing is recognised. Names, not words: the same in every
/// language.
pub fn describe_device(agent: &str) -> String {
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari too.
    const BROWSERS: [(&str, &str); 6] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let first = |names: &[(&str, &'static str)]| names.iter().find(|(mark, _)| agent.contains(mark)).map(|(_, n)| *n);
    [first(&BROWSERS), first(&SYSTEMS)].into_iter().flatten().collect::<Vec<_>>().join(" · ")
}

/// What happened to an account, as the access log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountEvent {
    SignedIn,
    SignInFailed,
    SignedOut,
    SessionEnded,
    Disabled,
    Enabled,
    Invited,
    InvitationAccepted,
    ResetRequested,
    PasswordReset,
    /// An administrator recorded or cleared the member's RPPS/ADELI number.
    NationalIdChanged,
    /// A second factor (TOTP) enrolled and confirmed by a first code.
    SecondFactorEnabled,
    /// A wrong second-factor or recovery code.
    SecondFactorFailed,
    /// A recovery code used in place of the phone's code.
    RecoveryCodeUsed,
    /// An administrator removed the member's second factor (a lost phone).
    SecondFactorReset,
    /// Signed in with Pro Santé Connect.
    SignedInWithPsc,
}

impl AccountEvent {
    pub const ALL: [AccountEvent; 16] = [
        AccountEvent::SignedIn,
        AccountEvent::SignInFailed,
        AccountEvent::SignedOut,
        AccountEvent::SessionEnded,
        AccountEvent::Disabled,
        AccountEvent::Enabled,
        AccountEvent::Invited,
        AccountEvent::InvitationAccepted,
        AccountEvent::ResetRequested,
        AccountEvent::PasswordReset,
        AccountEvent::NationalIdChanged,
        AccountEvent::SecondFactorEnabled,
        AccountEvent::SecondFactorFailed,
        AccountEvent::RecoveryCodeUsed,
        AccountEvent::SecondFactorReset,
        AccountEvent::SignedInWithPsc,
    ];

    /// The access log's `action` for it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountEvent::SignedIn => "signed_in",
            AccountEvent::SignInFailed => "sign_in_failed",
            AccountEvent::SignedOut => "signed_out",
            AccountEvent::SessionEnded => "session_ended",
            AccountEvent::Disabled => "disabled",
            AccountEvent::Enabled => "enabled",
            AccountEvent::Invited => "invited",
            AccountEvent::InvitationAccepted => "invitation_accepted",
            AccountEvent::ResetRequested => "reset_requested",
            AccountEvent::PasswordReset => "password_reset",
            AccountEvent::NationalIdChanged => "national_id_changed",
            AccountEvent::SecondFactorEnabled => "second_factor_enabled",
            AccountEvent::SecondFactorFailed => "second_factor_failed",
            AccountEvent::RecoveryCodeUsed => "recovery_code_used",
            AccountEvent::SecondFactorReset => "second_factor_reset",
            AccountEvent::SignedInWithPsc => "signed_in_with_psc",
        }
    }

    pub fn parse(action: &str) -> Option<AccountEvent> {
        AccountEvent::ALL.into_iter().find(|e| e.as_str() == action)
    }
}

/// What a link e-mailed to a member is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountLinkPurpose {
    /// A new member chooses their first password.
    Invitation,
    /// A member who forgot theirs chooses a new one.
    Reset,
}

impl AccountLinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountLinkPurpose::Invitation => "invitation",
            AccountLinkPurpose::Reset => "reset",
        }
    }

    pub fn parse(value: &str) -> Option<AccountLinkPurpose> {
        [AccountLinkPurpose::Invitation, AccountLinkPurpose::Reset].into_iter().find(|p| p.as_str() == value)
    }
}

/// Who a link is for, shown before they choose their password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountLinkInfo {
    pub purpose: AccountLinkPurpose,
    pub email: String,
    pub display_name: String,
    /// The organisation's name.
    pub organisation: String,
}

/// The password a member chooses with a link.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChosenPassword {
    pub password: String,
}

/// A forgotten password: the address to send a reset link to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetRequest {
    pub email: String,
}

/// One account event of the organisation: who did it (`by`), to whom (`member`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountEventView {
    pub at: i64,
    pub event: AccountEvent,
    /// The member the event is about.
    pub member: String,
    /// Who did it, when not the member themselves (an administrator).
    pub by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_named_by_browser_and_system() {
        let android = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36";
        assert_eq!(describe_device(android), "Chrome · Android");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0";
        assert_eq!(describe_device(edge), "Edge · Windows");
        let iphone =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1";
        assert_eq!(describe_device(iphone), "Safari · iPhone");
        assert_eq!(describe_device("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko Firefox/133.0"), "Firefox · Linux");
        assert_eq!(describe_device("curl/8.5.0"), "");
    }

    #[test]
    fn every_event_reads_back_from_its_action() {
        for event in AccountEvent::ALL {
            assert_eq!(AccountEvent::parse(event.as_str()), Some(event));
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.as_str()), "the wire name is the action");
        }
        assert_eq!(AccountEvent::parse("view"), None);
        for purpose in [AccountLinkPurpose::Invitation, AccountLinkPurpose::Reset] {
            assert_eq!(AccountLinkPurpose::parse(purpose.as_str()), Some(purpose));
        }
    }
}

/// A QR code as the modules of an SVG path (`M x y h1v1h-1z` each) in a
/// `size` × `size` grid: the page draws it without any script or image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QrCodeView {
    pub size: u32,
    pub path: String,
}

/// The password was right; a second factor is awaited (202), or, where the
/// organisation requires one and the member has none yet, its enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorNeeded {
    pub enrol: bool,
}

/// Six digits from the authenticator app, or a recovery code.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorCode {
    pub code: String,
}

/// What an authenticator app enrols from: the QR code, and the same secret
/// to type by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// Base 32, as apps ask for it.
    pub secret: String,
    /// The otpauth:// URI the QR code holds.
    pub uri: String,
    pub qr: QrCodeView,
}

/// A second factor confirmed: the recovery codes, shown this once, and the
/// member now signed in when the enrolment ended a sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentDone {
    pub recovery_codes: Vec<String>,
    pub me: Option<crate::api::Me>,
}

/// What an organisation requires of its members' sign-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecuritySettings {
    /// Every member signing in with a password also types a code (TOTP).
    pub second_factor_required: bool,
    /// Pro Santé Connect sign-ins at eIDAS substantial level only (acr
    /// `eidas1`: the CPS card or the e-CPS app).
    pub psc_eidas1_required: bool,
}

/// The ways to sign in this server offers, for its sign-in page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInOptions {
    /// Pro Santé Connect is configured: `/api/v1/auth/psc/start` leads there.
    pub pro_sante_connect: bool,
}

/// Why a Pro Santé Connect sign-in came back to the sign-in page
/// (`/login?psc=…`) instead of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PscRefusal {
    /// No account has this RPPS/ADELI number: never created on the fly.
    Unknown,
    /// Not at the eIDAS level the organisation requires.
    Level,
    /// The sign-in lapsed, or its state or token did not check out.
    Expired,
    /// The account is disabled.
    Disabled,
    /// The clinician cancelled at Pro Santé Connect.
    Cancelled,
    /// Pro Santé Connect could not be reached or answered nonsense.
    Unavailable,
}

impl PscRefusal {
    pub const ALL: [PscRefusal; 6] = [
        PscRefusal::Unknown,
        PscRefusal::Level,
        PscRefusal::Expired,
        PscRefusal::Disabled,
        PscRefusal::Cancelled,
        PscRefusal::Unavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PscRefusal::Unknown => "unknown",
            PscRefusal::Level => "level",
            PscRefusal::Expired => "expired",
            PscRefusal::Disabled => "disabled",
            PscRefusal::Cancelled => "cancelled",
            PscRefusal::Unavailable => "unavailable",
        }
    }

    pub fn parse(value: &str) -> Option<PscRefusal> {
        PscRefusal::ALL.into_iter().find(|r| r.as_str() == value)
    }
}
