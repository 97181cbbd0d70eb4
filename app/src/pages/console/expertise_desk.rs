//! Tele-expertise at a glance: the requests one's organisation sent, with what
//! the specialists wrote back, and for an expert site its queue per specialty,
//! untaken and urgent requests first, with how long each has waited.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use regard_shared::expertise::{RequestSummary, Specialty, Status, Urgency};
use regard_shared::live::News;
use regard_shared::page::Page;
use regard_shared::Action;

use super::expertise_on_call::OnCallRotas;
use crate::api::{expertise as api, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::date_time;
use crate::components::paged::{fetch_pages, PageFooter, Shown};
use crate::i18n::*;
use crate::live::on_news;
use crate::session::use_session;
use crate::texts::use_texts;

pub fn specialty_name(i18n: I18nContext<Locale>, specialty: Specialty) -> String {
    match specialty {
        Specialty::Dermatology => t_string!(i18n, expertise.dermatology),
        Specialty::Stroke => t_string!(i18n, expertise.stroke),
        Specialty::General => t_string!(i18n, expertise.general),
    }
    .to_string()
}

pub fn status_name(i18n: I18nContext<Locale>, status: Status) -> String {
    match status {
        Status::Submitted => t_string!(i18n, expertise.status_submitted),
        Status::Taken => t_string!(i18n, expertise.status_taken),
        Status::NeedsInformation => t_string!(i18n, expertise.status_needs_information),
        Status::Answered => t_string!(i18n, expertise.status_answered),
        Status::Closed => t_string!(i18n, expertise.status_closed),
    }
    .to_string()
}

/// "12 min", "3 h 05", "4 j": how long a request has waited.
fn waited(since: i64) -> String {
    let minutes = ((js_sys::Date::now() as i64 - since) / 60_000).max(0);
    match minutes {
        0..60 => format!("{minutes} min"),
        60..2880 => format!("{} h {:02}", minutes / 60, minutes % 60),
        _ => format!("{} j", minutes / 1440),
    }
}

#[component]
pub fn ExpertiseDesk() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may = move |action| session.0.read().as_ref().is_some_and(|me| me.user.role.may(action));
    view! {
            <h1>{t!(i18n, expertise.title)}</h1>
            <p><a href="/console/expertise/stroke-usage">{t!(i18n, stroke.usage_link)}</a></p>
            <Show when=move || may(Action::AnswerExpertise)>
                <ExpertQueue />
                <OnCallRotas />
            </Show>
            <Show when=move || may(Action::RequestExpertise)>
                <SentRequests />
            </Show>
    }
}

/// A list's pages, loaded now and again on tele-expertise news so that new
/// answers and requests show; `more` opens the next page, `reload` starts over.
struct Followed {
    list: RwSignal<Option<Shown<RequestSummary>>>,
    error: RwSignal<Option<String>>,
    more: Callback<()>,
    reload: Callback<()>,
}

fn followed<Load, Loading>(load: Load) -> Followed
where
    Load: Fn(Option<String>) -> Loading + Copy + Send + Sync + 'static,
    Loading: std::future::Future<Output = Result<Page<RequestSummary>, Failure>> + 'static,
{
    let texts = use_texts();
    let (list, error, pages) = (RwSignal::new(None), RwSignal::new(None), RwSignal::new(1_usize));
    let poll = move || {
        spawn_local(async move {
            match fetch_pages(pages.get_untracked(), load).await {
                Ok(found) => {
                    list.set(Some(found));
                    error.set(None);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        })
    };
    poll();
    on_news(|news| matches!(news, News::Expertise { .. }), poll);
    let more = Callback::new(move |()| {
        pages.update(|p| *p += 1);
        poll();
    });
    let reload = Callback::new(move |()| {
        pages.set(1);
        poll();
    });
    Followed { list, error, more, reload }
}

/// The table of a list's pages and, under it, how many of how many.
fn paged_table(followed: &Followed, expert: bool) -> impl IntoView {
    let (list, more) = (followed.list, followed.more);
    move || {
        list.get().map(|shown| {
            let footer = (!shown.items.is_empty()).then(|| {
                view! { <PageFooter shown=shown.items.len() total=shown.total more=shown.more on_more=more /> }
            });
            view! { <RequestTable requests=shown.items expert=expert /> {footer} }
        })
    }
}

#[component]
fn SentRequests() -> impl IntoView {
    let i18n = use_i18n();
    let followed = followed(api::sent);
    view! {
        <section class="card" aria-labelledby="sent-title">
            <div class="section-head">
                <h2 id="sent-title">{t!(i18n, expertise.sent_title)}</h2>
                <a class="button primary" href="/console/expertise/new">{t!(i18n, expertise.new_request)}</a>
            </div>
            <ErrorAlert message=followed.error.into() />
            {paged_table(&followed, false)}
        </section>
    }
}

#[component]
fn ExpertQueue() -> impl IntoView {
    let i18n = use_i18n();
    // The server filters, so that every page holds the chosen specialty only.
    let filter = RwSignal::new(String::new());
    let followed = followed(move |after| api::queue(filter.get_untracked(), after));
    let reload = followed.reload;
    view! {
        <section class="card" aria-labelledby="queue-title">
            <h2 id="queue-title">{t!(i18n, expertise.queue_title)}</h2>
            <label for="queue-specialty">{t!(i18n, expertise.specialty)}</label>
            <select id="queue-specialty" bind:value=filter on:change=move |_| reload.run(())>
                <option value="">{t!(i18n, expertise.all_specialties)}</option>
                {Specialty::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str()>{specialty_name(i18n, s)}</option>
                }).collect_view()}
            </select>
            <ErrorAlert message=followed.error.into() />
            {paged_table(&followed, true)}
        </section>
    }
}

#[component]
fn RequestTable(requests: Vec<RequestSummary>, expert: bool) -> impl IntoView {
    let i18n = use_i18n();
    if requests.is_empty() {
        return view! { <p class="muted">{t!(i18n, expertise.none)}</p> }.into_any();
    }
    let lang = i18n.get_locale().as_str();
    view! {
        <div class="table-scroll">
            <table class="list" data-testid=if expert { "expertise-queue" } else { "expertise-sent" }>
                <thead><tr>
                    <th scope="col">{t!(i18n, expertise.patient)}</th>
                    <th scope="col">{t!(i18n, expertise.specialty)}</th>
                    <th scope="col">{if expert { t_string!(i18n, expertise.from) } else { t_string!(i18n, expertise.to) }}</th>
                    <th scope="col">{t!(i18n, expertise.status)}</th>
                    <th scope="col">{if expert { t_string!(i18n, expertise.waiting) } else { t_string!(i18n, expertise.sent_at) }}</th>
                </tr></thead>
                <tbody>
                    {requests.into_iter().map(|r| {
                        let urgent = r.urgency == Urgency::Urgent;
                        view! {
                            <tr class:unread=r.unread>
                                <td><a href=format!("/console/expertise/{}", r.id)>{r.patient_name.clone()}</a>
                                    {r.unread.then(|| view! { " " <span class="badge">{t!(i18n, expertise.new_badge)}</span> })}
                                </td>
                                <td>{specialty_name(i18n, r.specialty)}
                                    {urgent.then(|| view! { " " <strong class="urgent">{t!(i18n, expertise.urgent)}</strong> })}
                                </td>
                                <td>{if expert { r.requesting_site.clone() } else { r.expert_site.clone() }}</td>
                                <td data-status=r.status.as_str()>{status_name(i18n, r.status)}</td>
                                <td>{if expert { waited(r.submitted_at) } else { date_time(r.submitted_at, lang) }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
