//! The console's home: who is signed in, for which organisation, and where to
//! go; a warning when someone failed to sign in to this account lately, and
//! for admins, which members' accounts are being guessed at; the sessions
//! open on this account, and its second factor.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use regard_shared::api::Me;
use regard_shared::{OrganisationKind, Role};

use crate::api;
use crate::components::lock_screen::PinSetting;
use crate::components::my_second_factor::MySecondFactor;
use crate::components::my_sessions::MySessions;
use crate::i18n::*;
use crate::session::use_session;

#[component]
pub fn ConsoleHome() -> impl IntoView {
    let session = use_session();
    view! {
            {move || session.0.get().map(|me| view! {
                <Identity me=me.clone() />
                {(me.failed_sign_ins > 0).then(|| view! { <SignInWarning count=me.failed_sign_ins /> })}
                {(me.user.role == Role::Admin).then(|| view! { <FailedSignIns organisation_id=me.organisation.id /> })}
            })}
            <PinSetting />
            {session.0.get_untracked().map(|me| view! { <MySecondFactor enrolled=me.second_factor /> })}
            <MySessions />
    }
}

/// Tells the user that wrong passwords were tried on their account.
#[component]
fn SignInWarning(count: u32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="alert alert-waiting sign-in-warning" role="status" data-testid="sign-in-warning">
            {t!(i18n, console.failed_sign_ins_self, count = count)}
        </p>
    }
}

/// For admins: the members whose password someone got wrong lately.
#[component]
fn FailedSignIns(organisation_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let members = LocalResource::new(move || {
        let id = organisation_id.clone();
        async move { api::members(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="failed-sign-ins" data-testid="failed-sign-ins">
            <h2 id="failed-sign-ins">{t!(i18n, console.failed_sign_ins_title)}</h2>
            <p class="hint">{t!(i18n, console.failed_sign_ins_help)}</p>
            {move || members.get().map(|result| match result {
                Err(_) => view! { <p class="alert alert-error">{t!(i18n, console.failed_sign_ins_unavailable)}</p> }
                    .into_any(),
                Ok(members) => {
                    let guessed: Vec<_> = members.into_iter().filter(|m| m.failed_sign_ins > 0).collect();
                    if guessed.is_empty() {
                        return view! { <p>{t!(i18n, console.failed_sign_ins_none)}</p> }.into_any();
                    }
                    view! {
                        <ul>
                            {guessed.into_iter().map(|m| view! {
                                <li>{t!(i18n, console.failed_sign_ins_member, name = m.user.display_name.clone(),
                                    email = m.user.email.clone(), count = m.failed_sign_ins)}</li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            })}
        </section>
    }
}

#[component]
fn Identity(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let Me { user, organisation, .. } = me;
    let name = user.display_name.clone();
    view! {
        <section class="card" aria-labelledby="greeting">
            <h1 id="greeting">{t!(i18n, console.greeting, name = name.clone())}</h1>
            <dl class="identity">
                <dt>{t!(i18n, console.role)}</dt>
                <dd data-testid="role">{move || role_name(i18n, user.role)}</dd>
                <dt>{t!(i18n, console.organisation)}</dt>
                <dd data-testid="organisation">
                    {organisation.name.clone()} " · " {move || kind_name(i18n, organisation.kind)}
                </dd>
                <dt>{t!(i18n, console.email)}</dt>
                <dd>{user.email.clone()}</dd>
            </dl>
        </section>
    }
}

pub(crate) fn role_name(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Regulator => t_string!(i18n, roles.regulator),
        Role::Gp => t_string!(i18n, roles.gp),
        Role::Specialist => t_string!(i18n, roles.specialist),
        Role::Nurse => t_string!(i18n, roles.nurse),
        Role::Admin => t_string!(i18n, roles.admin),
        Role::Pharmacist => t_string!(i18n, roles.pharmacist),
    }
    .to_string()
}

fn kind_name(i18n: I18nContext<Locale>, kind: OrganisationKind) -> String {
    match kind {
        OrganisationKind::SamuCentre => t_string!(i18n, org_kinds.samu_centre),
        OrganisationKind::GpPractice => t_string!(i18n, org_kinds.gp_practice),
        OrganisationKind::NursingHome => t_string!(i18n, org_kinds.nursing_home),
        OrganisationKind::ExpertSite => t_string!(i18n, org_kinds.expert_site),
        OrganisationKind::Pharmacy => t_string!(i18n, org_kinds.pharmacy),
    }
    .to_string()
}
