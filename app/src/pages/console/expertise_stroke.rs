//! Télé-AVC on a stroke request: the times that decide the treatment, in
//! order, with the delays counted from the door (the guidelines aim at a needle
//! within 60 minutes), and a form either side uses to record a time, correct
//! one, or record the decision with its reasons. Every entry stays readable in
//! the history.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use regard_shared::expertise::{RequestDetail, Status, Step};
use regard_shared::stroke::{Milestone, MilestoneEntry, Problem, Recorded, StrokeTimeline, Treatment};

use super::consultation_day::local_instant;
use crate::api::expertise as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{clock_now, date_time, today_iso};
use crate::i18n::*;
use crate::texts::use_texts;

pub fn milestone_name(i18n: I18nContext<Locale>, milestone: Milestone) -> String {
    match milestone {
        Milestone::Onset => t_string!(i18n, stroke.onset),
        Milestone::LastSeenWell => t_string!(i18n, stroke.last_seen_well),
        Milestone::Arrival => t_string!(i18n, stroke.arrival),
        Milestone::Imaging => t_string!(i18n, stroke.imaging),
        Milestone::Decision => t_string!(i18n, stroke.decision),
        Milestone::Needle => t_string!(i18n, stroke.needle),
    }
    .to_string()
}

pub fn treatment_name(i18n: I18nContext<Locale>, treatment: Treatment) -> String {
    match treatment {
        Treatment::Thrombolysis => t_string!(i18n, stroke.thrombolysis),
        Treatment::Thrombectomy => t_string!(i18n, stroke.thrombectomy),
        Treatment::ThrombolysisThenThrombectomy => t_string!(i18n, stroke.thrombolysis_then_thrombectomy),
        Treatment::NoReperfusion => t_string!(i18n, stroke.no_reperfusion),
        Treatment::Other => t_string!(i18n, stroke.other),
    }
    .to_string()
}

fn problem_text(i18n: I18nContext<Locale>, problem: Problem) -> String {
    match problem {
        Problem::Future => t_string!(i18n, stroke.problem_future).to_string(),
        Problem::TooOld => t_string!(i18n, stroke.problem_too_old).to_string(),
        Problem::Before(other) => {
            t_string!(i18n, stroke.problem_before, other = milestone_name(i18n, other)).to_string()
        }
        Problem::After(other) => t_string!(i18n, stroke.problem_after, other = milestone_name(i18n, other)).to_string(),
        Problem::NoTreatment => t_string!(i18n, stroke.problem_no_treatment).to_string(),
        Problem::NoReasons => t_string!(i18n, stroke.problem_no_reasons).to_string(),
        Problem::NoThrombolysis => t_string!(i18n, stroke.problem_no_thrombolysis).to_string(),
    }
}

/// One line of the timeline: a recorded time, or a step of the request's thread.
struct Line {
    at: i64,
    what: String,
    detail: Option<String>,
    testid: &'static str,
}

fn lines(i18n: I18nContext<Locale>, detail: &RequestDetail, timeline: &StrokeTimeline) -> Vec<Line> {
    let mut lines: Vec<Line> = timeline
        .times()
        .into_iter()
        .map(|r| Line {
            at: r.at,
            what: milestone_name(i18n, r.milestone),
            detail: r.treatment.map(|t| format!("{} — {}", treatment_name(i18n, t), r.reasons)),
            testid: "stroke-time",
        })
        .collect();
    let submitted = Line {
        at: detail.summary.submitted_at,
        what: t_string!(i18n, stroke.request_sent).to_string(),
        detail: None,
        testid: "stroke-step",
    };
    lines.push(submitted);
    if let Some(at) = detail.video_started_at {
        lines.push(Line {
            at,
            what: t_string!(i18n, live_video.started).to_string(),
            detail: None,
            testid: "stroke-step",
        });
    }
    if let Some(take) = detail.thread.iter().find(|m| m.step == Step::Take) {
        let what = t_string!(i18n, stroke.taken, name = take.author.clone()).to_string();
        lines.push(Line { at: take.at, what, detail: None, testid: "stroke-step" });
    }
    lines.sort_by_key(|l| l.at);
    lines
}

#[component]
pub fn StrokeTimelineCard(detail: RequestDetail, draft: StrokeDraft, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(timeline) = detail.stroke.clone() else { return ().into_any() };
    let lang = i18n.get_locale().as_str();
    let delay = |minutes: Option<i64>| minutes.map_or("—".to_owned(), |m| format!("{m} min"));
    let late = timeline.door_to_needle().is_some_and(|m| m > 60);
    let open = detail.summary.status != Status::Closed;
    view! {
        <section class="card" aria-labelledby="stroke-title">
            <h2 id="stroke-title">{t!(i18n, stroke.title)}</h2>
            <dl class="delays" data-testid="stroke-delays">
                <div><dt>{t!(i18n, stroke.door_to_decision)}</dt><dd data-testid="door-to-decision">{delay(timeline.door_to_decision())}</dd></div>
                <div><dt>{t!(i18n, stroke.door_to_needle)}</dt><dd data-testid="door-to-needle" class:urgent=late>{delay(timeline.door_to_needle())}</dd></div>
                <div><dt>{t!(i18n, stroke.onset_to_needle)}</dt><dd>{delay(timeline.onset_to_needle())}</dd></div>
            </dl>
            <ol class="stroke-timeline" data-testid="stroke-timeline">
                {lines(i18n, &detail, &timeline).into_iter().map(|line| view! {
                    <li data-testid=line.testid>
                        <time>{date_time(line.at, lang)}</time> " " <strong>{line.what}</strong>
                        {line.detail.map(|d| view! { " " <span class="message-body">{d}</span> })}
                    </li>
                }).collect_view()}
            </ol>
            <History recorded=timeline.recorded.clone() />
            {open.then(|| view! { <RecordTime id=detail.summary.id.clone() timeline=timeline.clone() draft=draft on_done=on_done /> })}
        </section>
    }
    .into_any()
}

/// Every entry, corrected ones included, with who made it and when.
#[component]
fn History(recorded: Vec<Recorded>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.get_locale().as_str();
    let count = recorded.len();
    (count > 0).then(|| view! {
        <details data-testid="stroke-history" data-count=count>
            <summary>{t_string!(i18n, stroke.history, count = count).to_string()}</summary>
            <ul>
                {recorded.into_iter().rev().map(|r| view! {
                    <li>{t_string!(i18n, stroke.entry, what = milestone_name(i18n, r.milestone), at = date_time(r.at, lang), by = r.by.clone(), when = date_time(r.recorded_at, lang)).to_string()}</li>
                }).collect_view()}
            </ul>
        </details>
    })
}

/// What is being typed in the form: kept above the request's page, which is
/// drawn again whenever the other side moves, so nothing typed is lost.
#[derive(Clone, Copy)]
pub struct StrokeDraft {
    milestone: RwSignal<Milestone>,
    date: RwSignal<String>,
    at: RwSignal<String>,
    treatment: RwSignal<Option<Treatment>>,
    reasons: RwSignal<String>,
}

impl Default for StrokeDraft {
    fn default() -> StrokeDraft {
        StrokeDraft {
            milestone: RwSignal::new(Milestone::Arrival),
            date: RwSignal::new(today_iso()),
            at: RwSignal::new(clock_now()),
            treatment: RwSignal::new(None),
            reasons: RwSignal::new(String::new()),
        }
    }
}

impl StrokeDraft {
    fn entry(self) -> Option<MilestoneEntry> {
        Some(MilestoneEntry {
            milestone: self.milestone.get_untracked(),
            at: local_instant(&self.date.get_untracked(), &self.at.get_untracked())?,
            treatment: self.treatment.get_untracked(),
            reasons: self.reasons.get_untracked(),
        })
    }

    /// Ready for the next time: now, no decision.
    fn clear(self) {
        self.date.set(today_iso());
        self.at.set(clock_now());
        self.treatment.set(None);
        self.reasons.set(String::new());
    }
}

#[component]
fn RecordTime(id: String, timeline: StrokeTimeline, draft: StrokeDraft, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let id = StoredValue::new(id);
    let timeline = StoredValue::new(timeline);
    let StrokeDraft { milestone, date, at, treatment, reasons } = draft;
    let (pending, error) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(entry) = draft.entry() else {
            return error.set(Some(problem_text(i18n, Problem::Future)));
        };
        // The same rules as the server's, said in words before sending.
        if let Err(problem) = timeline.with_value(|t| t.check(&entry, js_sys::Date::now() as i64)) {
            return error.set(Some(problem_text(i18n, problem)));
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match api::stroke_time(&id.get_value(), &entry).await {
                Ok(_) => {
                    draft.clear();
                    on_done.run(());
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
            pending.try_set(false);
        });
    };
    let chosen = milestone.get_untracked();
    let decided = treatment.get_untracked();
    view! {
        <form class="stroke-entry" on:submit=submit novalidate>
            <h3>{t!(i18n, stroke.record_title)}</h3>
            <label for="stroke-milestone">{t!(i18n, stroke.milestone)}</label>
            <select id="stroke-milestone" on:change=move |ev| {
                let value = event_target_value(&ev);
                milestone.set(Milestone::ALL.into_iter().find(|m| format!("{m:?}") == value).unwrap_or(Milestone::Arrival));
            }>
                {Milestone::ALL.into_iter().map(|m| view! {
                    <option value=format!("{m:?}") selected=m == chosen>{milestone_name(i18n, m)}</option>
                }).collect_view()}
            </select>
            <div class="inline-fields">
                <span><label for="stroke-date">{t!(i18n, consultation.date)}</label><input id="stroke-date" type="date" bind:value=date /></span>
                <span><label for="stroke-at">{t!(i18n, consultation.time)}</label><input id="stroke-at" type="time" bind:value=at /></span>
            </div>
            <Show when=move || milestone.get() == Milestone::Decision>
                <label for="stroke-treatment">{t!(i18n, stroke.treatment)}</label>
                <select id="stroke-treatment" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    treatment.set(Treatment::ALL.into_iter().find(|t| format!("{t:?}") == value));
                }>
                    <option value="" selected=decided.is_none()>{t!(i18n, stroke.choose)}</option>
                    {Treatment::ALL.into_iter().map(|t| view! {
                        <option value=format!("{t:?}") selected=decided == Some(t)>{treatment_name(i18n, t)}</option>
                    }).collect_view()}
                </select>
                <label for="stroke-reasons">{t!(i18n, stroke.reasons)}</label>
                <textarea id="stroke-reasons" rows="3" maxlength="1000" bind:value=reasons></textarea>
            </Show>
            <ErrorAlert message=error.into() />
            <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, stroke.save)}</button>
        </form>
    }
}
