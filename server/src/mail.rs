//! E-mail over SMTP. Any server will do (a local relay, the organisation's
//! provider); tests run a real SMTP server on loopback. Without a configured
//! server, sending fails with a message the console shows.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// Checks the configuration once, at start: a bad URL or sender stops the
    /// server instead of failing every message later.
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Mailer> {
        let from = from.parse().map_err(|e| anyhow::anyhow!("mail sender {from:?}: {e}"))?;
        let transport = match smtp_url {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(15)))
                    .build(),
            ),
        };
        Ok(Mailer { transport, from })
    }

    /// A mailer with no server: every message fails, saying so.
    pub fn disabled() -> Mailer {
        Mailer { transport: None, from: "Regard <no-reply@regard.localhost>".parse().expect("a valid address") }
    }

    /// Sends a plain-text message; the error says why it did not leave.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let Some(transport) = &self.transport else {
            return Err("no mail server is configured (--smtp-url)".to_owned());
        };
        let to: Mailbox = to.parse().map_err(|e| format!("address refused: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("message not built: {e}"))?;
        let sent = transport.send(message).await;
        crate::metrics::email_handed_over(sent.is_ok());
        sent.map(|_| ()).map_err(|e| {
            tracing::warn!(error = %e, "e-mail not sent");
            format!("mail server: {e}")
        })
    }
}
