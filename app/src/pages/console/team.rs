//! For an organisation's administrators: its members, to invite one (they
//! choose their own password) and disable one who has left or whose account
//! is misused (every session ends at once), and what happened to their
//! accounts lately.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::account::{AccountEvent, AccountEventView};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::date_time;
use crate::i18n::*;
use crate::pages::console::team_invite::InviteMember;
use crate::pages::console::team_member::{MemberAction, MemberItem};
use crate::pages::console::team_security::SecurityCard;
use crate::session::use_session;
use crate::texts::use_texts;

#[component]
pub fn TeamPage() -> Option<impl IntoView> {
    let session = use_session();
    // The console shell shows its pages to a signed-in member only.
    let me = session.0.get_untracked()?;
    let (organisation_id, my_id, kind) = (me.organisation.id, me.user.id, me.organisation.kind);
    // The lists change together: inviting or disabling a member writes an event.
    let changed = RwSignal::new(0u32);
    let on_invited = move || changed.update(|n| *n += 1);
    Some(view! {
        <Members organisation_id=organisation_id.clone() my_id=my_id changed=changed />
        <InviteMember organisation_id=organisation_id.clone() kind=kind on_invited=on_invited />
        <SecurityCard organisation_id=organisation_id.clone() />
        <AccountLog organisation_id=organisation_id changed=changed />
    })
}

#[component]
fn Members(organisation_id: String, my_id: String, changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let error = RwSignal::new(None::<String>);
    let id = organisation_id.clone();
    let organisation = StoredValue::new(organisation_id.clone());
    let members = LocalResource::new(move || {
        changed.track();
        let id = id.clone();
        async move { api::members(&id).await }
    });
    let act = move |member: String, action: MemberAction| {
        let organisation_id = organisation_id.clone();
        spawn_local(async move {
            let done = match action {
                MemberAction::Disable => api::account::set_disabled(&organisation_id, &member, true).await,
                MemberAction::Enable => api::account::set_disabled(&organisation_id, &member, false).await,
                MemberAction::InviteAgain => api::account::invite_again(&organisation_id, &member).await,
                MemberAction::ResetSecondFactor => api::account::reset_second_factor(&organisation_id, &member).await,
            };
            match done {
                Ok(()) => error.set(None),
                Err(Failure::Api(e)) if e.field.as_deref() == Some("mail") => {
                    error.set(Some(t_string!(i18n, team.invite_not_sent).to_string()))
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            changed.update(|n| *n += 1);
        });
    };
    let my_id = StoredValue::new(my_id);
    view! {
        <section class="card" aria-labelledby="team-title">
            <h1 id="team-title">{t!(i18n, team.title)}</h1>
            <p class="hint">{t!(i18n, team.help)}</p>
            <ErrorAlert message=error.into() />
            {move || members.get().map(|listed| match listed {
                Err(_) => view! { <p class="alert alert-error">{t!(i18n, team.unavailable)}</p> }.into_any(),
                Ok(listed) => {
                    let act = act.clone();
                    view! {
                        <ul class="member-list">
                            {listed.into_iter().map(|m| {
                                let me = my_id.with_value(|id| *id == m.user.id);
                                view! { <MemberItem member=m me=me organisation_id=organisation.get_value() changed=changed on_act=act.clone() /> }
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
fn AccountLog(organisation_id: String, changed: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let events = LocalResource::new(move || {
        changed.track();
        let id = organisation_id.clone();
        async move { api::account::account_events(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="account-log">
            <h2 id="account-log">{t!(i18n, team.events_title)}</h2>
            <p class="hint">{t!(i18n, team.events_help)}</p>
            {move || events.get().map(|listed| match listed {
                Err(_) => view! { <p class="alert alert-error">{t!(i18n, team.events_unavailable)}</p> }.into_any(),
                Ok(listed) if listed.is_empty() => view! { <p>{t!(i18n, team.events_none)}</p> }.into_any(),
                Ok(listed) => view! {
                    <ul class="event-list" data-testid="account-events">
                        {listed.into_iter().map(|e| view! { <EventItem event=e /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            })}
        </section>
    }
}

#[component]
fn EventItem(event: AccountEventView) -> impl IntoView {
    let i18n = use_i18n();
    let AccountEventView { at, event, member, by } = event;
    let what = move || match event {
        AccountEvent::SignedIn => t_string!(i18n, team.signed_in),
        AccountEvent::SignInFailed => t_string!(i18n, team.sign_in_failed),
        AccountEvent::SignedOut => t_string!(i18n, team.signed_out),
        AccountEvent::SessionEnded => t_string!(i18n, team.session_ended),
        AccountEvent::Disabled => t_string!(i18n, team.event_disabled),
        AccountEvent::Enabled => t_string!(i18n, team.event_enabled),
        AccountEvent::Invited => t_string!(i18n, team.event_invited),
        AccountEvent::InvitationAccepted => t_string!(i18n, team.event_invitation_accepted),
        AccountEvent::ResetRequested => t_string!(i18n, team.event_reset_requested),
        AccountEvent::PasswordReset => t_string!(i18n, team.event_password_reset),
        AccountEvent::NationalIdChanged => t_string!(i18n, team.event_national_id_changed),
        AccountEvent::SecondFactorEnabled => t_string!(i18n, team.event_second_factor_enabled),
        AccountEvent::SecondFactorFailed => t_string!(i18n, team.event_second_factor_failed),
        AccountEvent::RecoveryCodeUsed => t_string!(i18n, team.event_recovery_code_used),
        AccountEvent::SecondFactorReset => t_string!(i18n, team.event_second_factor_reset),
        AccountEvent::SignedInWithPsc => t_string!(i18n, team.event_signed_in_with_psc),
    };
    view! {
        <li data-testid="account-event">
            <span class="hint">{move || date_time(at, i18n.get_locale().as_str())}</span>
            " — " <strong>{member}</strong> " : " {what}
            {by.map(|name| view! { " " {move || t_string!(i18n, team.by, name = name.clone()).to_string()} })}
        </li>
    }
}
