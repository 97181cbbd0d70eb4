//! Links sent to patients (video assist, teleconsultation, tele-monitoring):
//! one mechanism for all of them. A link's token has 128 random bits, is
//! stored only as a hash and expires. Opening it (GET) consumes nothing, because
//! messaging apps' preview bots open links; accepting it (POST) consumes it and
//! binds it to that device with a second secret kept in an HttpOnly cookie.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::db::{now_ms, Db};
use crate::error::{AppError, AppResult};
use crate::AppState;

mod store;

/// The cookie of a device that accepted a video assist or consultation link.
pub const DEVICE_COOKIE: &str = "regard_patient";
/// A follow-up's phone has its own cookie: it lasts weeks, and a teleconsultation
/// accepted on the same phone (one started from the follow-up) must not sign it out.
pub const FOLLOWUP_COOKIE: &str = "regard_followup";

/// What a link leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Assist,
    Consultation,
    Monitoring,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Assist => "assist",
            Purpose::Consultation => "consultation",
            Purpose::Monitoring => "monitoring",
        }
    }

    /// The cookie that carries the device's access once the link is accepted.
    pub fn cookie(self) -> &'static str {
        match self {
            Purpose::Assist | Purpose::Consultation => DEVICE_COOKIE,
            Purpose::Monitoring => FOLLOWUP_COOKIE,
        }
    }

    /// The path of the patient page in the app, kept short for text messages.
    pub fn path(self) -> &'static str {
        match self {
            Purpose::Assist => "v",
            Purpose::Consultation => "c",
            Purpose::Monitoring => "m",
        }
    }
}

fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a link for `subject_id`, revoking the subject's earlier links (a new
/// link replaces the old one), and returns its token.
pub async fn mint(db: &Db, purpose: Purpose, subject_id: &str, ttl_ms: i64) -> AppResult<String> {
    let mut tx = db.begin().await?;
    let token = mint_on(&mut tx, purpose, subject_id, ttl_ms).await?;
    tx.commit().await?;
    Ok(token)
}

/// `mint` inside the caller's transaction (a case and its first link).
pub async fn mint_on(tx: &mut AnyConnection, purpose: Purpose, subject_id: &str, ttl_ms: i64) -> AppResult<String> {
    let token = random_token(16);
    store::replace(tx, &hash(&token), purpose.as_str(), subject_id, now_ms(), ttl_ms).await?;
    Ok(token)
}

/// `text` with the token of every patient link in it replaced by `…`: what is
/// kept of a message once a gateway carries it to the patient.
pub fn redact_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["/v/", "/c/", "/m/"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&rest[..at + 3]);
        rest = &rest[at + 3..];
        let token = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
        if token >= 16 {
            out.push('…');
            rest = &rest[token..];
        }
    }
    out.push_str(rest);
    out
}

/// A link as seen by whoever holds its token.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Valid { subject_id: String, first_open: bool },
    AcceptedHere { subject_id: String },
    InUse,
    Expired,
}

/// The subject a token names, whatever the link's state; opens nothing. For
/// what may be known before the link is opened, such as the page's language.
pub async fn subject(db: &Db, purpose: Purpose, token: &str) -> AppResult<Option<String>> {
    Ok(store::find(db, &hash(token), purpose.as_str()).await?.map(|link| link.subject_id))
}

/// What opening the link shows. Consumes nothing; notes the first opening.
pub async fn open(db: &Db, purpose: Purpose, token: &str, device: Option<&str>) -> AppResult<Lookup> {
    let Some(link) = store::find(db, &hash(token), purpose.as_str()).await? else {
        return Err(AppError::NotFound);
    };
    if link.revoked_at.is_some() {
        return Ok(Lookup::Expired);
    }
    let subject_id = link.subject_id;
    if link.accepted_at.is_some() {
        let here = device.is_some_and(|d| link.device_hash.as_deref() == Some(hash(d).as_str()));
        // A device signed out, or whose access period is over, gets no shortcut:
        // its old cookie no longer stands for the date of birth it once gave.
        let still_bound = link.device_expires_at.is_some_and(|until| until > now_ms());
        return Ok(match (here, still_bound) {
            (true, true) => Lookup::AcceptedHere { subject_id },
            (true, false) => Lookup::Expired,
            (false, _) => Lookup::InUse,
        });
    }
    if link.expires_at <= now_ms() {
        return Ok(Lookup::Expired);
    }
    if link.opened_at.is_none() {
        store::mark_opened(db, &hash(token), now_ms()).await?;
    }
    Ok(Lookup::Valid { subject_id, first_open: link.opened_at.is_none() })
}

/// Consumes the link for this device. Returns the subject and, when the device
/// is new, the cookie that will identify it (valid `device_ttl_ms`).
pub async fn accept(
    db: &Db,
    purpose: Purpose,
    token: &str,
    device: Option<&str>,
    device_ttl_ms: i64,
    secure: bool,
) -> AppResult<(String, Option<Cookie<'static>>)> {
    match open(db, purpose, token, device).await? {
        Lookup::AcceptedHere { subject_id } => Ok((subject_id, None)),
        Lookup::InUse => Err(AppError::LinkInUse),
        Lookup::Expired => Err(AppError::LinkExpired),
        Lookup::Valid { subject_id, .. } => {
            let device_token = random_token(32);
            let now = now_ms();
            // A compare-and-set: of two devices accepting at once, exactly one binds the link.
            if !store::bind_device(db, &hash(token), &hash(&device_token), now, now + device_ttl_ms).await? {
                return Err(AppError::LinkInUse);
            }
            let cookie = Cookie::build((purpose.cookie(), device_token))
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(secure)
                .path("/")
                .max_age(time::Duration::milliseconds(device_ttl_ms))
                .build();
            Ok((subject_id, Some(cookie)))
        }
    }
}

/// A patient's device that accepted a link: the subject it may act on.
#[derive(Clone, Debug)]
pub struct PatientDevice {
    pub purpose: String,
    pub subject_id: String,
}

impl PatientDevice {
    /// The subject this device may act on for `purpose`: a device that joined
    /// through another kind of link is refused.
    pub fn subject(&self, purpose: Purpose) -> AppResult<&str> {
        if self.purpose != purpose.as_str() {
            return Err(AppError::Forbidden);
        }
        Ok(&self.subject_id)
    }
}

/// The device named by the cookie `name`, if it still has access.
async fn device_of(parts: &Parts, state: &AppState, name: &str) -> AppResult<Option<PatientDevice>> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(token) = jar.get(name).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    let row = store::device(&state.db, &hash(&token), now_ms()).await?;
    Ok(row.map(|(purpose, subject_id)| PatientDevice { purpose, subject_id }))
}

impl OptionalFromRequestParts<AppState> for PatientDevice {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Option<Self>> {
        device_of(parts, state, DEVICE_COOKIE).await
    }
}

impl FromRequestParts<AppState> for PatientDevice {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        device_of(parts, state, DEVICE_COOKIE).await?.ok_or(AppError::Unauthenticated)
    }
}

/// A follow-up's phone, through its own cookie (see `FOLLOWUP_COOKIE`).
#[derive(Clone, Debug)]
pub struct FollowUpDevice(pub PatientDevice);

impl std::ops::Deref for FollowUpDevice {
    type Target = PatientDevice;

    fn deref(&self) -> &PatientDevice {
        &self.0
    }
}

impl FromRequestParts<AppState> for FollowUpDevice {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        if let Some(device) = device_of(parts, state, FOLLOWUP_COOKIE).await? {
            return Ok(FollowUpDevice(device));
        }
        // Phones that joined before follow-ups had their own cookie keep it
        // until their access ends: weeks of follow-up are not cut by an upgrade.
        match device_of(parts, state, DEVICE_COOKIE).await? {
            Some(device) if device.purpose == Purpose::Monitoring.as_str() => Ok(FollowUpDevice(device)),
            _ => Err(AppError::Unauthenticated),
        }
    }
}

/// Signs this device out of `purpose`: its cookie stops working for it at once.
pub async fn forget_device(db: &Db, device_token: &str, purpose: Purpose) -> AppResult<()> {
    store::end_device_access(db, &hash(device_token), purpose.as_str(), now_ms()).await
}

/// Test servers only (`regard serve --testing`): the link of `token` expired a
/// minute ago, as if its lifetime had passed.
pub async fn expire(db: &Db, token: &str) -> AppResult<bool> {
    store::set_expiry(db, &hash(token), now_ms() - 60_000).await
}

/// The device cookie's value, if the request carries one.
pub fn device_token(jar: &CookieJar, purpose: Purpose) -> Option<String> {
    jar.get(purpose.cookie()).map(|c| c.value().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cut_out_of_messages() {
        let token = random_token(16);
        let text = format!("Regard : ouvrez https://r.example/v/{token} ou https://r.example/m (jour 2)");
        assert_eq!(redact_tokens(&text), "Regard : ouvrez https://r.example/v/… ou https://r.example/m (jour 2)");
        assert_eq!(redact_tokens("Vu le /c/abc"), "Vu le /c/abc", "too short to be a token");
    }

    #[test]
    fn tokens_have_128_bits_and_are_hashed() {
        let token = random_token(16);
        assert_eq!(token.len(), 22);
        assert_ne!(random_token(16), token);
        assert_eq!(hash(&token).len(), 64);
        assert_eq!(hash(&token), hash(&token));
    }
}
