//! Organisations and clinician accounts in the database. Shared by the API, the
//! CLI and the demo seed, so every way of creating an account validates alike.

use regard_shared::account::{SecondFactorNeeded, SecuritySettings};
use regard_shared::api::{Me, NewMember, OrganisationView, UserView};
use regard_shared::search::fold;
use regard_shared::validate::Invalid;
use regard_shared::{validate, OrganisationKind, Role};

use crate::auth::hash_password;
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, AppResult};

type OrganisationRow = (String, String, String);
type UserRow = (String, String, String, String);

fn organisation_view((id, name, kind): OrganisationRow) -> AppResult<OrganisationView> {
    let kind =
        OrganisationKind::parse(&kind).ok_or_else(|| anyhow::anyhow!("organisation {id} has unknown kind {kind:?}"))?;
    Ok(OrganisationView { id, name, kind })
}

fn user_view((id, email, display_name, role): UserRow) -> AppResult<UserView> {
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("user {id} has unknown role {role:?}"))?;
    Ok(UserView { id, email, display_name, role })
}

fn conflict_on_unique(error: sqlx::Error, message: &'static str) -> AppError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => AppError::Conflict(message),
        _ => error.into(),
    }
}

pub async fn create_organisation(db: &Db, name: &str, kind: OrganisationKind) -> AppResult<OrganisationView> {
    validate::name("name", name)?;
    let view = OrganisationView { id: new_id(), name: name.trim().to_owned(), kind };
    sqlx::query("INSERT INTO organisations (id, name, kind, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&view.id)
        .bind(&view.name)
        .bind(kind.as_str())
        .bind(now_ms())
        .execute(db)
        .await
        .map_err(|e| conflict_on_unique(e, "An organisation with this name already exists."))?;
    Ok(view)
}

/// Looks an organisation up by id, or else by its exact name (for the CLI).
pub async fn find_organisation(db: &Db, id_or_name: &str) -> AppResult<Option<OrganisationView>> {
    let row: Option<OrganisationRow> = sqlx::query_as(
        "SELECT id, name, kind FROM organisations WHERE id = $1 OR name = $1 ORDER BY id = $1 DESC LIMIT 1",
    )
    .bind(id_or_name)
    .fetch_optional(db)
    .await?;
    row.map(organisation_view).transpose()
}

pub async fn organisation(db: &Db, id: &str) -> AppResult<OrganisationView> {
    let row: Option<OrganisationRow> =
        sqlx::query_as("SELECT id, name, kind FROM organisations WHERE id = $1").bind(id).fetch_optional(db).await?;
    organisation_view(row.ok_or(AppError::NotFound)?)
}

/// Links a nursing home to the SAMU centre its calls ring in (one centre per home;
/// linking again replaces it).
pub async fn link_samu_centre(db: &Db, nursing_home: &OrganisationView, centre: &OrganisationView) -> AppResult<()> {
    if nursing_home.kind != OrganisationKind::NursingHome || centre.kind != OrganisationKind::SamuCentre {
        return Err(AppError::Conflict("Link a nursing home to a SAMU centre."));
    }
    sqlx::query("UPDATE organisations SET samu_centre_id = $1 WHERE id = $2")
        .bind(&centre.id)
        .bind(&nursing_home.id)
        .execute(db)
        .await?;
    Ok(())
}

/// The SAMU centre a nursing home calls, if it is linked to one.
pub async fn samu_centre_of(db: &Db, nursing_home_id: &str) -> AppResult<Option<String>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT samu_centre_id FROM organisations WHERE id = $1")
        .bind(nursing_home_id)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(|(centre,)| centre))
}

/// Creates an account in `organisation`, with a role its kind allows. Without
/// a password (`None`) the member chooses theirs from an invitation: until
/// then no password opens the account.
pub async fn create_user(
    db: &Db,
    organisation: &OrganisationView,
    member: NewMember,
    password: Option<String>,
) -> AppResult<UserView> {
    if !organisation.kind.allows(member.role) {
        return Err(
            Invalid { field: "role", message: "This kind of organisation has no member with this role." }.into()
        );
    }
    let email = validate::normalise_email(&member.email);
    validate::email(&email)?;
    validate::name("display_name", &member.display_name)?;
    if let Some(password) = &password {
        validate::new_password(password)?;
    }
    let view = UserView { id: new_id(), email, display_name: member.display_name.trim().to_owned(), role: member.role };
    let password_hash = match password {
        Some(password) => hash_password(password).await?,
        None => String::new(),
    };
    sqlx::query(
        "INSERT INTO users (id, organisation_id, email, display_name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&view.id)
    .bind(&organisation.id)
    .bind(&view.email)
    .bind(&view.display_name)
    .bind(view.role.as_str())
    .bind(password_hash)
    .bind(now_ms())
    .execute(db)
    .await
    .map_err(|e| conflict_on_unique(e, "An account with this e-mail address already exists."))?;
    Ok(view)
}

/// A member as the organisation's list needs them.
pub struct Member {
    pub user: UserView,
    pub disabled: bool,
    /// Invited, and no password chosen yet.
    pub invited: bool,
    /// Their RPPS/ADELI number, as an IDNPS.
    pub national_id: Option<String>,
    pub second_factor: bool,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    email: String,
    display_name: String,
    role: String,
    disabled_at: Option<i64>,
    password_hash: String,
    national_id: Option<String>,
    second_factor: i64,
}

const MEMBER_COLUMNS: &str = "SELECT id, email, display_name, role, disabled_at, password_hash, national_id,
     CAST(CASE WHEN totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS second_factor FROM users";

fn member_view(row: MemberRow) -> AppResult<Member> {
    Ok(Member {
        user: user_view((row.id, row.email, row.display_name, row.role))?,
        disabled: row.disabled_at.is_some(),
        invited: row.password_hash.is_empty(),
        national_id: row.national_id,
        second_factor: row.second_factor != 0,
    })
}

/// The organisation's members by name. Sorted here, not by SQL, whose order
/// follows the database's collation (byte order on SQLite, the locale's on
/// PostgreSQL): the list reads the same on both.
pub async fn members(db: &Db, organisation_id: &str) -> AppResult<Vec<Member>> {
    let rows: Vec<MemberRow> = sqlx::query_as(&format!("{MEMBER_COLUMNS} WHERE organisation_id = $1"))
        .bind(organisation_id)
        .fetch_all(db)
        .await?;
    let mut members = rows.into_iter().map(member_view).collect::<AppResult<Vec<_>>>()?;
    members.sort_by_cached_key(|m| (fold(&m.user.display_name), m.user.email.clone()));
    Ok(members)
}

/// A member of the organisation, by id.
pub async fn member(db: &Db, organisation_id: &str, user_id: &str) -> AppResult<Option<Member>> {
    let row: Option<MemberRow> = sqlx::query_as(&format!("{MEMBER_COLUMNS} WHERE organisation_id = $1 AND id = $2"))
        .bind(organisation_id)
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    row.map(member_view).transpose()
}

/// What signing in needs to know of an account.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: String,
    organisation_id: String,
    /// Empty until an invited member chooses their password: see `password_hash()`.
    stored_hash: String,
    disabled_at: Option<i64>,
    kind: String,
    totp_secret: Option<String>,
    second_factor_required: i64,
}

impl Credentials {
    /// `None` until an invited member chooses their password.
    pub fn password_hash(&self) -> Option<String> {
        (!self.stored_hash.is_empty()).then(|| self.stored_hash.clone())
    }

    pub fn disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    pub fn organisation_id(&self) -> &str {
        &self.organisation_id
    }

    /// A nursing home's member: sessions last a shift, locked by PIN, with
    /// no idle timeout.
    pub fn shift_sessions(&self) -> bool {
        self.kind == OrganisationKind::NursingHome.as_str()
    }

    /// Signing in with a password takes a code too: the member enrolled one,
    /// or their organisation requires it (then they enrol first).
    pub fn second_factor(&self) -> Option<SecondFactorNeeded> {
        match (&self.totp_secret, self.second_factor_required != 0) {
            (Some(_), _) => Some(SecondFactorNeeded { enrol: false }),
            (None, true) => Some(SecondFactorNeeded { enrol: true }),
            (None, false) => None,
        }
    }
}

const CREDENTIALS: &str =
    "SELECT u.id, u.organisation_id, u.password_hash AS stored_hash, u.disabled_at, o.kind, u.totp_secret,
     o.second_factor_required FROM users u JOIN organisations o ON o.id = u.organisation_id";

/// The account with this (normalised) e-mail.
pub async fn credentials_by_email(db: &Db, email: &str) -> AppResult<Option<Credentials>> {
    Ok(sqlx::query_as(&format!("{CREDENTIALS} WHERE u.email = $1")).bind(email).fetch_optional(db).await?)
}

/// The account with this id.
pub async fn credentials_by_id(db: &Db, id: &str) -> AppResult<Option<Credentials>> {
    Ok(sqlx::query_as(&format!("{CREDENTIALS} WHERE u.id = $1")).bind(id).fetch_optional(db).await?)
}

/// The account whose RPPS/ADELI number (as an IDNPS) this is.
pub async fn credentials_by_national_id(db: &Db, idnps: &str) -> AppResult<Option<Credentials>> {
    Ok(sqlx::query_as(&format!("{CREDENTIALS} WHERE u.national_id = $1")).bind(idnps).fetch_optional(db).await?)
}

/// Disables (at `at`) or enables a member of the organisation; false when it
/// has no such member.
pub async fn set_disabled(db: &Db, organisation_id: &str, user_id: &str, at: Option<i64>) -> AppResult<bool> {
    let done = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2 AND organisation_id = $3")
        .bind(at)
        .bind(user_id)
        .bind(organisation_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records (or clears) a member's RPPS/ADELI number, as an IDNPS; false when
/// the organisation has no such member. One number opens one account.
pub async fn set_national_id(db: &Db, organisation_id: &str, user_id: &str, idnps: Option<&str>) -> AppResult<bool> {
    let done = sqlx::query("UPDATE users SET national_id = $1 WHERE id = $2 AND organisation_id = $3")
        .bind(idnps)
        .bind(user_id)
        .bind(organisation_id)
        .execute(db)
        .await
        .map_err(|e| conflict_on_unique(e, "This RPPS or ADELI number is already recorded on another account."))?;
    Ok(done.rows_affected() == 1)
}

/// What the organisation requires of its members' sign-ins.
pub async fn security(db: &Db, organisation_id: &str) -> AppResult<SecuritySettings> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT second_factor_required, psc_eidas1_required FROM organisations WHERE id = $1")
            .bind(organisation_id)
            .fetch_optional(db)
            .await?;
    let (second_factor, eidas1) = row.ok_or(AppError::NotFound)?;
    Ok(SecuritySettings { second_factor_required: second_factor != 0, psc_eidas1_required: eidas1 != 0 })
}

pub async fn set_security(db: &Db, organisation_id: &str, settings: SecuritySettings) -> AppResult<()> {
    sqlx::query("UPDATE organisations SET second_factor_required = $1, psc_eidas1_required = $2 WHERE id = $3")
        .bind(i64::from(settings.second_factor_required))
        .bind(i64::from(settings.psc_eidas1_required))
        .bind(organisation_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The member's RPPS/ADELI number, as an IDNPS, if one is recorded.
pub async fn national_id(db: &Db, user_id: &str) -> AppResult<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT national_id FROM users WHERE id = $1").bind(user_id).fetch_optional(db).await?;
    Ok(row.and_then(|(id,)| id))
}

/// The user, their organisation, and their session's lock state (the failed
/// sign-ins are the throttle's to fill in: `auth::me`).
pub async fn me(db: &Db, user_id: &str, locked: bool) -> AppResult<Me> {
    #[derive(sqlx::FromRow)]
    struct MeRow {
        id: String,
        email: String,
        display_name: String,
        role: String,
        organisation_id: String,
        pin_hash: Option<String>,
        totp_secret: Option<String>,
    }
    let row: Option<MeRow> = sqlx::query_as(
        "SELECT id, email, display_name, role, organisation_id, pin_hash, totp_secret FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    Ok(Me {
        user: user_view((row.id, row.email, row.display_name, row.role))?,
        organisation: organisation(db, &row.organisation_id).await?,
        pin_set: row.pin_hash.is_some(),
        locked,
        failed_sign_ins: 0,
        second_factor: row.totp_secret.is_some(),
    })
}

pub async fn pin_hash(db: &Db, user_id: &str) -> AppResult<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT pin_hash FROM users WHERE id = $1").bind(user_id).fetch_optional(db).await?;
    Ok(row.and_then(|(hash,)| hash))
}

pub async fn set_pin_hash(db: &Db, user_id: &str, hash: &str) -> AppResult<()> {
    sqlx::query("UPDATE users SET pin_hash = $1 WHERE id = $2").bind(hash).bind(user_id).execute(db).await?;
    Ok(())
}
