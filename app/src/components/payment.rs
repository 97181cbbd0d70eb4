//! How a consultation's payment stands, in words.

use regard_shared::payment::{euros, Mode, PaymentView, Status};

use crate::i18n::*;

/// "Tiers payant · 30,00 € · claim recorded", in the page's language.
pub fn payment_text(i18n: leptos_i18n::I18nContext<Locale>, payment: &PaymentView) -> String {
    let mode = match payment.mode {
        Mode::TiersPayant => t_string!(i18n, payment.tiers_payant),
        Mode::Card => t_string!(i18n, payment.card),
    };
    let status = match (payment.mode, payment.status) {
        (Mode::TiersPayant, Status::Paid) => t_string!(i18n, payment.claim_recorded),
        (_, Status::Pending) => t_string!(i18n, payment.pending),
        (_, Status::Paid) => t_string!(i18n, payment.paid),
        (_, Status::Failed) => t_string!(i18n, payment.failed),
        (_, Status::Refunded) => t_string!(i18n, payment.refunded),
    };
    format!("{mode} · {} · {status}", euros(payment.amount_cents))
}

/// Whether there is a receipt to give: paid (or claimed), or refunded.
pub fn settled(payment: &PaymentView) -> bool {
    matches!(payment.status, Status::Paid | Status::Refunded)
}
