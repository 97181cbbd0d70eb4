//! What the regulator needs first when a nursing home calls: who the resident
//! is, where, and why the nurse is calling.

use leptos::prelude::*;
use regard_shared::nursing_home::IncomingCall;

use crate::components::format::calendar_date;
use crate::i18n::*;

#[component]
pub fn NursingHomeCallCard(call: IncomingCall) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="call-card-title" data-testid="nursing-home-call">
            <h2 id="call-card-title">{t!(i18n, nursing_home.call_card)} " — " {call.nursing_home}</h2>
            <dl>
                <dt>{t!(i18n, nursing_home.resident)}</dt>
                <dd>
                    {call.resident_name} " · " {t_string!(i18n, nursing_home.born, date = calendar_date(&call.birth_date, i18n.get_locale().as_str())).to_string()}
                    " · " {t_string!(i18n, nursing_home.room_n, room = call.room).to_string()}
                </dd>
                <dt>{t!(i18n, nursing_home.reason)}</dt>
                <dd>{call.reason}</dd>
                <dt>{t!(i18n, nursing_home.requested_by)}</dt>
                <dd>{call.requested_by}</dd>
            </dl>
        </section>
    }
}
