//! The member's own account (their sessions, the links e-mailed to choose a
//! password) and, for administrators, their organisation's members (invited,
//! disabled) and account events.

use gloo_net::http::Request;
use regard_shared::account::{
    AccountEventView, AccountLinkInfo, ChosenPassword, Enrolment, EnrolmentDone, ResetRequest, SecondFactorCode,
    SecuritySettings, SessionView, SignInOptions,
};
use regard_shared::api::{Me, NationalIdChange, NewMember, UserView};

use super::{done, get, post, post_done, put, Failure};

pub async fn my_sessions() -> Result<Vec<SessionView>, Failure> {
    get("/api/v1/auth/sessions").await
}

pub async fn end_session(id: &str) -> Result<(), Failure> {
    done(Request::delete(&format!("/api/v1/auth/sessions/{id}")).build()).await
}

/// Disables (`true`) or enables a member of the organisation.
pub async fn set_disabled(organisation_id: &str, member_id: &str, disabled: bool) -> Result<(), Failure> {
    let verb = if disabled { "disable" } else { "enable" };
    post_done(&format!("/api/v1/organisations/{organisation_id}/members/{member_id}/{verb}"), &()).await
}

pub async fn account_events(organisation_id: &str) -> Result<Vec<AccountEventView>, Failure> {
    get(&format!("/api/v1/organisations/{organisation_id}/account-events")).await
}

pub async fn link_info(token: &str) -> Result<AccountLinkInfo, Failure> {
    get(&format!("/api/v1/auth/account-links/{token}")).await
}

pub async fn choose_password(token: &str, password: String) -> Result<(), Failure> {
    post_done(&format!("/api/v1/auth/account-links/{token}"), &ChosenPassword { password }).await
}

/// Asks for a reset link by e-mail (the answer is the same for any address).
pub async fn request_reset(email: String) -> Result<(), Failure> {
    post_done("/api/v1/auth/password-reset", &ResetRequest { email }).await
}

/// Invites a new member by e-mail.
pub async fn invite(organisation_id: &str, member: &NewMember) -> Result<UserView, Failure> {
    post(&format!("/api/v1/organisations/{organisation_id}/members"), member).await
}

/// Sends a member who has not chosen their password a new invitation.
pub async fn invite_again(organisation_id: &str, member_id: &str) -> Result<(), Failure> {
    post_done(&format!("/api/v1/organisations/{organisation_id}/members/{member_id}/invite"), &()).await
}

/// Records (or, with `None`, clears) a member's RPPS/ADELI number; the number
/// as the server stored it (an IDNPS).
pub async fn set_national_id(
    organisation_id: &str,
    member_id: &str,
    national_id: Option<String>,
) -> Result<Option<String>, Failure> {
    let path = format!("/api/v1/organisations/{organisation_id}/members/{member_id}/national-id");
    put(&path, &NationalIdChange { national_id }).await
}

/// Removes a member's second factor (a lost phone): they enrol again at
/// their next sign-in if their organisation requires one.
pub async fn reset_second_factor(organisation_id: &str, member_id: &str) -> Result<(), Failure> {
    post_done(&format!("/api/v1/organisations/{organisation_id}/members/{member_id}/second-factor/reset"), &()).await
}

/// Completes a sign-in halfway with the authenticator app's code or a recovery code.
pub async fn second_factor(code: String) -> Result<Me, Failure> {
    post("/api/v1/auth/second-factor", &SecondFactorCode { code }).await
}

/// A new secret to enrol an authenticator app with (signed in, or signing in).
pub async fn start_enrolment() -> Result<Enrolment, Failure> {
    post("/api/v1/auth/second-factor/enrolment", &()).await
}

pub async fn confirm_enrolment(code: String) -> Result<EnrolmentDone, Failure> {
    post("/api/v1/auth/second-factor/enrolment/confirm", &SecondFactorCode { code }).await
}

pub async fn security(organisation_id: &str) -> Result<SecuritySettings, Failure> {
    get(&format!("/api/v1/organisations/{organisation_id}/security")).await
}

pub async fn set_security(organisation_id: &str, settings: SecuritySettings) -> Result<SecuritySettings, Failure> {
    put(&format!("/api/v1/organisations/{organisation_id}/security"), &settings).await
}

/// Which ways of signing in the server offers.
pub async fn sign_in_options() -> Result<SignInOptions, Failure> {
    get("/api/v1/auth/options").await
}
