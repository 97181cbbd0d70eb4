//! Text messages. Every message is recorded in `sms_messages`, whichever provider
//! carries it, so the console can show what was sent and what failed.
//! The default provider is the outbox itself: messages are shown in the console
//! (with their link), which is enough for a demo, tests, and a centre that reads
//! the link out over the phone.

use axum::extract::State;
use regard_shared::assist::SmsView;
use regard_shared::{phone, Action};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, AppResult, Json};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(latest))
}

/// The organisation's latest text messages (the outbox when no gateway is set),
/// for those who send them: regulators, GPs, specialists and nurses.
#[utoipa::path(get, path = "", tag = "sms", responses((status = 200, body = Vec<SmsView>)))]
async fn latest(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<SmsView>>> {
    // Their own organisation's messages only: the role is all there is to check.
    let senders = [Action::ConductAssist, Action::ConductConsultation, Action::MonitorPatients];
    match senders.into_iter().find(|action| user.role.may(*action)) {
        Some(action) => user.authorize(action, &user.organisation_id)?,
        None => return Err(AppError::Forbidden),
    }
    Ok(Json(outbox(&state.db, &user.organisation_id, 50).await?))
}

/// How messages leave Regard.
#[derive(Clone, Debug, Default)]
pub enum SmsProvider {
    /// Kept in the outbox table, shown in the console.
    #[default]
    Outbox,
    /// Posted to an SMS gateway's HTTP API.
    Http(HttpGateway),
}

/// A generic HTTP SMS gateway: one POST per message, with a JSON body made from
/// a template where `{{to}}` (E.164) and `{{text}}` are replaced, and an
/// optional header for authentication.
#[derive(Clone, Debug)]
pub struct HttpGateway {
    client: reqwest::Client,
    url: reqwest::Url,
    header: Option<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    template: String,
}

/// The body sent when no template is configured.
pub const DEFAULT_TEMPLATE: &str = r#"{"to": "{{to}}", "text": "{{text}}"}"#;

/// JSON string content (without the quotes), so any text fits inside the template's quotes.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).expect("strings serialise");
    quoted[1..quoted.len() - 1].to_owned()
}

impl HttpGateway {
    /// Checks the configuration once, at start: a bad URL, header or template
    /// stops the server instead of failing every message later.
    pub fn new(url: &str, header: Option<&str>, template: &str) -> anyhow::Result<HttpGateway> {
        let url = reqwest::Url::parse(url).map_err(|e| anyhow::anyhow!("SMS gateway URL {url:?}: {e}"))?;
        let header = match header {
            None => None,
            Some(line) => {
                let (name, value) = line
                    .split_once(':')
                    .ok_or_else(|| anyhow::anyhow!("SMS gateway header must look like 'Name: value'"))?;
                Some((name.trim().parse()?, value.trim().parse()?))
            }
        };
        let gateway = HttpGateway {
            client: reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build()?,
            url,
            header,
            template: template.to_owned(),
        };
        serde_json::from_str::<serde_json::Value>(&gateway.body("+33600000000", "a \"quoted\" text\nline"))
            .map_err(|e| anyhow::anyhow!("SMS gateway body template is not JSON once filled: {e}"))?;
        Ok(gateway)
    }

    fn body(&self, to: &str, text: &str) -> String {
        self.template.replace("{{to}}", &json_escaped(to)).replace("{{text}}", &json_escaped(text))
    }

    /// Posts one message; the error says what the gateway answered.
    async fn post(&self, to: &str, text: &str) -> Result<(), String> {
        let mut request = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(self.body(to, text));
        if let Some((name, value)) = &self.header {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|e| format!("gateway unreachable: {e}"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let answer: String = response.text().await.unwrap_or_default().chars().take(200).collect();
        Err(format!("gateway answered {status}: {answer}"))
    }
}

pub struct OutgoingSms<'a> {
    pub organisation_id: &'a str,
    pub assist_id: Option<&'a str>,
    /// Set for a follow-up's messages, which are deleted with its data.
    pub followup_id: Option<&'a str>,
    /// E.164.
    pub to: &'a str,
    pub body: String,
}

impl SmsProvider {
    /// Sends and records the message; a failure is recorded and returned as the
    /// view's `status`/`error`, never swallowed.
    pub async fn send(&self, db: &Db, sms: OutgoingSms<'_>) -> AppResult<SmsView> {
        let (status, error): (&str, Option<String>) = match self {
            SmsProvider::Outbox => ("sent", None),
            SmsProvider::Http(gateway) => match gateway.post(sms.to, &sms.body).await {
                Ok(()) => ("sent", None),
                Err(error) => {
                    tracing::warn!(%error, "text message not sent");
                    ("failed", Some(error))
                }
            },
        };
        let view = SmsView {
            id: new_id(),
            assist_id: sms.assist_id.unwrap_or_default().to_owned(),
            to: phone::display(sms.to),
            body: sms.body,
            created_at: now_ms(),
            status: status.to_owned(),
            error,
        };
        sqlx::query(
            "INSERT INTO sms_messages (id, organisation_id, assist_id, followup_id, to_number, body, created_at,
                                       status, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&view.id)
        .bind(sms.organisation_id)
        .bind(sms.assist_id)
        .bind(sms.followup_id)
        .bind(sms.to)
        .bind(&view.body)
        .bind(view.created_at)
        .bind(&view.status)
        .bind(&view.error)
        .execute(db)
        .await?;
        Ok(view)
    }
}

type SmsRow = (String, Option<String>, String, String, i64, String, Option<String>);

fn view((id, assist_id, to, body, created_at, status, error): SmsRow) -> SmsView {
    SmsView { id, assist_id: assist_id.unwrap_or_default(), to: phone::display(&to), body, created_at, status, error }
}

/// The organisation's latest messages, newest first.
pub async fn outbox(db: &Db, organisation_id: &str, limit: i64) -> AppResult<Vec<SmsView>> {
    let rows: Vec<SmsRow> = sqlx::query_as(
        "SELECT id, assist_id, to_number, body, created_at, status, error FROM sms_messages
         WHERE organisation_id = $1 ORDER BY created_at DESC LIMIT $2",
    )
    .bind(organisation_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}

/// The messages of one assist, oldest first.
pub async fn for_assist(db: &Db, assist_id: &str) -> AppResult<Vec<SmsView>> {
    let rows: Vec<SmsRow> = sqlx::query_as(
        "SELECT id, assist_id, to_number, body, created_at, status, error FROM sms_messages
         WHERE assist_id = $1 ORDER BY created_at",
    )
    .bind(assist_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(view).collect())
}
