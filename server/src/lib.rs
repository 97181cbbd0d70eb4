//! Regard's server: one axum application serving the REST API, the OpenAPI
//! document and the built web app. `app` builds the router so tests can drive it
//! without a socket; `run` is what the binary does.

pub mod admin;
pub mod api_docs;
pub mod assist;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod blobs;
pub mod cluster;
pub mod config;
pub mod connections;
pub mod consultation;
pub mod db;
pub mod download;
pub mod error;
pub mod expertise;
pub mod gate;
pub mod guard;
pub mod health;
pub mod images;
pub mod links;
pub mod live;
pub mod mail;
pub mod metrics;
pub mod monitoring;
pub mod nursing_home;
pub mod open_sockets;
pub mod organisations;
pub mod paging;
pub mod patients;
pub mod payment;
pub mod pdf;
pub mod prescription;
pub mod relay;
pub mod request_id;
pub mod seed;
pub mod signalling;
pub mod sms;
pub mod testing;
pub mod texts;
pub mod web;

use std::sync::Arc;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use axum::{middleware, Router};
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::blobs::BlobStore;
use crate::config::{Cli, Command, ServeArgs};
use crate::db::Db;
use crate::error::AppError;
use crate::mail::Mailer;
use crate::prescription::keys::{Kek, Signer};
use crate::signalling::Rooms;
use crate::sms::SmsProvider;
use crate::web::WebApp;

/// Largest JSON body any API endpoint accepts; uploads get their own limits.
pub const API_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub web: Arc<WebApp>,
    pub blobs: BlobStore,
    pub sms: SmsProvider,
    pub mailer: Mailer,
    pub rooms: Arc<Rooms>,
    /// News for the open consoles.
    pub live: Arc<live::Bus>,
    pub signer: Arc<Signer>,
    /// Card payments; `None` when no provider is configured (tiers payant only).
    pub stripe: Option<payment::stripe::Stripe>,
    /// Sign-in with Pro Santé Connect; `None` when not configured.
    pub psc: Option<Arc<auth::Psc>>,
    /// Rounds completed by the follow-up scheduler, shown by /healthz.
    pub scheduler_runs: Arc<std::sync::atomic::AtomicU64>,
    /// Password and PIN checks running and waiting at once: each holds 19 MiB
    /// for tens of milliseconds, so a burst of sign-ins is bounded here.
    pub hashing: Arc<gate::Gate>,
    /// The group commit of questionnaire submissions.
    pub submissions: monitoring::store::submissions::Writer,
    /// Sessions ended while their sockets are open, and the clock sessions go by.
    pub sessions: Arc<auth::Sessions>,
    /// The other nodes of the service, if any.
    pub link: cluster::Link,
}

impl AppState {
    /// Fails only when the prescription signing key cannot be read or created.
    pub fn new(db: Db, settings: Settings, web: WebApp, data_dir: &std::path::Path) -> anyhow::Result<AppState> {
        let signer = Signer::load_or_create(data_dir)?;
        Ok(AppState::with_signer(db, settings, web, data_dir, signer))
    }

    /// The state of a node whose prescriptions `signer` signs: a single node's
    /// key file, or a cluster's keys in the database (`Signer::shared`).
    pub fn with_signer(
        db: Db,
        settings: Settings,
        web: WebApp,
        data_dir: &std::path::Path,
        signer: Signer,
    ) -> AppState {
        AppState {
            settings: Arc::new(settings),
            web: Arc::new(web),
            blobs: BlobStore::new(data_dir),
            sms: SmsProvider::default(),
            mailer: Mailer::disabled(),
            rooms: Arc::default(),
            live: Arc::default(),
            signer: Arc::new(signer),
            stripe: None,
            psc: None,
            scheduler_runs: Arc::default(),
            hashing: Arc::new(gate::Gate::per_core(16)),
            submissions: monitoring::store::submissions::Writer::start(db.clone()),
            sessions: Arc::default(),
            link: cluster::Link::alone(),
            db,
        }
    }

    /// This node as one of several, from before it serves: its rooms, console
    /// news and ended sessions reach the sockets of the other nodes through
    /// `link`, and theirs reach its own.
    pub async fn linked(mut self, link: cluster::Link) -> anyhow::Result<AppState> {
        let counter = |kind| open_sockets::Counter::new(self.db.clone(), link.clone(), kind);
        let per_clinician = gate::PerAccount::shared(signalling::MAX_SOCKETS_PER_CLINICIAN, counter("signalling"));
        let consoles = gate::PerAccount::shared(live::MAX_CONSOLES_PER_MEMBER, counter("console"));
        self.rooms = Arc::new(Rooms::new(link.clone(), per_clinician));
        self.live = Arc::new(live::Bus::new(link.clone(), consoles));
        self.sessions = Arc::new(auth::Sessions::new(link.clone()));
        self.link = link;
        signalling::listen(&self).await?;
        self.live.listen().await?;
        self.sessions.listen().await?;
        Ok(self)
    }
}

/// Runtime settings derived from the configuration.
pub struct Settings {
    pub secure_cookies: bool,
    /// A session's absolute lifetime.
    pub session_ttl_ms: i64,
    /// Unused this long, a session ends (but a nursing home's, PIN-locked).
    pub session_idle_ms: i64,
    pub trust_forwarded_for: bool,
    /// Without a trailing slash.
    pub public_url: String,
    /// Lifetime of a link sent to a patient before it is accepted.
    pub link_ttl_ms: i64,
    /// How long a patient's device keeps access to a consultation after entering.
    pub consultation_access_ms: i64,
    /// How long a follow-up's data is kept after it ends.
    pub monitoring_retention_ms: i64,
    pub ice: IceConfig,
}

/// STUN and TURN servers handed to browsers. Empty: host candidates only,
/// which works on a LAN and on loopback.
#[derive(Clone, Debug, Default)]
pub struct IceConfig {
    pub stun_urls: Vec<String>,
    pub turn_urls: Vec<String>,
    pub turn_secret: Option<String>,
    pub turn_ttl_secs: u64,
    /// Browsers use relayed candidates only (`iceTransportPolicy: relay`).
    pub relay_only: bool,
}

impl Settings {
    pub fn from_args(args: &ServeArgs) -> Settings {
        Settings {
            secure_cookies: args.secure_cookies(),
            session_ttl_ms: i64::from(args.session_hours) * 3600 * 1000,
            session_idle_ms: i64::from(args.session_idle_minutes) * 60 * 1000,
            trust_forwarded_for: args.trust_forwarded_for,
            public_url: args.public_url.trim_end_matches('/').to_owned(),
            link_ttl_ms: i64::from(args.link_minutes) * 60 * 1000,
            consultation_access_ms: i64::from(args.consultation_access_days) * 24 * 3600 * 1000,
            monitoring_retention_ms: i64::from(args.monitoring_retention_days) * 24 * 3600 * 1000,
            ice: IceConfig {
                stun_urls: args.stun_urls.clone(),
                turn_urls: args.turn_urls.clone(),
                turn_secret: args.turn_secret.clone(),
                turn_ttl_secs: args.turn_ttl_secs,
                relay_only: args.ice_relay_only,
            },
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Regard API", description = "REST API of the Regard telemedicine platform."),
    tags(
        (name = "auth", description = "Clinician sign-in"),
        (name = "organisations", description = "Organisations and their members"),
        (name = "assist", description = "Video assist, regulator side"),
        (name = "consultation", description = "Teleconsultation, clinician side"),
        (name = "sms", description = "Text messages sent"),
        (name = "prescription", description = "E-prescriptions, pharmacist side"),
        (name = "payment", description = "Payment and insurance claims"),
        (name = "monitoring", description = "Tele-monitoring, clinician side"),
        (name = "nursing_home", description = "Nursing homes: residents and calls to the SAMU"),
        (name = "expertise", description = "Tele-expertise: requests to expert sites and their threads"),
        (name = "patient", description = "Pages reached by patients' links"),
        (name = "realtime", description = "WebSockets: call signalling and the console's news"),
        (name = "health", description = "Liveness"),
    )
)]
struct ApiDoc;

/// Each password or PIN hash takes 19 MiB (argon2's memory cost) on a blocking
/// thread. glibc raises its mmap threshold after the first such block is freed,
/// so later ones come from per-thread arenas that keep the memory: six
/// sign-ins on six threads held over 100 MiB for good. A fixed threshold keeps
/// every allocation above 1 MiB mapped and returned when freed. Call it before
/// any thread starts.
pub fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

pub fn app(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(signalling::join_assist))
        .routes(routes!(consultation::join))
        .routes(routes!(expertise::live_video::join))
        .routes(routes!(live::join))
        .routes(routes!(assist::patient::caller_page))
        .nest("/api/v1/auth", auth::routes())
        .nest("/api/v1/organisations", organisations::routes())
        .nest("/api/v1/assists", assist::routes())
        .nest("/api/v1/consultations", consultation::routes())
        .nest("/api/v1/outbox", sms::routes())
        .nest("/api/v1/prescriptions", prescription::routes())
        .nest("/api/v1/claims", payment::routes())
        .nest("/api/v1/payments", payment::webhook_routes())
        .nest("/api/v1/followups", monitoring::routes())
        .nest("/api/v1/protocols", monitoring::protocols::routes())
        .nest("/api/v1/residents", nursing_home::routes())
        .nest("/api/v1/expertise", expertise::routes())
        .nest(
            "/api/v1/patient",
            assist::patient::routes().merge(consultation::patient::routes()).merge(monitoring::patient::routes()),
        )
        .split_for_parts();
    // The document is generated from the handlers' annotations: it cannot drift.
    let document = serde_json::to_value(&openapi).unwrap_or_default();
    let docs = axum::response::Html(api_docs::page(&document));
    let css = ([(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")], api_docs::STYLESHEET);
    Router::new()
        .merge(api)
        .route("/api/openapi.json", get(move || async move { axum::Json(document) }))
        .route("/api/docs", get(move || async move { docs }))
        .route("/api/docs.css", get(move || async move { css }))
        .route("/api/{*rest}", any(|| async { AppError::NotFound }))
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .merge(web::routes(state.web.clone()))
        .route_layer(middleware::from_fn(metrics::tag_route))
        .layer(middleware::from_fn_with_state(state.clone(), guard::same_origin))
        .layer(middleware::from_fn_with_state(state.clone(), guard::headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "request",
                        id = %request_id::of(request),
                        method = %request.method(),
                        path = %redact(request.uri().path())
                    )
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(middleware::from_fn(metrics::measure))
        // Outermost: the span above and every error answer know the request's id.
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// The path as logged: the tokens of patients' links and of members' account
/// links are secrets and never reach the logs.
fn redact(path: &str) -> String {
    for prefix in [
        "/v/",
        "/c/",
        "/m/",
        "/api/v1/patient/assist/",
        "/api/v1/patient/invitations/",
        "/api/v1/patient/followup-invitations/",
        "/account/",
        "/api/v1/auth/account-links/",
    ] {
        if let Some(rest) = path.strip_prefix(prefix) {
            if rest == "photos" {
                break;
            }
            let tail = rest.split_once('/').map(|(_, tail)| format!("/{tail}")).unwrap_or_default();
            return format!("{prefix}…{tail}");
        }
    }
    path.to_owned()
}

fn init_tracing(cli: &Cli) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&cli.log).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if cli.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing(&cli);
    let database_url = cli.database_url();
    let kek = cli.key_encryption_key()?;
    match cli.command {
        // Both open the database their own way: the usual opening would
        // migrate it, or create an SQLite file where a restore is to go.
        Command::Backup { dir } => {
            let manifest = backup::backup(&database_url, &cli.data_dir, &dir).await?;
            let (files, at) = (manifest.files.len(), manifest.taken_at);
            println!("Backup of the {} database taken at {at}: {files} files in {}", manifest.database, dir.display());
            Ok(())
        }
        Command::Restore { dir } => {
            let manifest = backup::restore(&dir, &database_url, &cli.data_dir).await?;
            println!("Restored the backup taken at {}: {} files checked", manifest.taken_at, manifest.files.len());
            Ok(())
        }
        Command::Serve(args) => serve(db::connect(&database_url).await?, args, cli.data_dir, kek).await,
        command => admin::run(db::connect(&database_url).await?, command, &cli.data_dir, kek).await,
    }
}

async fn serve(db: Db, args: ServeArgs, data_dir: std::path::PathBuf, kek: Option<Kek>) -> anyhow::Result<()> {
    if args.seed_demo {
        seed::demo(&db, args.demo_pacs_url.as_deref()).await?;
    }
    let mut settings = Settings::from_args(&args);
    let relay = match args.turn_listen {
        Some(listen) => Some(start_relay(&args, listen, &mut settings.ice).await?),
        None => None,
    };
    let web = WebApp::load(&args.dist_dir)?.with_source_url(args.source_url.clone());
    let signer = match kek {
        Some(kek) => Signer::shared(&db, kek, &data_dir).await?,
        None => Signer::load_or_create(&data_dir)?,
    };
    let mut state = AppState::with_signer(db, settings, web, &data_dir, signer);
    if args.blob_store == blobs::Place::Database {
        state.blobs = BlobStore::shared(&data_dir, state.db.clone());
    }
    if let Some(url) = &args.nats_url {
        state = state.linked(cluster::Link::connect(url).await?).await?;
    }
    if let Some(url) = &args.sms_gateway_url {
        let gateway = sms::HttpGateway::new(url, args.sms_gateway_header.as_deref(), &args.sms_gateway_body)?;
        state.sms = SmsProvider::Http(gateway);
        tracing::info!(%url, "text messages go through the HTTP gateway");
    }
    state.mailer = mail::Mailer::new(args.smtp_url.as_deref(), &args.mail_from)?;
    if let Some(config) = auth::PscConfig::from_args(&args)? {
        state.psc = Some(Arc::new(auth::Psc::new(config)?));
    }
    if let Some(key) = &args.stripe_secret_key {
        let secret =
            args.stripe_webhook_secret.as_deref().context("--stripe-webhook-secret is needed with a Stripe key")?;
        state.stripe = Some(payment::stripe::Stripe::new(&args.stripe_api_url, key, secret)?);
        tracing::info!("card payments go through Stripe Checkout");
    }
    monitoring::scheduler::spawn(state.clone(), std::time::Duration::from_secs(u64::from(args.scheduler_seconds)));
    let descriptors = connections::raise_descriptor_limit();
    let limits = connections::Limits::new(connections::connection_cap(args.max_connections as usize, descriptors));
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!(max_connections = limits.max_connections, "Regard listening on http://{}", listener.local_addr()?);
    if let Some(address) = args.metrics_listen {
        let listener =
            tokio::net::TcpListener::bind(address).await.with_context(|| format!("listening on {address}"))?;
        tracing::info!("metrics on http://{}/metrics", listener.local_addr()?);
        let routes = metrics::routes(state.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, routes).await {
                tracing::error!(?error, "the metrics address stopped");
            }
        });
    }
    let mut router = app(state.clone());
    if args.testing {
        tracing::warn!("testing mode: /api/testing/* lets anyone expire links and move schedules; never in production");
        router = router.merge(testing::routes().with_state(state));
    }
    connections::serve(listener, router, limits, shutdown_signal()).await?;
    if let Some(relay) = relay {
        relay.close().await?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Starts the built-in TURN relay and hands it to browsers (unless other TURN
/// URLs are configured), with the configured secret or one of its own.
async fn start_relay(
    args: &ServeArgs,
    listen: std::net::SocketAddr,
    ice: &mut IceConfig,
) -> anyhow::Result<relay::Relay> {
    let public_ip = match args.turn_public_ip {
        Some(ip) => ip,
        None if !listen.ip().is_unspecified() => listen.ip(),
        None => anyhow::bail!("--turn-public-ip: the address browsers reach the relay at on {listen}"),
    };
    let secret = ice.turn_secret.clone().unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()));
    let relay = relay::Relay::start(relay::RelaySettings {
        listen,
        public_ip,
        realm: "regard".into(),
        secret: secret.clone(),
        peers: relay::PeerPolicy { allowed: args.turn_allowed_peers.clone() },
        allocations_per_credential: args.turn_allocations_per_credential as usize,
        bytes_per_second: u64::from(args.turn_max_mbps) * 125_000,
    })
    .await?;
    if ice.turn_urls.is_empty() {
        ice.turn_urls = relay.urls();
    }
    ice.turn_secret = Some(secret);
    Ok(relay)
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_tokens_are_redacted_from_logged_paths() {
        assert_eq!(super::redact("/v/abcdefghijklmnopqrstuv"), "/v/…");
        assert_eq!(super::redact("/api/v1/patient/assist/abcdef/accept"), "/api/v1/patient/assist/…/accept");
        assert_eq!(super::redact("/api/v1/patient/assist/photos"), "/api/v1/patient/assist/photos");
        assert_eq!(super::redact("/console"), "/console");
        assert_eq!(super::redact("/account/abcdefghijklmnop"), "/account/…");
        assert_eq!(super::redact("/api/v1/auth/account-links/abcdefghijklmnop"), "/api/v1/auth/account-links/…");
    }
}
