//! What teleconsultation and tele-monitoring both do with a patient who is not
//! a user: check the identity and contact details a clinician types, send the
//! invitation through every channel given (each attempt recorded), and check the
//! date of birth the patient gives back when opening the link.

use regard_shared::consultation::{self as rules, Invitation, MAX_IDENTITY_FAILURES};
use regard_shared::phone;
use regard_shared::validate::{self, optional_text, Invalid};

use crate::db::{in_paris, now_ms, Db};
use crate::error::{AppError, AppResult};
use crate::sms::{About, OutgoingSms};
use crate::AppState;

/// A patient as a clinician entered them, checked and normalised.
pub struct Contact {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: String,
    /// E.164.
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    pub fn check(
        last_name: &str,
        first_name: &str,
        birth_date: &str,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Contact, Invalid> {
        validate::name("last_name", last_name)?;
        validate::name("first_name", first_name)?;
        rules::birth_date(birth_date, &in_paris(now_ms()).format("%Y-%m-%d").to_string())?;
        let phone = match optional_text("phone", phone, 32)? {
            Some(number) => {
                Some(phone::normalise(&number).map_err(|e| Invalid { field: "phone", message: e.message() })?)
            }
            None => None,
        };
        let email = optional_text("email", email, validate::EMAIL_MAX_BYTES)?.map(|e| validate::normalise_email(&e));
        if let Some(email) = &email {
            validate::email(email)?;
        }
        if phone.is_none() && email.is_none() {
            return Err(Invalid { field: "phone", message: "Give a mobile number or an e-mail address." });
        }
        Ok(Contact {
            last_name: last_name.trim().to_owned(),
            first_name: first_name.trim().to_owned(),
            birth_date: birth_date.to_owned(),
            phone,
            email,
        })
    }
}

/// The record a patient's link leads to. Both tables have `birth_date`,
/// `identity_failures` and an invitations table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    Consultation,
    FollowUp,
}

impl Record {
    fn table(self) -> &'static str {
        match self {
            Record::Consultation => "consultations",
            Record::FollowUp => "followups",
        }
    }

    fn about(self) -> About {
        match self {
            Record::Consultation => About::Consultation,
            Record::FollowUp => About::Monitoring,
        }
    }

    fn invitations(self) -> (&'static str, &'static str) {
        match self {
            Record::Consultation => ("consultation_invitations", "consultation_id"),
            Record::FollowUp => ("followup_invitations", "followup_id"),
        }
    }
}

/// An invitation's words, for each channel.
pub struct Letter<'a> {
    pub organisation_id: &'a str,
    pub record: Record,
    pub id: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub sms: String,
    pub mail_subject: String,
    pub mail_body: String,
}

/// Sends through every channel given. Failures are recorded, not raised: the
/// record exists, and the clinician sees which invitation did not leave.
pub async fn send(state: &AppState, letter: Letter<'_>) -> AppResult<()> {
    let followup_id = (letter.record == Record::FollowUp).then_some(letter.id);
    if let Some(to) = letter.phone {
        let message = OutgoingSms {
            organisation_id: letter.organisation_id,
            about: letter.record.about(),
            assist_id: None,
            followup_id,
            to,
            body: letter.sms,
        };
        let sent = state.sms.send(&state.db, message).await?;
        record(&state.db, letter.record, letter.id, "sms", &sent.to, sent.error.as_deref()).await?;
    }
    if let Some(to) = letter.email {
        let error = state.mailer.send(to, &letter.mail_subject, letter.mail_body).await.err();
        record(&state.db, letter.record, letter.id, "email", to, error.as_deref()).await?;
    }
    Ok(())
}

async fn record(db: &Db, record: Record, id: &str, channel: &str, to: &str, error: Option<&str>) -> AppResult<()> {
    let (table, column) = record.invitations();
    sqlx::query(&format!("INSERT INTO {table} ({column}, channel, to_address, at, error) VALUES ($1, $2, $3, $4, $5)"))
        .bind(id)
        .bind(channel)
        .bind(to)
        .bind(now_ms())
        .bind(error)
        .execute(db)
        .await?;
    Ok(())
}

/// The invitations sent for a record, oldest first.
pub async fn invitations(db: &Db, record: Record, id: &str) -> AppResult<Vec<Invitation>> {
    let (table, column) = record.invitations();
    let rows: Vec<(String, String, i64, Option<String>)> =
        sqlx::query_as(&format!("SELECT channel, to_address, at, error FROM {table} WHERE {column} = $1 ORDER BY seq"))
            .bind(id)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(channel, to, at, error)| Invitation { channel, to, at, error }).collect())
}

/// Compares the date of birth the patient typed; counts failures and, after
/// `MAX_IDENTITY_FAILURES`, refuses every further try. A wrong date is counted
/// by one conditional statement, so dates sent in parallel get no more checks
/// than the limit.
pub async fn check_birth_date(db: &Db, record: Record, id: &str, birth_date: &str) -> AppResult<()> {
    // An impossible date (in the future, a 31 February) is a slip, not a
    // guess: refused in words, not counted.
    let today = in_paris(now_ms()).format("%Y-%m-%d").to_string();
    rules::birth_date(birth_date, &today)?;
    let table = record.table();
    let counted: Option<(i64,)> = sqlx::query_as(&format!(
        "UPDATE {table} SET identity_failures = identity_failures + 1
         WHERE id = $1 AND identity_failures < $2 AND birth_date <> $3 RETURNING identity_failures"
    ))
    .bind(id)
    .bind(MAX_IDENTITY_FAILURES)
    .bind(birth_date)
    .fetch_optional(db)
    .await?;
    if let Some((failures,)) = counted {
        if failures >= MAX_IDENTITY_FAILURES {
            return Err(AppError::IdentityLocked);
        }
        return Err(AppError::WrongBirthDate { tries_left: (MAX_IDENTITY_FAILURES - failures) as u32 });
    }
    // Not counted: either the date is right, or the link is locked.
    let (failures,): (i64,) =
        sqlx::query_as(&format!("SELECT identity_failures FROM {table} WHERE id = $1")).bind(id).fetch_one(db).await?;
    if failures >= MAX_IDENTITY_FAILURES {
        return Err(AppError::IdentityLocked);
    }
    Ok(())
}
