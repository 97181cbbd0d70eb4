//! The console's shell, the parent route of every console page: makes sure
//! someone is signed in (or sends them to the sign-in page), opens the live
//! channel, and shows once for the whole visit what every page shares: the
//! navigation their role allows, ringing calls, the waiting room, monitoring
//! alerts, and the channel's state. Pages render in its `<Outlet/>`, so moving
//! between them never mounts these again (nor re-announces an alert).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use regard_shared::api::Me;
use regard_shared::{Action, ErrorCode};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::expertise_link::ExpertiseNavLink;
use crate::components::lock_screen::{LockButton, LockScreen};
use crate::components::monitoring_alert::MonitoringAlert;
use crate::components::ringing_calls::RingingCalls;
use crate::components::ringing_requests::RingingRequests;
use crate::components::waiting_room_alert::WaitingRoomAlert;
use crate::i18n::*;
use crate::live::{provide_live, use_link, Link};
use crate::session::use_session;
use crate::texts::use_texts;

/// Back to the sign-in page, then to this page (a scanned prescription, a shared case link).
fn sign_in_again(navigate: impl Fn(&str, leptos_router::NavigateOptions)) {
    let here = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let next = String::from(js_sys::encode_uri_component(&here));
    navigate(&format!("/login?next={next}"), Default::default())
}

#[component]
pub fn ConsoleShell() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let session = use_session();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);

    // A reload keeps the cookie but not the page's memory: ask the server who we are.
    if session.0.get_untracked().is_none() {
        spawn_local(async move {
            match api::me().await {
                Ok(me) => session.0.set(Some(me)),
                Err(Failure::Api(e)) if e.code == ErrorCode::Unauthenticated => sign_in_again(navigate),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    }

    // Redrawn only when someone signs in, out, locks or unlocks: a change of
    // the session's details (a PIN chosen) must not reset the page below.
    let shown = Memo::new(move |_| session.0.with(|me| me.as_ref().map(|me| (me.user.id.clone(), me.locked))));
    view! {
        <ErrorAlert message=error.into() />
        {move || match shown.get().and_then(|_| session.0.get_untracked()) {
            None => view! { <p class="muted" role="status">{t!(i18n, console.loading)}</p> }.into_any(),
            Some(me) if me.locked => view! { <LockScreen name=me.user.display_name.clone() /> }.into_any(),
            Some(me) => view! { <SignedIn me=me /> }.into_any(),
        }}
    }
}

/// The console of a signed-in, unlocked member, with its live channel.
#[component]
fn SignedIn(me: Me) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    provide_live(move |answer| match answer {
        // Locked elsewhere (another tab) or still signed in: the shell follows.
        Ok(me) => session.0.set(Some(me)),
        Err(Failure::Api(e)) if e.code == ErrorCode::Unauthenticated => {
            session.0.set(None);
            sign_in_again(&navigate);
        }
        Err(_) => {}
    });
    let role = me.user.role;
    view! {
        <div class="console">
            <ChannelLost />
            {role.may(Action::ConductAssist).then(|| view! { <RingingCalls /> })}
            {role.may(Action::AnswerExpertise).then(|| view! { <RingingRequests /> })}
            {role.may(Action::ConductConsultation).then(|| view! { <WaitingRoomAlert /> })}
            {role.may(Action::MonitorPatients).then(|| view! { <MonitoringAlert /> })}
            <ConsoleNav me=me />
            <Outlet />
        </div>
    }
}

/// Said as long as the live channel is down: what the screen shows may be old.
#[component]
fn ChannelLost() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link();
    view! {
        <Show when=move || link.get() == Link::Lost>
            <p class="alert alert-lost" role="alert" data-testid="channel-lost">
                <strong>{t!(i18n, console.channel_lost)}</strong>
                " "
                {t!(i18n, console.channel_lost_help)}
            </p>
        </Show>
    }
}

#[component]
fn ConsoleNav(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let path = use_location().pathname;
    let current = move |href: &'static str| {
        let here = path.get();
        let active = if href == "/console" { here == href } else { here.starts_with(href) };
        active.then_some("page")
    };
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Even if the server is unreachable, forget the session on this screen.
            let _ = api::logout().await;
            session.0.set(None);
            navigate("/login", Default::default());
        });
    };
    let regulates = me.user.role.may(Action::ConductAssist);
    let consults = me.user.role.may(Action::ConductConsultation);
    let dispenses = me.user.role.may(Action::DispensePrescription);
    let monitors = me.user.role.may(Action::MonitorPatients);
    let cares = me.user.role.may(Action::CareForResidents);
    let manages = me.user.role.may(Action::ManageMembers);
    let pin_set = move || session.0.with(|me| me.as_ref().is_some_and(|me| me.pin_set));
    let expertise = me.user.role.may(Action::RequestExpertise) || me.user.role.may(Action::AnswerExpertise);
    view! {
        <nav class="console-nav" aria-label=move || t_string!(i18n, console.nav_label).to_string()>
            <div class="nav-links">
                <a href="/console" aria-current=move || current("/console")>{t!(i18n, console.home)}</a>
                <Show when=move || regulates>
                    <a href="/console/assist" aria-current=move || current("/console/assist")>
                        {t!(i18n, console.nav_assist)}
                    </a>
                </Show>
                <Show when=move || consults>
                    <a href="/console/consultations" aria-current=move || current("/console/consultations")>
                        {t!(i18n, console.nav_consultations)}
                    </a>
                </Show>
                <Show when=move || cares>
                    <a href="/console/residents" aria-current=move || current("/console/residents")>
                        {t!(i18n, console.nav_residents)}
                    </a>
                </Show>
                <Show when=move || expertise>
                    <ExpertiseNavLink current=Signal::derive(move || current("/console/expertise")) />
                </Show>
                <Show when=move || monitors>
                    <a href="/console/monitoring" aria-current=move || current("/console/monitoring")>
                        {t!(i18n, console.nav_monitoring)}
                    </a>
                </Show>
                <Show when=move || dispenses>
                    <a href="/console/prescriptions" aria-current=move || current("/console/prescriptions")>
                        {t!(i18n, console.nav_prescriptions)}
                    </a>
                </Show>
                <Show when=move || manages>
                    <a href="/console/team" aria-current=move || current("/console/team")>{t!(i18n, console.nav_team)}</a>
                </Show>
            </div>
            <div class="nav-actions">
                <Show when=pin_set>
                    <LockButton />
                </Show>
                <button type="button" class="secondary" on:click=sign_out>{t!(i18n, console.logout)}</button>
            </div>
        </nav>
    }
}
