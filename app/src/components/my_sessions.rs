//! "Your open sessions": where the member is signed in, so they can end a
//! session they do not recognise (a shared computer left signed in).

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::account::SessionView;

use crate::api::account as api;
use crate::components::error_text::ErrorAlert;
use crate::components::format::date_time;
use crate::i18n::*;

#[component]
pub fn MySessions() -> impl IntoView {
    let i18n = use_i18n();
    let sessions = LocalResource::new(api::my_sessions);
    let error = RwSignal::new(None::<String>);
    let end = move |id: String| {
        spawn_local(async move {
            match api::end_session(&id).await {
                Ok(()) => {
                    error.set(None);
                    sessions.refetch();
                }
                Err(_) => error.set(Some(t_string!(i18n, account.sessions_unavailable).to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="my-sessions" data-testid="my-sessions">
            <h2 id="my-sessions">{t!(i18n, account.sessions_title)}</h2>
            <p class="hint">{t!(i18n, account.sessions_help)}</p>
            <ErrorAlert message=error.into() />
            {move || sessions.get().map(|listed| match listed {
                Err(_) => view! { <p class="alert alert-error">{t!(i18n, account.sessions_unavailable)}</p> }.into_any(),
                Ok(listed) => view! {
                    <ul class="session-list">
                        {listed.into_iter().map(|s| view! { <SessionItem session=s on_end=end /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            })}
        </section>
    }
}

/// One session: its device and address, when it opened and was last used,
/// and a button to end it (not this device's: the nav signs out).
#[component]
fn SessionItem(session: SessionView, on_end: impl Fn(String) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let lang = move || i18n.get_locale().as_str();
    let SessionView { id, device, address, created_at, last_used_at, current } = session;
    let device = move || {
        if device.is_empty() {
            t_string!(i18n, account.unknown_device).to_string()
        } else {
            device.clone()
        }
    };
    let label = {
        let device = device.clone();
        move || t_string!(i18n, account.end_label, device = device(), when = date_time(created_at, lang())).to_string()
    };
    view! {
        <li class="session" data-testid="session">
            <div>
                <strong>{device.clone()}</strong>
                {current.then(|| view! { " " <span class="badge">{t!(i18n, account.this_device)}</span> })}
                <br />
                <span class="hint">
                    {move || t_string!(i18n, account.from, address = address.clone()).to_string()} " · "
                    {move || t_string!(i18n, account.opened, when = date_time(created_at, lang())).to_string()} " · "
                    {move || t_string!(i18n, account.last_used, when = date_time(last_used_at, lang())).to_string()}
                </span>
            </div>
            {(!current).then(|| view! {
                <button type="button" class="secondary" aria-label=label on:click=move |_| on_end(id.clone())>
                    {t!(i18n, account.end)}
                </button>
            })}
        </li>
    }
}
