//! The member's own second factor, on the console's home: whether a code is
//! asked at sign-in, and enrolling an authenticator app (or a new phone).

use leptos::prelude::*;

use crate::components::second_factor::EnrolSecondFactor;
use crate::i18n::*;

#[component]
pub fn MySecondFactor(enrolled: bool) -> impl IntoView {
    let i18n = use_i18n();
    let enrolled = RwSignal::new(enrolled);
    let enrolling = RwSignal::new(false);
    let done = Callback::new(move |_| {
        enrolling.set(false);
        enrolled.set(true);
    });
    view! {
        <section class="card" aria-labelledby="my-second-factor" data-testid="my-second-factor">
            <h2 id="my-second-factor">{t!(i18n, second_factor.code_title)}</h2>
            {move || if enrolling.get() {
                view! { <EnrolSecondFactor on_done=done /> }.into_any()
            } else {
                view! {
                    <p>{move || if enrolled.get() {
                        t_string!(i18n, second_factor.account_on)
                    } else {
                        t_string!(i18n, second_factor.account_off)
                    }}</p>
                    <button type="button" class="secondary" on:click=move |_| enrolling.set(true)>
                        {move || if enrolled.get() {
                            t_string!(i18n, second_factor.account_replace)
                        } else {
                            t_string!(i18n, second_factor.account_enable)
                        }}
                    </button>
                }.into_any()
            }}
        </section>
    }
}
