//! How a consultation is paid: tiers payant (the patient pays nothing, the
//! practice bills the national health insurance, a claim is recorded) or by
//! card through a payment provider.

use serde::{Deserialize, Serialize};

/// The NGAP act code of a GP's teleconsultation, and its fee in cents.
pub const DEFAULT_ACT_CODE: &str = "TCG";
pub const DEFAULT_FEE_CENTS: i64 = 3000;
pub const MAX_FEE_CENTS: i64 = 100_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Nothing paid by the patient; an insurance claim is recorded.
    #[default]
    TiersPayant,
    /// Paid by card through the payment provider.
    Card,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing asked yet (consultation not over) or awaiting the patient's payment.
    Pending,
    /// Paid by card, or claim recorded for tiers payant.
    Paid,
    Failed,
    Refunded,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    pub mode: Mode,
    pub act_code: String,
    pub amount_cents: i64,
    pub status: Status,
    /// The insurance claim's id, for tiers payant once the consultation ended.
    pub claim_id: Option<String>,
    /// Where the patient pays, for a card payment awaiting payment.
    pub checkout_url: Option<String>,
}

/// `30,00 €`: amounts as French readers and billing software expect them.
pub fn euros(cents: i64) -> String {
    format!("{},{:02} €", cents / 100, (cents % 100).abs())
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_read_the_french_way() {
        assert_eq!(super::euros(3000), "30,00 €");
        assert_eq!(super::euros(2505), "25,05 €");
        assert_eq!(super::euros(0), "0,00 €");
    }
}
