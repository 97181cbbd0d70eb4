//! The text messages the organisation sent. With the default outbox provider
//! nothing leaves Regard: the links are read here (demo, tests, or read out
//! over the phone).

use leptos::prelude::*;
use regard_shared::assist::SmsView;

use crate::api;
use crate::components::format::date_time;
use crate::i18n::*;

/// A text message's body with its link made clickable: with the outbox
/// provider, this is how a demo or a regulator reaches the caller's page.
#[component]
pub fn SmsBody(body: String) -> impl IntoView {
    let (before, link, after) = match body.find("http") {
        Some(start) => {
            let end = body[start..].find(char::is_whitespace).map_or(body.len(), |e| start + e);
            (body[..start].to_owned(), Some(body[start..end].to_owned()), body[end..].to_owned())
        }
        None => (body.clone(), None, String::new()),
    };
    view! {
        <span class="sms-body">
            {before}
            {link.map(|url| {
                let href = url.clone();
                view! { <a href=href target="_blank" rel="noopener">{url}</a> }
            })}
            {after}
        </span>
    }
}

/// The latest text messages of the organisation, newest first.
#[component]
pub fn Outbox() -> impl IntoView {
    let i18n = use_i18n();
    let messages = LocalResource::new(api::outbox);
    let item = move |sms: SmsView| {
        let lang = i18n.get_locale().as_str();
        view! {
            <li class="sms">
                <p class="sms-meta">{date_time(sms.created_at, lang)} " · " {sms.to.clone()}</p>
                <p><SmsBody body=sms.body.clone() /></p>
                {sms.error.clone().map(|error| view! {
                    <p class="alert alert-error">{t_string!(i18n, assist.sms_failed, error = error).to_string()}</p>
                })}
            </li>
        }
    };
    view! {
        <section class="card" aria-labelledby="outbox">
            <h2 id="outbox">{t!(i18n, assist.outbox_title)}</h2>
            <p class="hint">{t!(i18n, assist.outbox_hint)}</p>
            {move || messages.get().and_then(Result::ok).map(|list| view! {
                <ul class="outbox" data-testid="outbox">{list.into_iter().take(10).map(item).collect_view()}</ul>
            })}
        </section>
    }
}
