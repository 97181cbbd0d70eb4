//! The nursing home's residents: found by name or room in a few letters, and
//! added by the nurses. Each opens to the resident's page, where the SAMU is called.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use regard_shared::nursing_home::{NewResident, Resident};

use crate::api::nursing_home as api;
use crate::components::error_text::{error_text, ErrorAlert};
use crate::components::format::today_iso;
use crate::components::patient_fields;
use crate::i18n::*;
use crate::texts::{tx, use_texts};

#[component]
pub fn ResidentsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
            <h1>{t!(i18n, nursing_home.residents_title)}</h1>
            <div class="columns">
                <ResidentList />
                <AddResident />
            </div>
    }
}

#[component]
fn ResidentList() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let search = RwSignal::new(String::new());
    let residents = RwSignal::new(None::<Vec<Resident>>);
    let error = RwSignal::new(None::<String>);
    // What the list on screen was found for: until it is what is typed, the
    // list is busy (said to screen readers, and awaited by the browser tests).
    let shown_for = RwSignal::new(None::<String>);
    let busy = move || search.with(|typed| shown_for.with(|shown| shown.as_ref() != Some(typed)));
    // Each keystroke asks again; an older answer arriving late is dropped.
    Effect::new(move |_| {
        let typed = search.get();
        spawn_local(async move {
            let answer = api::residents(&typed).await;
            if search.get_untracked() != typed {
                return;
            }
            match answer {
                Ok(list) => {
                    residents.set(Some(list));
                    shown_for.set(Some(typed));
                    error.set(None);
                }
                Err(failure) => error.set(Some(error_text(texts, &failure))),
            }
        });
    });
    view! {
        <section class="card" aria-labelledby="residents-list-title" aria-busy=move || if busy() { "true" } else { "false" }>
            <h2 id="residents-list-title" class="visually-hidden">{t!(i18n, nursing_home.residents_title)}</h2>
            <label for="resident-search">{t!(i18n, nursing_home.search)}</label>
            <input id="resident-search" type="search" autocomplete="off" maxlength="100" bind:value=search />
            <ErrorAlert message=error.into() />
            {move || residents.get().map(|list| if list.is_empty() {
                view! { <p class="muted">{t!(i18n, nursing_home.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="resident-list">
                        {list.into_iter().map(|r| view! {
                            <li>
                                <a href=format!("/console/residents/{}", r.id)>{format!("{} {}", r.last_name, r.first_name)}</a>
                                " · " {t_string!(i18n, nursing_home.room_n, room = r.room.clone()).to_string()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

#[component]
fn AddResident() -> impl IntoView {
    let i18n = use_i18n();
    let texts = use_texts();
    let navigate = use_navigate();
    let [last_name, first_name, birth_date, room, gp_name] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let request = NewResident {
            last_name: last_name.get_untracked(),
            first_name: first_name.get_untracked(),
            birth_date: birth_date.get_untracked(),
            room: room.get_untracked(),
            gp_name: Some(gp_name.get_untracked()),
        };
        // The server's rules, checked here first to answer at once in the page's language.
        if let Err(invalid) = request.checked(&today_iso()) {
            let message = match invalid.field {
                "birth_date" => tx!(texts, form_errors.birth_date),
                _ => tx!(texts, form_errors.field_required),
            };
            return error.set(Some(message));
        }
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::add_resident(&request).await {
                Ok(resident) => navigate(&format!("/console/residents/{}", resident.id), Default::default()),
                Err(failure) => error.set(Some(patient_fields::refusal(texts, &failure, |field| {
                    (field == "room").then(|| tx!(texts, form_errors.field_required))
                }))),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="add-resident-title">
            <h2 id="add-resident-title">{t!(i18n, nursing_home.add_title)}</h2>
            <form on:submit=submit novalidate>
                <label for="r-last">{t!(i18n, nursing_home.last_name)}</label>
                <input id="r-last" type="text" autocomplete="off" maxlength="100" bind:value=last_name />
                <label for="r-first">{t!(i18n, consultation.first_name)}</label>
                <input id="r-first" type="text" autocomplete="off" maxlength="100" bind:value=first_name />
                <label for="r-birth">{t!(i18n, consultation.birth_date)}</label>
                <input id="r-birth" type="date" bind:value=birth_date />
                <label for="r-room">{t!(i18n, nursing_home.room)}</label>
                <input id="r-room" type="text" autocomplete="off" maxlength="20" bind:value=room />
                <label for="r-gp">{t!(i18n, nursing_home.gp_optional)}</label>
                <input id="r-gp" type="text" autocomplete="off" maxlength="100" bind:value=gp_name />
                <ErrorAlert message=error.into() />
                <button type="submit" class="primary" disabled=move || pending.get()>{t!(i18n, nursing_home.add)}</button>
            </form>
        </section>
    }
}
