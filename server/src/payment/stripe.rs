//! Card payment through Stripe Checkout, over its REST API: a checkout session
//! per consultation, webhooks signed with `Stripe-Signature`, refunds. Every
//! call that creates something carries an idempotency key derived from the
//! consultation, so a retry never charges or refunds twice.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// Webhooks older than this are refused (Stripe's own default tolerance).
pub const WEBHOOK_TOLERANCE_SECS: i64 = 300;

#[derive(Clone)]
pub struct Stripe {
    client: reqwest::Client,
    /// `https://api.stripe.com`, or a stand-in in tests.
    api: String,
    secret_key: String,
    webhook_secret: String,
}

/// What Checkout answers when a session is created.
#[derive(Debug, Deserialize)]
pub struct Session {
    pub id: String,
    pub url: String,
}

/// The part of a webhook event Regard reads.
#[derive(Debug, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: EventObject,
}

#[derive(Debug, Deserialize)]
pub struct EventObject {
    /// The checkout session's id (`cs_...`) for checkout events.
    pub id: String,
    #[serde(default)]
    pub client_reference_id: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<String>,
}

impl Stripe {
    pub fn new(api: &str, secret_key: &str, webhook_secret: &str) -> anyhow::Result<Stripe> {
        Ok(Stripe {
            client: reqwest::Client::builder().timeout(std::time::Duration::from_secs(20)).build()?,
            api: api.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
            webhook_secret: webhook_secret.to_owned(),
        })
    }

    async fn post(&self, path: &str, idempotency_key: &str, form: &[(&str, String)]) -> Result<String, String> {
        let response = self
            .client
            .post(format!("{}{path}", self.api))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", idempotency_key)
            .form(form)
            .send()
            .await
            .map_err(|e| format!("payment provider unreachable: {e}"))?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("payment provider answered {status}: {}", body.chars().take(200).collect::<String>()))
        }
    }

    /// A Checkout session for the consultation's fee, in euros.
    pub async fn checkout(
        &self,
        consultation_id: &str,
        amount_cents: i64,
        description: &str,
        return_url: &str,
    ) -> Result<Session, String> {
        let form = [
            ("mode", "payment".to_owned()),
            ("line_items[0][quantity]", "1".to_owned()),
            ("line_items[0][price_data][currency]", "eur".to_owned()),
            ("line_items[0][price_data][unit_amount]", amount_cents.to_string()),
            ("line_items[0][price_data][product_data][name]", description.to_owned()),
            ("client_reference_id", consultation_id.to_owned()),
            ("metadata[consultation_id]", consultation_id.to_owned()),
            ("success_url", format!("{return_url}?paid=1")),
            ("cancel_url", return_url.to_owned()),
        ];
        let body = self.post("/v1/checkout/sessions", &format!("checkout-{consultation_id}"), &form).await?;
        serde_json::from_str(&body).map_err(|e| format!("unreadable checkout session: {e}"))
    }

    /// Refunds the whole payment.
    pub async fn refund(&self, consultation_id: &str, payment_intent: &str) -> Result<(), String> {
        let form = [("payment_intent", payment_intent.to_owned())];
        self.post("/v1/refunds", &format!("refund-{consultation_id}"), &form).await.map(|_| ())
    }

    /// Checks a `Stripe-Signature` header (`t=TIMESTAMP,v1=HEX[,v1=HEX]`): an
    /// HMAC-SHA256 with the webhook secret over `TIMESTAMP.BODY`, recent enough.
    pub fn verify_webhook(&self, header: &str, body: &[u8], now_secs: i64) -> Result<(), &'static str> {
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for part in header.split(',') {
            match part.trim().split_once('=') {
                Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
                Some(("v1", hex)) => signatures.push(hex),
                _ => {}
            }
        }
        let timestamp = timestamp.ok_or("no timestamp")?;
        if (now_secs - timestamp).abs() > WEBHOOK_TOLERANCE_SECS {
            return Err("too old");
        }
        for hex in signatures {
            let Some(expected) = decode_hex(hex) else { continue };
            let mut mac =
                Hmac::<Sha256>::new_from_slice(self.webhook_secret.as_bytes()).expect("HMAC takes any key length");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            // verify_slice compares in constant time.
            if mac.verify_slice(&expected).is_ok() {
                return Ok(());
            }
        }
        Err("no valid signature")
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect()
}

/// The `Stripe-Signature` header Stripe would send for `body` at `timestamp`
/// (used by the tests that stand in for Stripe).
pub fn sign_webhook(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_signatures() {
        let stripe = Stripe::new("http://127.0.0.1:9", "sk_test", "whsec_test").unwrap();
        let body = br#"{"type":"checkout.session.completed"}"#;
        let header = sign_webhook("whsec_test", 1_000_000, body);
        assert_eq!(stripe.verify_webhook(&header, body, 1_000_010), Ok(()));
        // Another secret, a changed body, a replay long after, garbage: refused.
        assert!(stripe.verify_webhook(&sign_webhook("other", 1_000_000, body), body, 1_000_010).is_err());
        assert!(stripe.verify_webhook(&header, b"{}", 1_000_010).is_err());
        assert_eq!(stripe.verify_webhook(&header, body, 1_000_000 + 301), Err("too old"));
        assert!(stripe.verify_webhook("v1=zz", body, 1_000_000).is_err());
        // Several v1 entries (secret rotation): one valid is enough.
        let rotated = format!("{},v1={}", header, "00".repeat(32));
        assert_eq!(stripe.verify_webhook(&rotated, body, 1_000_000), Ok(()));
    }
}
