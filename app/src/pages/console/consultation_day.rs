//! The GP's teleconsultation desk: schedule an appointment (the invitation
//! leaves at once), and the day's appointments with where each one stands.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_navigate;
use regard_shared::consultation::{ConsultationSummary, NewConsultation, Status, REASON_MAX_CHARS};
use regard_shared::live::News;
use regard_shared::payment::{euros, Mode, DEFAULT_FEE_CENTS};
use regard_shared::validate;

use crate::api::{self, Failure};
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::{time_of_day, today_iso};
use crate::components::outbox::Outbox;
use crate::components::patient_fields::{self, PatientFields, PatientInputs};
use crate::components::patient_language::PatientLanguageSelect;
use crate::components::waiting_room_alert::local_day;
use crate::i18n::*;
use crate::live::on_news;
use crate::media::audio;
use crate::texts::{tx, use_texts, Texts};

#[component]
pub fn ConsultationDesk() -> impl IntoView {
    let i18n = use_i18n();
    let ask_notifications = RwSignal::new(audio::notifications_undecided());
    view! {
            <h1>{t!(i18n, consultation.nav)}</h1>
            <Show when=move || ask_notifications.get()>
                <p>
                    <button type="button" class="secondary" on:click=move |_| {
                        audio::ask_notification_permission();
                        ask_notifications.set(false);
                    }>{t!(i18n, consultation.enable_notifications)}</button>
                </p>
            </Show>
            <DayList />
            <ClaimsExport />
            <div class="columns">
                <ScheduleForm />
                <Outbox />
            </div>
    }
}

pub fn status_name(i18n: I18nContext<Locale>, status: Status) -> String {
    match status {
        Status::Invited => t_string!(i18n, consultation.status_invited),
        Status::Waiting => t_string!(i18n, consultation.status_waiting),
        Status::InConsultation => t_string!(i18n, consultation.status_in_consultation),
        Status::Done => t_string!(i18n, consultation.status_done),
        Status::Missed => t_string!(i18n, consultation.status_missed),
    }
    .to_string()
}

/// A date and a time typed in the page, as the browser's local time, in ms.
pub fn local_instant(date: &str, time: &str) -> Option<i64> {
    let ms = js_sys::Date::new(&format!("{date}T{time}").into()).get_time();
    (!ms.is_nan() && !date.is_empty() && !time.is_empty()).then_some(ms as i64)
}

fn field_error(i18n: I18nContext<Locale>, texts: Texts, failure: &Failure) -> String {
    patient_fields::refusal(texts, failure, |field| match field {
        "scheduled_at" => Some(tx!(texts, form_errors.scheduled_at)),
        "payment_mode" => Some(t_string!(i18n, payment.card_unavailable).to_string()),
        "reason" => Some(tx!(texts, form_errors.field_required)),
        _ => None,
    })
}

#[component]
fn ScheduleForm() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let patient = PatientInputs::new();
    let [date, at, reason] = std::array::from_fn(|_| RwSignal::new(String::new()));
    date.set(today_iso());
    let card = RwSignal::new(false);
    let language = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let check = || -> Result<(i64, Option<String>, Option<String>), String> {
            let (phone, email) = patient.check(texts, &today_iso())?;
            validate::required_text("reason", &reason.get_untracked(), REASON_MAX_CHARS)
                .map_err(|_| tx!(texts, form_errors.field_required))?;
            let at = local_instant(&date.get_untracked(), &at.get_untracked())
                .ok_or_else(|| tx!(texts, form_errors.scheduled_at))?;
            Ok((at, phone, email))
        };
        let (scheduled_at, phone, email) = match check() {
            Ok(checked) => checked,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        let request = NewConsultation {
            last_name: patient.last_name.get_untracked(),
            first_name: patient.first_name.get_untracked(),
            birth_date: patient.birth_date.get_untracked(),
            phone,
            email,
            scheduled_at,
            reason: reason.get_untracked(),
            payment_mode: if card.get_untracked() { Mode::Card } else { Mode::TiersPayant },
            fee_cents: None,
            language: language.get_untracked(),
        };
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::schedule(&request).await {
                Ok(created) => navigate(&format!("/console/consultations/{}", created.summary.id), Default::default()),
                Err(failure) => error.set(Some(field_error(i18n, texts, &failure))),
            }
            pending.set(false);
        });
    };

    view! {
        <section class="card" aria-labelledby="schedule-title">
            <h2 id="schedule-title">{t!(i18n, consultation.schedule_title)}</h2>
            <form on:submit=submit novalidate>
                <PatientFields inputs=patient prefix="c" />
                <PatientLanguageSelect id="c-language" value=language patient=true />
                <label for="c-date">{t!(i18n, consultation.date)}</label>
                <input id="c-date" type="date" bind:value=date />
                <label for="c-time">{t!(i18n, consultation.time)}</label>
                <input id="c-time" type="time" bind:value=at />
                <label for="c-reason">{t!(i18n, consultation.reason)}</label>
                <textarea id="c-reason" rows="2" maxlength=REASON_MAX_CHARS.to_string() bind:value=reason></textarea>
                <fieldset class="payment-mode">
                    <legend>{t!(i18n, payment.title)} " (" {euros(DEFAULT_FEE_CENTS)} ")"</legend>
                    <div class="choice">
                        <input type="radio" id="pay-tp" name="pay" prop:checked=move || !card.get() on:change=move |_| card.set(false) />
                        <label for="pay-tp">{move || tx!(texts, payment.tiers_payant)}</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="pay-card" name="pay" prop:checked=move || card.get() on:change=move |_| card.set(true) />
                        <label for="pay-card">{move || tx!(texts, payment.card)}</label>
                    </div>
                </fieldset>
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {t!(i18n, consultation.schedule)}
                </button>
            </form>
        </section>
    }
}

/// Today's appointments, refreshed as patients arrive.
#[component]
fn DayList() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let list = RwSignal::new(None::<Result<Vec<ConsultationSummary>, Failure>>);
    let load = move || {
        spawn_local(async move {
            let (from, to) = local_day(0);
            list.set(Some(api::consultations(from, to).await));
        })
    };
    load();
    on_news(|news| matches!(news, News::Consultation { .. }), load);
    let row = move |c: ConsultationSummary| {
        let lang = i18n.get_locale().as_str();
        let status = c.status;
        view! {
            <tr class=if status == Status::Waiting { "row-waiting" } else { "" }>
                <td>{time_of_day(c.scheduled_at, lang)}</td>
                <td><a href=format!("/console/consultations/{}", c.id)>{c.patient_name.clone()}</a></td>
                <td>{c.reason.clone()}</td>
                <td><span class=format!("badge status-{status:?}").to_lowercase()>{status_name(i18n, status)}</span></td>
            </tr>
        }
    };
    view! {
        <section class="card" aria-labelledby="day-title">
            <h2 id="day-title">{t!(i18n, consultation.today)}</h2>
            {move || match list.get() {
                None => view! { <p class="muted">"…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="alert alert-error">{error_text(texts, &failure)}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p class="muted">{t!(i18n, consultation.none_today)}</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <div class="table-scroll">
                        <table data-testid="day-list">
                            <thead><tr>
                                <th scope="col">{t!(i18n, consultation.time)}</th>
                                <th scope="col">{t!(i18n, consultation.patient)}</th>
                                <th scope="col">{t!(i18n, consultation.reason)}</th>
                                <th scope="col">{t!(i18n, consultation.status)}</th>
                            </tr></thead>
                            <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// The practice's insurance claims of the last 31 days, as CSV for the billing software.
#[component]
fn ClaimsExport() -> impl IntoView {
    let i18n = use_i18n();
    let (from, _) = local_day(-30);
    let (_, to) = local_day(0);
    view! {
        <p><a href=format!("/api/v1/claims/export?from={from}&to={to}") download="regard-claims.csv">{t!(i18n, payment.export)}</a></p>
    }
}
