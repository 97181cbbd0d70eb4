//! Regard's server: one axum application serving the REST API, the OpenAPI
//! document and the built web app. `app` builds the router so tests can drive it
//! without a socket; `run` is what the binary does.

pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod organisations;
pub mod seed;
pub mod web;

use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get};
use axum::{middleware, Router};
use regard_shared::api::NewMember;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::{Cli, Command, ServeArgs};
use crate::db::Db;
use crate::error::AppError;
use crate::organisations::store;
use crate::web::WebApp;

/// Largest JSON body any API endpoint accepts; uploads get their own limits.
pub const API_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub web: Arc<WebApp>,
}

/// Runtime settings derived from the configuration.
pub struct Settings {
    pub secure_cookies: bool,
    pub session_ttl_ms: i64,
    pub trust_forwarded_for: bool,
    pub public_url: String,
}

impl Settings {
    pub fn from_args(args: &ServeArgs) -> Settings {
        Settings {
            secure_cookies: args.secure_cookies(),
            session_ttl_ms: i64::from(args.session_hours) * 3600 * 1000,
            trust_forwarded_for: args.trust_forwarded_for,
            public_url: args.public_url.trim_end_matches('/').to_owned(),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Regard API", description = "REST API of the Regard telemedicine platform."),
    tags(
        (name = "auth", description = "Clinician sign-in"),
        (name = "organisations", description = "Organisations and their members"),
        (name = "health", description = "Liveness"),
    )
)]
struct ApiDoc;

pub fn app(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .nest("/api/v1/auth", auth::routes())
        .nest("/api/v1/organisations", organisations::routes())
        .split_for_parts();
    // The document is generated from the handlers' annotations: it cannot drift.
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(openapi.as_ref().clone()) }),
        )
        .route("/api/{*rest}", any(|| async { AppError::NotFound }))
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .merge(web::routes(state.web.clone()))
        .layer(middleware::from_fn_with_state(
            state.web.clone(),
            web::security_headers,
        ))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

fn init_tracing(cli: &Cli) {
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cli.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing(&cli);
    let db = db::connect(&cli.database_url()).await?;
    match cli.command {
        Command::Serve(args) => serve(db, args).await,
        Command::CreateOrganisation { name, kind } => {
            let org = store::create_organisation(&db, &name, kind).await?;
            println!("{}", org.id);
            Ok(())
        }
        Command::CreateUser {
            organisation,
            email,
            name,
            role,
        } => {
            let org = store::find_organisation(&db, &organisation)
                .await?
                .with_context(|| format!("no organisation with id or name {organisation:?}"))?;
            let password = match std::env::var("REGARD_USER_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let member = NewMember {
                email,
                display_name: name,
                role,
                password,
            };
            let user = store::create_user(&db, &org.id, member).await?;
            println!("{}", user.id);
            Ok(())
        }
    }
}

async fn serve(db: Db, args: ServeArgs) -> anyhow::Result<()> {
    if args.seed_demo {
        seed::demo(&db).await?;
    }
    let state = AppState {
        db,
        settings: Arc::new(Settings::from_args(&args)),
        web: Arc::new(WebApp::load(&args.dist_dir)?),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    tracing::info!("Regard listening on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
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
