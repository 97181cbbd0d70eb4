//! Text messages. Every message is recorded in `sms_messages`, whichever provider
//! carries it, so the console can show what was sent and what failed.
//! The default provider is the outbox itself: messages are shown in the console
//! (with their link), which is enough for a demo, tests, and a centre that reads
//! the link out over the phone.

use axum::extract::State;
use regard_shared::assist::SmsView;
use regard_shared::{phone, Action, ApiError};
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentUser;
use crate::db::{new_id, now_ms, Db};
use crate::error::{AppError, AppResult, Json};
use crate::links;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(latest))
}

/// The organisation's latest text messages (the outbox when no gateway is set),
/// each shown only to those who may act on its case: a teleconsultation's
/// invitation to those who consult, an assist's link to regulators.
#[utoipa::path(get, path = "", tag = "sms", responses((status = 200, body = Vec<SmsView>), (status = 403, body = ApiError)))]
async fn latest(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Vec<SmsView>>> {
    let readable: Vec<About> = About::ALL.into_iter().filter(|about| user.role.may(about.action())).collect();
    let Some(first) = readable.first() else { return Err(AppError::Forbidden) };
    user.authorize(first.action(), &user.organisation_id)?;
    Ok(Json(outbox(&state.db, &user.organisation_id, &readable, 50).await?))
}

/// What a message is about, which decides who may read it in the outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum About {
    Assist,
    Consultation,
    Monitoring,
}

impl About {
    pub const ALL: [About; 3] = [About::Assist, About::Consultation, About::Monitoring];

    fn as_str(self) -> &'static str {
        match self {
            About::Assist => "assist",
            About::Consultation => "consultation",
            About::Monitoring => "monitoring",
        }
    }

    /// What a member must be allowed to do to read such a message.
    fn action(self) -> Action {
        match self {
            About::Assist => Action::ConductAssist,
            About::Consultation => Action::ConductConsultation,
            About::Monitoring => Action::MonitorPatients,
        }
    }
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

    /// Posts one message; the error says what the gateway answered. `key`, when
    /// given, goes as `Idempotency-Key`: a gateway that honours it sends a
    /// message posted twice (a retry after a crash) once.
    async fn post(&self, to: &str, text: &str, key: Option<&str>) -> Result<(), String> {
        let mut request = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(self.body(to, text));
        if let Some((name, value)) = &self.header {
            request = request.header(name, value);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
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
    pub about: About,
    pub assist_id: Option<&'a str>,
    /// Set for a follow-up's messages, which are deleted with its data.
    pub followup_id: Option<&'a str>,
    /// E.164.
    pub to: &'a str,
    pub body: String,
}

/// A message the gateway took (or refused), to be recorded in the outbox.
pub struct Delivery<'a> {
    sms: OutgoingSms<'a>,
    view: SmsView,
}

impl SmsProvider {
    /// Sends and records the message; a failure is recorded and returned as the
    /// view's `status`/`error`, never swallowed. Once a gateway has the message,
    /// the stored copy keeps no usable link: the patient's phone holds it.
    pub async fn send(&self, db: &Db, sms: OutgoingSms<'_>) -> AppResult<SmsView> {
        self.hand_over(sms, None).await.record(&mut *db.acquire().await?).await
    }

    /// `send` for a message that may be sent again after a crash (a reminder):
    /// every attempt carries the same `key`, and the outbox records it once.
    pub async fn send_once(&self, db: &Db, sms: OutgoingSms<'_>, key: &str) -> AppResult<SmsView> {
        self.hand_over(sms, Some(key)).await.record(&mut *db.acquire().await?).await
    }

    /// Gives the message to the gateway, outside any transaction (a gateway may
    /// take seconds); the caller records the delivery, with what it caused.
    pub async fn hand_over<'a>(&self, sms: OutgoingSms<'a>, key: Option<&str>) -> Delivery<'a> {
        let (status, error, body): (&str, Option<String>, String) = match self {
            SmsProvider::Outbox => ("sent", None, sms.body.clone()),
            SmsProvider::Http(gateway) => {
                let sent = gateway.post(sms.to, &sms.body, key).await;
                let body = links::redact_tokens(&sms.body);
                crate::metrics::sms_handed_over(sent.is_ok());
                match sent {
                    Ok(()) => ("sent", None, body),
                    Err(error) => {
                        tracing::warn!(%error, "text message not sent");
                        ("failed", Some(error), body)
                    }
                }
            }
        };
        let view = SmsView {
            id: key.map_or_else(new_id, str::to_owned),
            assist_id: sms.assist_id.unwrap_or_default().to_owned(),
            to: phone::display(sms.to),
            body,
            created_at: now_ms(),
            status: status.to_owned(),
            error,
        };
        Delivery { sms, view }
    }
}

impl Delivery<'_> {
    /// Records the message in the outbox, on a connection or in a transaction.
    pub async fn record(self, conn: &mut AnyConnection) -> AppResult<SmsView> {
        let Delivery { sms, view } = self;
        sqlx::query(
            "INSERT INTO sms_messages (id, organisation_id, kind, assist_id, followup_id, to_number, body, created_at,
                                       status, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, error = excluded.error",
        )
        .bind(&view.id)
        .bind(sms.organisation_id)
        .bind(sms.about.as_str())
        .bind(sms.assist_id)
        .bind(sms.followup_id)
        .bind(sms.to)
        .bind(&view.body)
        .bind(view.created_at)
        .bind(&view.status)
        .bind(&view.error)
        .execute(conn)
        .await?;
        Ok(view)
    }
}

#[derive(sqlx::FromRow)]
struct SmsRow {
    id: String,
    assist_id: Option<String>,
    to_number: String,
    body: String,
    created_at: i64,
    status: String,
    error: Option<String>,
}

fn view(row: SmsRow) -> SmsView {
    SmsView {
        id: row.id,
        assist_id: row.assist_id.unwrap_or_default(),
        to: phone::display(&row.to_number),
        body: row.body,
        created_at: row.created_at,
        status: row.status,
        error: row.error,
    }
}

/// The organisation's latest messages about `readable` cases, newest first.
async fn outbox(db: &Db, organisation_id: &str, readable: &[About], limit: i64) -> AppResult<Vec<SmsView>> {
    let mut query = sqlx::query_as(
        "SELECT id, assist_id, to_number, body, created_at, status, error FROM sms_messages
         WHERE organisation_id = $1 AND kind IN ($2, $3, $4) ORDER BY created_at DESC LIMIT $5",
    )
    .bind(organisation_id);
    for i in 0..3 {
        // Up to three kinds; the list is padded with its first.
        query = query.bind(readable.get(i).unwrap_or(&readable[0]).as_str());
    }
    let rows: Vec<SmsRow> = query.bind(limit).fetch_all(db).await?;
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
