//! Demo organisations and accounts, created only when `serve --seed-demo` asks.
//! Idempotent: existing rows are left as they are.

use regard_shared::api::NewMember;
use regard_shared::expertise::Specialty;
use regard_shared::national_id;
use regard_shared::nursing_home::NewResident;
use regard_shared::{OrganisationKind, Role};

use crate::db::Db;
use crate::expertise;
use crate::nursing_home;
use crate::organisations::store;

/// Shared by every demo account; printed in the README.
pub const DEMO_PASSWORD: &str = "regard-demo-2026";

const ORGANISATIONS: [(&str, OrganisationKind); 5] = [
    ("SAMU 54 – Centre 15 de Nancy", OrganisationKind::SamuCentre),
    ("Cabinet médical du Parc", OrganisationKind::GpPractice),
    ("EHPAD Les Tilleuls", OrganisationKind::NursingHome),
    ("CHRU de Nancy – Télé-expertise", OrganisationKind::ExpertSite),
    ("Pharmacie de la Place", OrganisationKind::Pharmacy),
];

/// (organisation index, e-mail, name, role, RPPS number). The doctors' RPPS
/// numbers are made up (with a valid key): the test provider standing in for
/// Pro Santé Connect signs them in by these.
const ACCOUNTS: [(usize, &str, &str, Role, Option<&str>); 7] = [
    (0, "regulateur@demo.regard.fr", "Dr Claire Martin", Role::Regulator, Some("10001234565")),
    (1, "medecin@demo.regard.fr", "Dr Paul Durand", Role::Gp, Some("10002345675")),
    (3, "specialiste@demo.regard.fr", "Dr Inès Leroy", Role::Specialist, Some("10003456786")),
    (3, "neurologue@demo.regard.fr", "Dr Marc Vidal", Role::Specialist, Some("10004567896")),
    (2, "infirmiere@demo.regard.fr", "Sophie Bernard", Role::Nurse, None),
    (0, "admin@demo.regard.fr", "Admin SAMU 54", Role::Admin, None),
    (4, "pharmacien@demo.regard.fr", "Julien Petit", Role::Pharmacist, None),
];

/// Residents of the demo nursing home: (last name, first name, born, room, GP).
const RESIDENTS: [(&str, &str, &str, &str, &str); 3] = [
    ("Moreau", "Jeanne", "1934-05-12", "12", "Dr Paul Durand"),
    ("Lambert", "Marcel", "1929-11-02", "7B", "Dr Paul Durand"),
    ("Rousseau", "Odette", "1938-02-27", "21", "Dr Anne Girard"),
];

/// `pacs`: a DICOMweb PACS the demo practice attaches series from.
pub async fn demo(db: &Db, pacs: Option<&str>) -> anyhow::Result<()> {
    let mut ids = Vec::new();
    for (name, kind) in ORGANISATIONS {
        let org = match store::find_organisation(db, name).await? {
            Some(org) => org,
            None => store::create_organisation(db, name, kind).await?,
        };
        ids.push(org);
    }
    for (org, email, name, role, rpps) in ACCOUNTS {
        if store::credentials_by_email(db, email).await?.is_none() {
            let member = NewMember { email: email.to_owned(), display_name: name.to_owned(), role };
            let user = store::create_user(db, &ids[org], member, Some(DEMO_PASSWORD.to_owned())).await?;
            let idnps = rpps.and_then(national_id::parse);
            store::set_national_id(db, &ids[org].id, &user.id, idnps.as_deref()).await?;
        }
    }
    // The demo nursing home calls the demo SAMU centre, and has a few residents.
    store::link_samu_centre(db, &ids[2], &ids[0]).await?;
    // The demo hospital answers every specialty.
    for specialty in Specialty::ALL {
        expertise::store::offer(db, &ids[3].id, specialty).await?;
    }
    // Its stroke rota: Dr Leroy on call, Dr Vidal rung if she has not taken an
    // urgent request within five minutes. Set once: a demo's own changes stay.
    let rotas = expertise::on_call::store::rotas(db, &ids[3].id).await?;
    if !rotas.iter().any(|r| r.specialty == Specialty::Stroke) {
        let user = |email| store::credentials_by_email(db, email);
        if let (Some(on_call), Some(fallback)) =
            (user("specialiste@demo.regard.fr").await?, user("neurologue@demo.regard.fr").await?)
        {
            let (on_call, fallback) = (on_call.id, fallback.id);
            let minutes = regard_shared::on_call::DEFAULT_ESCALATE_MINUTES;
            expertise::on_call::store::set(
                db,
                &ids[3].id,
                Specialty::Stroke,
                Some((&on_call, Some(&fallback), minutes)),
            )
            .await?;
        }
    }
    if let Some(url) = pacs {
        let connection =
            expertise::pacs::store::Connection { base_url: url.to_owned(), username: None, password: None };
        expertise::pacs::store::connect(db, &ids[1].id, &connection).await?;
    }
    if nursing_home::store::list(db, &ids[2].id, "").await?.is_empty() {
        for (last_name, first_name, birth_date, room, gp_name) in RESIDENTS {
            let resident = NewResident {
                last_name: last_name.to_owned(),
                first_name: first_name.to_owned(),
                birth_date: birth_date.to_owned(),
                room: room.to_owned(),
                gp_name: Some(gp_name.to_owned()),
            };
            nursing_home::store::create(db, &ids[2].id, &resident).await?;
        }
    }
    tracing::info!(accounts = ACCOUNTS.len(), "demo organisations and accounts ready");
    Ok(())
}
