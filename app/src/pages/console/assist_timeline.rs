//! The assist's timeline, its audit trail, in words a regulator reads at a
//! glance: what happened, when, and with what (never a stored code).

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use regard_shared::assist::{AssistDetail, EventKind, LocationReport, Outcome, TimelineEvent};
use regard_shared::lang::Lang;
use regard_shared::phone;

use super::assist_list::outcome_name;
use crate::components::format::time;
use crate::components::outbox::SmsBody;
use crate::components::patient_language::language_name;
use crate::i18n::*;

fn event_name(i18n: I18nContext<Locale>, kind: EventKind) -> String {
    match kind {
        EventKind::Created => t_string!(i18n, events.created),
        EventKind::Requested => t_string!(i18n, events.requested),
        EventKind::Taken => t_string!(i18n, events.taken),
        EventKind::SmsSent => t_string!(i18n, events.sms_sent),
        EventKind::SmsFailed => t_string!(i18n, events.sms_failed),
        EventKind::LinkResent => t_string!(i18n, events.link_resent),
        EventKind::LinkOpened => t_string!(i18n, events.link_opened),
        EventKind::ConsentGiven => t_string!(i18n, events.consent_given),
        EventKind::CallStarted => t_string!(i18n, events.call_started),
        EventKind::CallEnded => t_string!(i18n, events.call_ended),
        EventKind::Snapshot => t_string!(i18n, events.snapshot),
        EventKind::Photo => t_string!(i18n, events.photo),
        EventKind::Clip => t_string!(i18n, events.clip),
        EventKind::Location => t_string!(i18n, events.location),
        EventKind::Decision => t_string!(i18n, events.decision),
        EventKind::LanguageChosen => t_string!(i18n, events.language_chosen),
        EventKind::PhraseSent => t_string!(i18n, events.phrase_sent),
        EventKind::TextSent => t_string!(i18n, events.text_sent),
        EventKind::AnswerReceived => t_string!(i18n, events.answer_received),
        EventKind::TextReceived => t_string!(i18n, events.text_received),
    }
    .to_string()
}

/// What to say after the event's name, from the detail stored with it.
fn event_detail(i18n: I18nContext<Locale>, event: &TimelineEvent) -> Option<String> {
    let detail = event.detail.as_str();
    if detail.is_empty() {
        return None;
    }
    match event.kind {
        // A photo's id means nothing to a person: the gallery shows it.
        EventKind::Snapshot | EventKind::Photo | EventKind::Clip => None,
        // Stored as "ambulance" or "ambulance: the note".
        EventKind::Decision => {
            let (code, note) = detail.split_once(": ").unwrap_or((detail, ""));
            let outcome = serde_json::from_value::<Outcome>(serde_json::Value::from(code)).ok()?;
            let name = outcome_name(i18n, outcome);
            Some(if note.is_empty() { name } else { format!("{name} — {note}") })
        }
        // Stored as "assist-v1 (fr)": which text the caller accepted, in which language.
        EventKind::ConsentGiven => {
            let (text, language) = detail.split_once(" (").unwrap_or((detail, ""));
            let version = text.rsplit_once("-v").map_or(text, |(_, v)| v).to_owned();
            let code = language.trim_end_matches(')');
            let language = Lang::from_tag(code).map_or_else(|| code.to_uppercase(), |lang| language_name(i18n, lang));
            Some(t_string!(i18n, events.consent_detail, version = version, language = language).to_string())
        }
        EventKind::LanguageChosen => Lang::from_tag(detail).map(|lang| language_name(i18n, lang)),
        // The number the text went to, as people write it (a failure's reason is for the logs).
        EventKind::SmsSent | EventKind::SmsFailed => {
            let to = detail.split_once(": ").map_or(detail, |(to, _)| to);
            Some(phone::display(to))
        }
        _ => Some(detail.to_owned()),
    }
}

/// The event's stable name (`consent_given`), for tests and styling.
fn kind_id(kind: EventKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[component]
pub fn Timeline(detail: RwSignal<Option<AssistDetail>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t!(i18n, assist.timeline)}</h2>
            <ol class="timeline" data-testid="timeline">
                {move || {
                    let lang = i18n.get_locale().as_str();
                    detail.with(|d| d.as_ref().map(|d| d.timeline.clone()).unwrap_or_default())
                        .into_iter()
                        .map(|event| view! {
                            <li data-kind=kind_id(event.kind)>
                                <time>{time(event.at, lang)}</time>
                                " " <strong>{event_name(i18n, event.kind)}</strong>
                                {event_detail(i18n, &event).map(|said| format!(" — {said}"))}
                                {(event.kind == EventKind::Location).then(|| LocationReport::parse(&event.detail)).flatten().map(|here| view! {
                                    " " <a href=here.map_url() target="_blank" rel="noopener">{t!(i18n, assist.open_map)}</a>
                                })}
                            </li>
                        })
                        .collect_view()
                }}
            </ol>
            {move || detail.with(|d| d.as_ref().and_then(|d| d.sms.last().cloned())).map(|sms| view! {
                <p class="hint"><SmsBody body=sms.body /></p>
            })}
        </section>
    }
}
