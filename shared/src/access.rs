//! Who may do what: organisations, roles and the role half of every authorization
//! decision. The other half (same organisation) is checked by the server.

use serde::{Deserialize, Serialize};

/// The kinds of organisation Regard connects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// A SAMU emergency call centre (centre 15).
    SamuCentre,
    /// A general practice.
    GpPractice,
    /// A nursing home (EHPAD).
    NursingHome,
    /// A hospital site answering tele-expertise requests.
    ExpertSite,
    /// A community pharmacy, which dispenses e-prescriptions.
    Pharmacy,
}

/// A clinician's role inside their organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Regulating doctor of a SAMU centre.
    Regulator,
    /// General practitioner.
    Gp,
    /// Specialist of an expert site.
    Specialist,
    /// Nurse, e.g. of a nursing home.
    Nurse,
    /// Manages the accounts of their organisation.
    Admin,
    /// Pharmacist: verifies and dispenses e-prescriptions.
    Pharmacist,
}

/// Something a signed-in clinician asks to do inside one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// See the organisation's name and kind.
    ViewOrganisation,
    /// See the list of the organisation's members.
    ListMembers,
    /// Create accounts in the organisation.
    ManageMembers,
    /// Start a video assist, see the caller's camera, record the decision.
    ConductAssist,
    /// Schedule teleconsultations, see patients by video, write reports.
    ConductConsultation,
    /// Check an e-prescription's signature and content, and dispense it. Any
    /// pharmacy may: the patient chooses where to take their prescription.
    DispensePrescription,
    /// Enrol patients in tele-monitoring, follow their answers and alerts,
    /// import follow-up protocols.
    MonitorPatients,
    /// Keep the list of a nursing home's residents and call the SAMU centre
    /// linked to the home about one of them.
    CareForResidents,
    /// Send a tele-expertise request to an expert site and follow its thread.
    RequestExpertise,
    /// Take, question and answer the requests addressed to one's expert site.
    AnswerExpertise,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Regulator, Role::Gp, Role::Specialist, Role::Nurse, Role::Admin, Role::Pharmacist];

    /// Whether this role allows `action`, assuming the organisation matches.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::ViewOrganisation | Action::ListMembers => true,
            Action::ManageMembers => self == Role::Admin,
            Action::ConductAssist => self == Role::Regulator,
            // Specialists consult by video too (an expert request may turn into one).
            Action::ConductConsultation => matches!(self, Role::Gp | Role::Specialist),
            Action::DispensePrescription => self == Role::Pharmacist,
            // Nurses run many home follow-ups; doctors enrol their own patients.
            Action::MonitorPatients => matches!(self, Role::Gp | Role::Specialist | Role::Nurse),
            Action::CareForResidents => self == Role::Nurse,
            // GPs, nursing-home nurses and emergency physicians ask; specialists
            // ask other specialties too.
            Action::RequestExpertise => matches!(self, Role::Gp | Role::Nurse | Role::Regulator | Role::Specialist),
            Action::AnswerExpertise => self == Role::Specialist,
        }
    }

    /// The stable identifier used in the database, the CLI and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Regulator => "regulator",
            Role::Gp => "gp",
            Role::Specialist => "specialist",
            Role::Nurse => "nurse",
            Role::Admin => "admin",
            Role::Pharmacist => "pharmacist",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 5] = [
        OrganisationKind::SamuCentre,
        OrganisationKind::GpPractice,
        OrganisationKind::NursingHome,
        OrganisationKind::ExpertSite,
        OrganisationKind::Pharmacy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::SamuCentre => "samu_centre",
            OrganisationKind::GpPractice => "gp_practice",
            OrganisationKind::NursingHome => "nursing_home",
            OrganisationKind::ExpertSite => "expert_site",
            OrganisationKind::Pharmacy => "pharmacy",
        }
    }

    pub fn parse(s: &str) -> Option<OrganisationKind> {
        OrganisationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The roles a member of this kind of organisation may hold: a SAMU
    /// centre has no GP to issue prescriptions, a pharmacy no regulator.
    /// Every kind has its admins.
    pub fn roles(self) -> &'static [Role] {
        match self {
            OrganisationKind::SamuCentre => &[Role::Regulator, Role::Admin],
            // Practices have GPs, specialists in group practices, and nurses
            // who run home follow-ups.
            OrganisationKind::GpPractice => &[Role::Gp, Role::Specialist, Role::Nurse, Role::Admin],
            // A nursing home's nurses, and its coordinating doctor.
            OrganisationKind::NursingHome => &[Role::Nurse, Role::Gp, Role::Admin],
            OrganisationKind::ExpertSite => &[Role::Specialist, Role::Nurse, Role::Admin],
            OrganisationKind::Pharmacy => &[Role::Pharmacist, Role::Admin],
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_organisation_kind() {
        assert!(!OrganisationKind::SamuCentre.allows(Role::Gp));
        assert!(!OrganisationKind::SamuCentre.allows(Role::Pharmacist));
        assert!(!OrganisationKind::Pharmacy.allows(Role::Regulator));
        assert!(OrganisationKind::GpPractice.allows(Role::Gp));
        for kind in OrganisationKind::ALL {
            assert!(kind.allows(Role::Admin), "{kind:?}");
            // Only pharmacies dispense, only SAMU centres regulate.
            assert_eq!(kind.allows(Role::Pharmacist), kind == OrganisationKind::Pharmacy, "{kind:?}");
            assert_eq!(kind.allows(Role::Regulator), kind == OrganisationKind::SamuCentre, "{kind:?}");
        }
    }

    #[test]
    fn role_permissions() {
        for role in Role::ALL {
            assert_eq!(role.may(Action::ManageMembers), role == Role::Admin, "{role:?}");
            assert!(role.may(Action::ViewOrganisation));
            assert_eq!(role.may(Action::ConductAssist), role == Role::Regulator, "{role:?}");
            let consults = role.may(Action::ConductConsultation);
            assert_eq!(consults, matches!(role, Role::Gp | Role::Specialist), "{role:?}");
            assert_eq!(role.may(Action::DispensePrescription), role == Role::Pharmacist, "{role:?}");
            let monitors = role.may(Action::MonitorPatients);
            assert_eq!(monitors, matches!(role, Role::Gp | Role::Specialist | Role::Nurse), "{role:?}");
            assert_eq!(role.may(Action::CareForResidents), role == Role::Nurse, "{role:?}");
            let requests = role.may(Action::RequestExpertise);
            assert_eq!(requests, !matches!(role, Role::Admin | Role::Pharmacist), "{role:?}");
            assert_eq!(role.may(Action::AnswerExpertise), role == Role::Specialist, "{role:?}");
        }
    }

    #[test]
    fn identifiers_round_trip_and_match_serde() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
