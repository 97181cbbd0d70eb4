//! How a consultation's payment stands, in words.

use regard_shared::payment::{euros, Mode, PaymentView, Status};

use crate::texts::{tx, Texts};

/// "Tiers payant · 30,00 € · claim recorded", in the page's language.
pub fn payment_text(texts: Texts, payment: &PaymentView) -> String {
    let mode = match payment.mode {
        Mode::TiersPayant => tx!(texts, payment.tiers_payant),
        Mode::Card => tx!(texts, payment.card),
    };
    let status = match (payment.mode, payment.status) {
        (Mode::TiersPayant, Status::Paid) => tx!(texts, payment.claim_recorded),
        (_, Status::Pending) => tx!(texts, payment.pending),
        (_, Status::Paid) => tx!(texts, payment.paid),
        (_, Status::Failed) => tx!(texts, payment.failed),
        (_, Status::Refunded) => tx!(texts, payment.refunded),
    };
    format!("{mode} · {} · {status}", euros(payment.amount_cents))
}

/// Whether there is a receipt to give: paid (or claimed), or refunded.
pub fn settled(payment: &PaymentView) -> bool {
    matches!(payment.status, Status::Paid | Status::Refunded)
}
