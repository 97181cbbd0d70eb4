//! The console's home: who is signed in, for which organisation, and where to go.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::api::Me;
use regard_shared::{OrganisationKind, Role};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::session::use_session;
use leptos_i18n::I18nContext;

#[component]
pub fn ConsoleHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);

    // A reload keeps the cookie but not the page's memory: ask the server who we are.
    if session.0.get_untracked().is_none() {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::me().await {
                Ok(me) => session.0.set(Some(me)),
                Err(Failure::Api(e)) if e.code == regard_shared::ErrorCode::Unauthenticated => {
                    navigate("/login", Default::default())
                }
                Err(failure) => error.set(Some(error_text(i18n, &failure))),
            }
        });
    }

    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::logout().await {
                Ok(()) => {
                    session.0.set(None);
                    navigate("/login", Default::default());
                }
                Err(failure) => error.set(Some(error_text(i18n, &failure))),
            }
        });
    };

    view! {
        <ErrorAlert message=error.into() />
        {move || match session.0.get() {
            None => view! { <p class="muted" role="status">{t!(i18n, console.loading)}</p> }.into_any(),
            Some(me) => view! { <Dashboard me=me on_sign_out=sign_out.clone() /> }.into_any(),
        }}
    }
}

#[component]
fn Dashboard(
    me: Me,
    on_sign_out: impl Fn(leptos::ev::MouseEvent) + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let Me { user, organisation } = me;
    let name = user.display_name.clone();
    view! {
        <div class="console">
            <nav class="console-nav" aria-label=move || t_string!(i18n, console.nav_label).to_string()>
                <a href="/console" aria-current="page">{t!(i18n, console.home)}</a>
                <button type="button" class="secondary" on:click=on_sign_out>
                    {t!(i18n, console.logout)}
                </button>
            </nav>
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
            <section class="card" aria-labelledby="services">
                <h2 id="services">{t!(i18n, console.services_title)}</h2>
                <p class="muted">{t!(i18n, console.services_empty)}</p>
            </section>
        </div>
    }
}

fn role_name(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Regulator => t_string!(i18n, roles.regulator),
        Role::Gp => t_string!(i18n, roles.gp),
        Role::Specialist => t_string!(i18n, roles.specialist),
        Role::Nurse => t_string!(i18n, roles.nurse),
        Role::Admin => t_string!(i18n, roles.admin),
    }
    .to_string()
}

fn kind_name(i18n: I18nContext<Locale>, kind: OrganisationKind) -> String {
    match kind {
        OrganisationKind::SamuCentre => t_string!(i18n, org_kinds.samu_centre),
        OrganisationKind::GpPractice => t_string!(i18n, org_kinds.gp_practice),
        OrganisationKind::NursingHome => t_string!(i18n, org_kinds.nursing_home),
        OrganisationKind::ExpertSite => t_string!(i18n, org_kinds.expert_site),
    }
    .to_string()
}
