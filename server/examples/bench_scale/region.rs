//! The region the generator fills: SAMU centres, GP practices, nursing homes
//! and expert sites with their members, created through the organisations'
//! store like an administrator would.

use regard_server::auth::CurrentUser;
use regard_server::db::Db;
use regard_server::organisations::store;
use regard_server::{expertise, nursing_home};
use regard_shared::api::{NewMember, OrganisationView};
use regard_shared::expertise::Specialty;
use regard_shared::nursing_home::NewResident;
use regard_shared::{OrganisationKind, Role};

/// Every generated member's password, for the load's sign-ins.
pub const PASSWORD: &str = "regard-bench-2026";

pub struct Site {
    pub organisation: OrganisationView,
    pub members: Vec<CurrentUser>,
}

pub struct Home {
    pub site: Site,
    pub residents: Vec<String>,
    /// Index of the SAMU centre it calls.
    pub centre: usize,
}

pub struct Region {
    pub centres: Vec<Site>,
    pub practices: Vec<Site>,
    pub homes: Vec<Home>,
    pub experts: Vec<Site>,
}

/// 13 SAMU centres, 400 GPs in 100 practices, 60 nursing homes, 5 expert sites.
pub const CENTRES: usize = 13;
pub const PRACTICES: usize = 100;
pub const HOMES: usize = 60;
pub const EXPERT_SITES: usize = 5;

const LAST_NAMES: [&str; 16] = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "Élodie-Garnier",
];
const FIRST_NAMES: [&str; 12] =
    ["Élodie", "Jeanne", "Marcel", "Odette", "Chloé", "Noé", "Inès", "Hélène", "Jérôme", "François", "Zoé", "Léa"];

/// A plausible French name for the `n`th person.
pub fn name(n: usize) -> (&'static str, &'static str) {
    (LAST_NAMES[n % LAST_NAMES.len()], FIRST_NAMES[(n / LAST_NAMES.len()) % FIRST_NAMES.len()])
}

/// The sign-in of the `i`th member of the `n`th site of its kind.
pub fn email(kind: OrganisationKind, n: usize, i: usize) -> String {
    format!("{}{n}.{i}@bench.regard.fr", kind_slug(kind))
}

async fn site(db: &Db, n: usize, kind: OrganisationKind, members: &[(Role, usize)]) -> anyhow::Result<Site> {
    let title = match kind {
        OrganisationKind::SamuCentre => format!("SAMU {:02} – Centre 15", n + 1),
        OrganisationKind::GpPractice => format!("Cabinet médical n° {}", n + 1),
        OrganisationKind::ExpertSite => format!("CHU n° {} – Télé-expertise", n + 1),
        _ => format!("EHPAD n° {}", n + 1),
    };
    let organisation = store::create_organisation(db, &title, kind).await?;
    let mut users = Vec::new();
    for &(role, count) in members {
        for i in 0..count {
            let email = email(kind, n, i);
            let (last, first) = name(i);
            let member = NewMember { email: email.clone(), display_name: format!("{first} {last}"), role };
            let user = store::create_user(db, &organisation, member, Some(PASSWORD.to_owned())).await?;
            users.push(CurrentUser {
                id: user.id,
                organisation_id: organisation.id.clone(),
                role,
                email,
                display_name: user.display_name,
                // The generator acts for members without signing them in.
                session: String::new(),
            });
        }
    }
    Ok(Site { organisation, members: users })
}

fn kind_slug(kind: OrganisationKind) -> &'static str {
    match kind {
        OrganisationKind::SamuCentre => "samu",
        OrganisationKind::GpPractice => "cabinet",
        OrganisationKind::NursingHome => "ehpad",
        OrganisationKind::ExpertSite => "expert",
        OrganisationKind::Pharmacy => "pharmacie",
    }
}

pub async fn create(db: &Db) -> anyhow::Result<Region> {
    let mut region = Region { centres: Vec::new(), practices: Vec::new(), homes: Vec::new(), experts: Vec::new() };
    for n in 0..CENTRES {
        region.centres.push(site(db, n, OrganisationKind::SamuCentre, &[(Role::Regulator, 8)]).await?);
    }
    for n in 0..PRACTICES {
        region.practices.push(site(db, n, OrganisationKind::GpPractice, &[(Role::Gp, 4)]).await?);
    }
    for n in 0..EXPERT_SITES {
        let expert = site(db, n, OrganisationKind::ExpertSite, &[(Role::Specialist, 4)]).await?;
        for specialty in Specialty::ALL {
            expertise::store::offer(db, &expert.organisation.id, specialty).await?;
        }
        region.experts.push(expert);
    }
    for n in 0..HOMES {
        let site = site(db, n, OrganisationKind::NursingHome, &[(Role::Nurse, 2)]).await?;
        let centre = n % CENTRES;
        store::link_samu_centre(db, &site.organisation, &region.centres[centre].organisation).await?;
        let mut residents = Vec::new();
        for r in 0..80 {
            let (last_name, first_name) = name(r * 7 + n);
            let resident = NewResident {
                last_name: last_name.to_owned(),
                first_name: first_name.to_owned(),
                birth_date: format!("19{}-0{}-1{}", 25 + r % 20, 1 + r % 9, r % 10),
                room: format!("{}", 100 + r),
                gp_name: Some("Dr Durand".to_owned()),
            };
            residents.push(nursing_home::store::create(db, &site.organisation.id, &resident).await?.id);
        }
        region.homes.push(Home { site, residents, centre });
    }
    Ok(region)
}
