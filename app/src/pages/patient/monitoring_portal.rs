//! The patient's portal, phone first: today's questionnaire, what is waiting
//! on the phone for the network, past answers, the schedule, the reminders,
//! and stopping in one tap plus a confirmation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use regard_shared::lang::Lang;
use regard_shared::monitoring::translation::translated;
use regard_shared::monitoring::wire::{EndReason, NewSubmission, PatientFollowUp, PatientView, Reminders};

use super::monitoring::ReminderChoice;
use crate::api::monitoring as api;
use crate::api::Failure;
use crate::components::error_text::error_text;
use crate::components::format::{date_time, due_state_text, intl_tag};
use crate::components::questionnaire_form::{answer_text, Filled, QuestionnaireForm};
use crate::offline::{self, Outcome, Pending};
use crate::texts::{tx, use_texts};

/// What the portal last said about sending; kept by the page, so it outlives
/// the portal's redraw with fresh data.
#[derive(Clone, PartialEq)]
pub enum Said {
    Sent,
    SavedOffline,
    Refused(String),
}

#[component]
pub fn Portal(
    followup: PatientFollowUp,
    said: RwSignal<Option<Said>>,
    on_view: Callback<PatientView>,
    on_signed_out: Callback<()>,
) -> impl IntoView {
    let texts = use_texts();
    keep_language(followup.language);
    // Questionnaires filled on this phone and not yet on the server.
    let waiting = RwSignal::new(Vec::<u32>::new());
    // Questionnaires this portal already handed over (sent or queued): their form goes away.
    let handed = RwSignal::new(Vec::<u32>::new());
    let refresh = move || {
        spawn_local(async move {
            if let Ok(view) = api::mine().await {
                on_view.run(view);
            }
        })
    };
    let flush = move || {
        spawn_local(async move {
            let outcomes = offline::flush().await;
            waiting.set(offline::pending().await.iter().map(|p| p.submission.index).collect());
            if let Some(refused) = outcomes.iter().find_map(|(_, o)| match o {
                Outcome::Refused(e) => Some(error_text(texts, &Failure::Api(e.clone()))),
                _ => None,
            }) {
                said.set(Some(Said::Refused(refused)));
            } else if outcomes.iter().any(|(_, o)| *o == Outcome::Sent) {
                said.set(Some(Said::Sent));
                refresh();
            }
        })
    };
    flush();
    let online = window_event_listener(leptos::ev::online, move |_| flush());
    on_cleanup(move || online.remove());

    let open = followup.open.and_then(|index| followup.schedule.iter().find(|d| d.index == index).cloned());
    let due_now = open.clone();
    let on_filled = Callback::new(move |(answers, photos): Filled| {
        let Some(due) = due_now.clone() else { return };
        let pending =
            Pending { submission: NewSubmission { id: offline::new_id(), index: due.index, answers }, photos };
        spawn_local(async move {
            // Kept on the phone first: closing the page now loses nothing.
            if offline::save(&pending).await.is_err() {
                said.set(Some(Said::Refused(tx!(texts, errors.unexpected))));
                return;
            }
            handed.update(|h| h.push(due.index));
            waiting.update(|w| w.push(due.index));
            let outcomes = offline::flush().await;
            match outcomes.into_iter().find(|(id, _)| *id == pending.submission.id).map(|(_, o)| o) {
                Some(Outcome::Sent) => {
                    waiting.update(|w| w.retain(|i| *i != due.index));
                    said.set(Some(Said::Sent));
                    refresh();
                }
                Some(Outcome::Refused(e)) => {
                    waiting.update(|w| w.retain(|i| *i != due.index));
                    handed.update(|h| h.retain(|i| *i != due.index));
                    said.set(Some(Said::Refused(error_text(texts, &Failure::Api(e)))));
                }
                _ => said.set(Some(Said::SavedOffline)),
            }
        });
    });

    let language = move || intl_tag(texts.lang());
    let questionnaire = StoredValue::new(followup.questionnaire.clone());
    let next_due = followup
        .schedule
        .iter()
        .find(|d| d.filled_at.is_none() && d.due_at > js_sys::Date::now() as i64)
        .map(|d| d.due_at);
    let ended = followup.ended_at.map(|_| (followup.end_reason, followup.purge_at.unwrap_or_default()));
    let title = {
        let (french, translations) = (followup.protocol_title.clone(), followup.questionnaire.title_element.clone());
        move || translated(&french, translations.as_ref(), texts.lang()).to_owned()
    };
    view! {
        <h1>{title}</h1>
        <p class="lead">{followup.practice.clone()}</p>
        <div role="status">
            {move || said.get().map(|s| match s {
                Said::Sent => view! { <p class="alert alert-ok">{tx!(texts, followup.sent)}</p> }.into_any(),
                Said::SavedOffline => view! { <p class="alert">{tx!(texts, followup.saved_offline)}</p> }.into_any(),
                Said::Refused(message) => view! { <p class="alert alert-error">{tx!(texts, followup.refused, message = message)}</p> }.into_any(),
            })}
            <Show when=move || !waiting.read().is_empty()>
                <p class="muted">{move || tx!(texts, followup.waiting_count, count = waiting.read().len())}</p>
            </Show>
        </div>
        {match ended {
            Some((reason, purge_at)) => {
                let text = move || {
                    let date = date_time(purge_at, language());
                    if reason == Some(EndReason::Finished) {
                        tx!(texts, followup.finished, date = date)
                    } else {
                        tx!(texts, followup.stopped, date = date)
                    }
                };
                view! { <p class="alert">{text}</p> }.into_any()
            }
            None => match open.clone() {
                Some(due) => view! {
                    <Show when=move || !handed.read().contains(&due.index) && !waiting.read().contains(&due.index)>
                        <section class="card" aria-labelledby="today-title">
                            <h2 id="today-title">{move || tx!(texts, followup.today_title, day = due.day)}</h2>
                            <QuestionnaireForm questionnaire=questionnaire.get_value() on_filled=on_filled />
                        </section>
                    </Show>
                }
                .into_any(),
                None => view! {
                    <p>{move || tx!(texts, followup.nothing_now)}</p>
                    {next_due.map(|at| view! { <p>{move || tx!(texts, followup.next, date = date_time(at, language()))}</p> })}
                }
                .into_any(),
            },
        }}
        <History followup=followup.clone() />
        {followup.ended_at.is_none().then(|| view! {
            <ReminderSettings followup=followup.clone() on_view=on_view />
            <StopFollowUp on_view=on_view />
        })}
        <SignOut on_signed_out=on_signed_out />
    }
}

/// Past answers, newest first, and the schedule.
#[component]
fn History(followup: PatientFollowUp) -> impl IntoView {
    let texts = use_texts();
    let questionnaire = StoredValue::new(followup.questionnaire.clone());
    let mut submissions = followup.submissions.clone();
    submissions.reverse();
    view! {
        <section aria-labelledby="history-title">
            <h2 id="history-title">{move || tx!(texts, followup.history_title)}</h2>
            {submissions.into_iter().map(|s| {
                let when = move || date_time(s.submitted_at, intl_tag(texts.lang()));
                let lines = move || questionnaire.with_value(|q| {
                    let lang = texts.lang();
                    q.item.iter().filter_map(|item| s.answers.get(&item.link_id).map(|a| {
                        let question = translated(&item.text, item.text_element.as_ref(), lang).to_owned();
                        view! { <dt>{question}</dt><dd>{answer_text(texts, Some(item), a)}</dd> }
                    })).collect_view()
                });
                view! {
                    <details class="submission">
                        <summary>{move || tx!(texts, followup.day, day = s.day)} " · " {when}</summary>
                        <dl>{lines}</dl>
                    </details>
                }
            }).collect_view()}
        </section>
        <section aria-labelledby="schedule-title">
            <h2 id="schedule-title">{move || tx!(texts, followup.schedule_title)}</h2>
            <ul class="schedule">
                {followup.schedule.into_iter().map(|d| {
                    let now = js_sys::Date::now() as i64;
                    let state = { let d = d.clone(); move || due_state_text(texts, &d, now) };
                    view! { <li>{move || tx!(texts, followup.day, day = d.day)} " – " {move || date_time(d.due_at, intl_tag(texts.lang()))} " – " {state}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ReminderSettings(followup: PatientFollowUp, on_view: Callback<PatientView>) -> impl IntoView {
    let texts = use_texts();
    let sms = RwSignal::new(followup.reminders.sms);
    let email = RwSignal::new(followup.reminders.email);
    let message = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            let reminders = Reminders { sms: sms.get_untracked(), email: email.get_untracked() };
            match api::set_reminders(reminders).await {
                Ok(view) => {
                    message.set(Some(tx!(texts, followup.reminders_saved)));
                    on_view.run(view);
                }
                Err(failure) => message.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <form class="card" on:submit=save>
            <ReminderChoice sms=sms email=email can_sms=followup.can_sms can_email=followup.can_email />
            <p role="status">{move || message.get()}</p>
            <button type="submit" class="secondary">{move || tx!(texts, followup.save_reminders)}</button>
        </form>
    }
}

#[component]
fn StopFollowUp(on_view: Callback<PatientView>) -> impl IntoView {
    let texts = use_texts();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let stop = move |_| {
        spawn_local(async move {
            match api::stop().await {
                Ok(view) => on_view.run(view),
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="stop-title">
            <h2 id="stop-title">{move || tx!(texts, followup.stop_title)}</h2>
            <p>{move || tx!(texts, followup.stop_hint)}</p>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="stop" on:click=move |_| confirming.set(true)>{move || tx!(texts, followup.stop)}</button>
            }>
                <p role="alert"><strong>{move || tx!(texts, followup.stop_confirm)}</strong></p>
                <button type="button" class="stop" on:click=stop>{move || tx!(texts, followup.stop_yes)}</button>
                <button type="button" class="secondary" on:click=move |_| confirming.set(false)>{move || tx!(texts, followup.stop_no)}</button>
            </Show>
            <p class="alert alert-error" role="alert" hidden=move || error.get().is_none()>{move || error.get()}</p>
        </section>
    }
}

#[component]
fn SignOut(on_signed_out: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    let sign_out = move |_| {
        spawn_local(async move {
            if api::sign_out().await.is_ok() {
                on_signed_out.run(());
            }
        });
    };
    view! { <p><button type="button" class="link" on:click=sign_out>{move || tx!(texts, followup.sign_out)}</button></p> }
}

/// Tells the server each language the patient picks on their portal, so the
/// reminders go in it; `known` is the one it has.
fn keep_language(known: Option<Lang>) {
    let texts = use_texts();
    let known = StoredValue::new(known);
    Effect::watch(
        move || texts.lang(),
        move |lang, _, _| {
            let lang = *lang;
            if known.get_value() != Some(lang) {
                known.set_value(Some(lang));
                spawn_local(async move {
                    // Not kept (offline): the portal still reads in it; the next pick tries again.
                    if api::choose_language(lang).await.is_err() {
                        known.set_value(None);
                    }
                });
            }
        },
        false,
    );
}
