//! One member on the administrators' team page: who they are, their RPPS or
//! ADELI number (which an administrator records), how they sign in, and what
//! can be done to their account.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::api::MemberView;
use regard_shared::{national_id, ErrorCode};

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::i18n::*;
use crate::texts::use_texts;

#[derive(Clone, Copy)]
pub enum MemberAction {
    Disable,
    Enable,
    InviteAgain,
    ResetSecondFactor,
}

/// A member: name, e-mail, status, recent wrong passwords, RPPS/ADELI number,
/// and the buttons that disable or enable them, send a pending invitation
/// again or reset a lost second factor (none on the administrator's own line
/// but the number).
#[component]
pub fn MemberItem(
    member: MemberView,
    me: bool,
    organisation_id: String,
    changed: RwSignal<u32>,
    on_act: impl Fn(String, MemberAction) + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let MemberView { user, failed_sign_ins, disabled, invited, national_id, second_factor } = member;
    let name = StoredValue::new(user.display_name.clone());
    let id = StoredValue::new(user.id.clone());
    let status = move || match (disabled, invited) {
        (true, _) => t_string!(i18n, team.disabled),
        (false, true) => t_string!(i18n, team.invited),
        (false, false) => t_string!(i18n, team.active),
    };
    let toggle = if disabled { MemberAction::Enable } else { MemberAction::Disable };
    let toggle_label = move || match disabled {
        true => t_string!(i18n, team.enable_label, name = name.get_value()).to_string(),
        false => t_string!(i18n, team.disable_label, name = name.get_value()).to_string(),
    };
    let act = move |action: MemberAction| {
        let on_act = on_act.clone();
        move |_| on_act(id.get_value(), action)
    };
    view! {
        <li class="member" class:disabled=disabled data-testid="member">
            <div>
                <strong>{user.display_name.clone()}</strong>
                {me.then(|| view! { " (" {t!(i18n, team.you)} ")" })}
                <br />
                <span class="hint">{user.email.clone()}</span>
                " "
                <span class="badge" data-testid="member-status">{status}</span>
                {second_factor.then(|| view! { " " <span class="badge">{t!(i18n, team.second_factor)}</span> })}
                {(failed_sign_ins > 0).then(|| view! {
                    " " <span class="hint">{t!(i18n, team.failed, count = failed_sign_ins)}</span>
                })}
                <NationalId organisation_id=organisation_id member_id=user.id name=user.display_name national_id=national_id changed=changed />
            </div>
            {(invited && !disabled).then(|| view! {
                <button type="button" class="secondary" on:click=act(MemberAction::InviteAgain)
                    aria-label=move || t_string!(i18n, team.invite_again_label, name = name.get_value()).to_string()>
                    {t!(i18n, team.invite_again)}
                </button>
            })}
            {(second_factor && !me).then(|| view! {
                <button type="button" class="secondary" on:click=act(MemberAction::ResetSecondFactor)
                    aria-label=move || t_string!(i18n, team.second_factor_reset_label, name = name.get_value()).to_string()>
                    {t!(i18n, team.second_factor_reset)}
                </button>
            })}
            {(!me).then(|| view! {
                <button type="button" class="secondary" aria-label=toggle_label on:click=act(toggle)>
                    {move || if disabled { t_string!(i18n, team.enable) } else { t_string!(i18n, team.disable) }}
                </button>
            })}
        </li>
    }
}

/// The member's RPPS/ADELI number, and a small form to record or clear it.
#[component]
fn NationalId(
    organisation_id: String,
    member_id: String,
    name: String,
    national_id: Option<String>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let editing = RwSignal::new(false);
    let typed = RwSignal::new(national_id.as_deref().map(national_id::label).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let field_id = format!("national-id-{member_id}");
    let shown = national_id.as_deref().map(national_id::label);
    let name = StoredValue::new(name);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (organisation_id, member_id) = (organisation_id.clone(), member_id.clone());
        // "RPPS 10001234565" as shown is read back as the number.
        let number = typed.get_untracked().trim().trim_start_matches("RPPS").trim_start_matches("ADELI").to_owned();
        spawn_local(async move {
            match api::account::set_national_id(&organisation_id, &member_id, Some(number)).await {
                Ok(_) => {
                    editing.set(false);
                    changed.update(|n| *n += 1);
                }
                Err(Failure::Api(e)) if e.code == ErrorCode::Validation => {
                    error.set(Some(t_string!(i18n, team.national_id_invalid).to_string()))
                }
                Err(Failure::Api(e)) if e.code == ErrorCode::Conflict => {
                    error.set(Some(t_string!(i18n, team.national_id_taken).to_string()))
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <p class="national-id">
            <span data-testid="national-id">{shown.unwrap_or_else(|| t_string!(i18n, team.no_national_id).to_string())}</span>
            " "
            <button type="button" class="link" on:click=move |_| editing.update(|e| *e = !*e)
                aria-expanded=move || editing.get().to_string()
                aria-label=move || t_string!(i18n, team.national_id_edit_label, name = name.get_value()).to_string()>
                {t!(i18n, team.national_id_edit)}
            </button>
        </p>
        <Show when=move || editing.get()>
            <form class="national-id-form" on:submit=save.clone() novalidate>
                <label for=field_id.clone()>{move || t_string!(i18n, team.national_id_field, name = name.get_value()).to_string()}</label>
                <input id=field_id.clone() type="text" inputmode="numeric" autocomplete="off" maxlength="20" bind:value=typed />
                <p class="hint">{t!(i18n, team.national_id_help)}</p>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary">{t!(i18n, team.save)}</button>
                " "
                <button type="button" class="secondary" on:click=move |_| editing.set(false)>{t!(i18n, team.cancel)}</button>
            </form>
        </Show>
    }
}
