//! Inviting a new member: the administrator names them and their role; the
//! member chooses their own password from the e-mail (48 hours, once).

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::api::NewMember;
use regard_shared::{ErrorCode, OrganisationKind, Role};

use crate::api::{account as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::pages::console::home::role_name;
use crate::texts::use_texts;

#[component]
pub fn InviteMember(
    organisation_id: String,
    kind: OrganisationKind,
    on_invited: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let roles = kind.roles();
    let (email, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let role = RwSignal::new(roles[0].as_str().to_owned());
    let (pending, error, sent) = (RwSignal::new(false), RwSignal::new(None::<String>), RwSignal::new(None::<String>));
    let organisation_id = StoredValue::new(organisation_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let member = NewMember {
            email: email.get_untracked().trim().to_owned(),
            display_name: name.get_untracked().trim().to_owned(),
            role: Role::parse(&role.get_untracked()).unwrap_or(roles[0]),
        };
        if member.email.is_empty() || member.display_name.is_empty() {
            error.set(Some(t_string!(i18n, team.invite_required).to_string()));
            return;
        }
        pending.set(true);
        error.set(None);
        sent.set(None);
        spawn_local(async move {
            let answer = api::invite(&organisation_id.get_value(), &member).await;
            let refused = |key| match key {
                "mail" => t_string!(i18n, team.invite_not_sent).to_string(),
                "email" => t_string!(i18n, team.invite_bad_email).to_string(),
                _ => t_string!(i18n, team.invite_taken).to_string(),
            };
            match answer {
                Ok(_) => {
                    sent.set(Some(t_string!(i18n, team.invite_sent, email = member.email).to_string()));
                    email.set(String::new());
                    name.set(String::new());
                }
                Err(Failure::Api(e)) if e.field.as_deref() == Some("mail") => error.set(Some(refused("mail"))),
                Err(Failure::Api(e)) if e.field.as_deref() == Some("email") => error.set(Some(refused("email"))),
                Err(Failure::Api(e)) if e.code == ErrorCode::Conflict => error.set(Some(refused("taken"))),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.set(false);
            on_invited();
        });
    };
    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">{t!(i18n, team.invite_title)}</h2>
            <p class="hint">{t!(i18n, team.invite_help)}</p>
            <form on:submit=submit novalidate>
                <label for="invite-email">{t!(i18n, login.email)}</label>
                <input id="invite-email" type="email" inputmode="email" autocomplete="off" required bind:value=email />
                <label for="invite-name">{t!(i18n, team.invite_name)}</label>
                <input id="invite-name" type="text" autocomplete="off" required bind:value=name />
                <label for="invite-role">{t!(i18n, console.role)}</label>
                <select id="invite-role" bind:value=role>
                    {roles.iter().map(|r| view! { <option value=r.as_str()>{move || role_name(i18n, *r)}</option> }).collect_view()}
                </select>
                <ErrorAlert message=error.into() />
                <Show when=move || sent.get().is_some()>
                    <p class="alert alert-ok" role="status">{move || sent.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, team.invite_submit)}</button>
            </form>
        </section>
    }
}
