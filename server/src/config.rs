//! Command line and environment configuration. Every flag has an environment
//! variable, so a container or a systemd unit configures Regard without arguments.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use regard_shared::{OrganisationKind, Role};

#[derive(Debug, Parser)]
#[command(name = "regard", version, about = "Regard telemedicine server")]
pub struct Cli {
    /// Directory for the database file and stored files.
    #[arg(long, env = "REGARD_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database URL; defaults to the SQLite file `regard.db` in the data directory.
    #[arg(long, env = "REGARD_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Log filter, in tracing's EnvFilter syntax (e.g. `info,regard_server=debug`).
    /// Keeps the prescription signing keys in the database, sealed with this
    /// key (64 hexadecimal characters, `openssl rand -hex 32`), so that every
    /// node of a cluster signs with the same key: give every node the same
    /// one, and keep it apart from the database's backups. Unset: the key is
    /// a file of the data directory (a single node).
    #[arg(long, env = "REGARD_KEY_ENCRYPTION_KEY", global = true, hide_env_values = true)]
    pub key_encryption_key: Option<String>,

    #[arg(long, env = "REGARD_LOG", default_value = "info", global = true)]
    pub log: String,

    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "REGARD_LOG_JSON", global = true)]
    pub log_json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once at start; boxing would only add noise")]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Create an organisation and print its id.
    CreateOrganisation {
        #[arg(long)]
        name: String,
        /// One of samu_centre, gp_practice, nursing_home, expert_site, pharmacy.
        #[arg(long, value_parser = parse_kind)]
        kind: OrganisationKind,
    },
    /// Create a clinician account. The password is read from REGARD_USER_PASSWORD
    /// or, when that is unset, from the first line of standard input.
    CreateUser {
        /// Organisation id or exact name.
        #[arg(long)]
        organisation: String,
        #[arg(long)]
        email: String,
        /// Name shown to colleagues, e.g. "Dr Claire Martin".
        #[arg(long)]
        name: String,
        /// One of regulator, gp, specialist, nurse, admin, pharmacist.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Link a nursing home to the SAMU centre its calls ring in (replaces any earlier link).
    LinkNursingHome {
        /// Nursing home id or exact name.
        #[arg(long)]
        nursing_home: String,
        /// SAMU centre id or exact name.
        #[arg(long)]
        samu_centre: String,
    },
    /// Let an expert site answer tele-expertise requests of a specialty
    /// (dermatology, stroke, general).
    OfferExpertise {
        /// Expert site id or exact name.
        #[arg(long)]
        expert_site: String,
        #[arg(long)]
        specialty: String,
    },
    /// Let an organisation attach series from its PACS to tele-expertise
    /// requests, through DICOMweb (QIDO-RS, WADO-RS). A password, if the PACS
    /// asks for one, is read from REGARD_PACS_PASSWORD. Replaces any earlier one.
    ConnectPacs {
        /// Organisation id or exact name.
        #[arg(long)]
        organisation: String,
        /// The DICOMweb root, e.g. https://pacs.chu.example/dicom-web
        #[arg(long, value_parser = parse_http_url)]
        url: String,
        /// Account at the PACS (HTTP basic authentication).
        #[arg(long)]
        username: Option<String>,
    },
    /// Replace the prescription signing key; the old public key is kept so that
    /// prescriptions signed with it still verify. Prints the new key's id.
    RotatePrescriptionKey,
    /// Recompute the access log's hash chain; fails (exit status 1) naming the
    /// first row that was altered or follows a deleted one.
    VerifyAccessLog,
    /// Copy the database, the stored files and the signing keys into DIR (new
    /// or empty) while Regard runs, with a manifest of their checksums. A
    /// PostgreSQL database is copied by pg_dump (from REGARD_PG_BIN, else PATH).
    Backup { dir: PathBuf },
    /// Bring a backup back into an empty data directory and database, after
    /// checking every file against the backup's manifest.
    Restore { dir: PathBuf },
    /// Import a tele-monitoring protocol (JSON file) for an organisation. A
    /// mistake is reported with where it is in the file. Prints the protocol's id.
    ImportProtocol {
        /// Organisation id or exact name.
        #[arg(long)]
        organisation: String,
        file: std::path::PathBuf,
    },
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "REGARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Serves Prometheus metrics at /metrics on this address (e.g.
    /// 127.0.0.1:9464), apart from the public one; none when unset.
    #[arg(long, env = "REGARD_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// NATS server linking several Regard nodes on one PostgreSQL database
    /// (e.g. nats://127.0.0.1:4222): a call's two sides, a console's news and
    /// an ended session reach sockets on any node. Unset: this node is alone.
    #[arg(long, env = "REGARD_NATS_URL")]
    pub nats_url: Option<String>,

    /// Where stored files (photos, documents, images) keep their bytes: this
    /// node's data directory, or the database, which every node of a cluster
    /// reads (and backs up with the rest).
    #[arg(long, env = "REGARD_BLOB_STORE", value_enum, default_value = "directory")]
    pub blob_store: crate::blobs::Place,

    /// Connections open at once (WebSockets included); beyond, new ones are
    /// closed at once. Lowered to fit the open-file limit.
    #[arg(long, env = "REGARD_MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(16..))]
    pub max_connections: u32,

    /// Public base URL, used in links sent to patients and to decide whether
    /// cookies are marked Secure (they are when it starts with https://).
    #[arg(long, env = "REGARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,

    /// Directory of the built web app (trunk's output).
    #[arg(long, env = "REGARD_DIST_DIR", default_value = "dist")]
    pub dist_dir: PathBuf,

    /// Where the pages' "source code" link leads, e.g. the public repository of
    /// the Regard this service runs (AGPL-3.0 section 13: a modified Regard must
    /// offer its users its source). Default: the source archive built with the app.
    #[arg(long, env = "REGARD_SOURCE_URL", value_parser = parse_http_url)]
    pub source_url: Option<String>,

    /// Create the demo organisations and accounts if missing. Never in production.
    #[arg(long, env = "REGARD_SEED_DEMO")]
    pub seed_demo: bool,

    /// With --seed-demo: the demo practice attaches series from this DICOMweb
    /// PACS (e.g. a local Orthanc's http://127.0.0.1:8042/dicom-web).
    #[arg(long, env = "REGARD_DEMO_PACS_URL", value_parser = parse_http_url)]
    pub demo_pacs_url: Option<String>,

    /// Lifetime of a clinician's session, in hours (a shift by default).
    #[arg(long, env = "REGARD_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=168))]
    pub session_hours: u32,

    /// Minutes unused after which a clinician's session ends (a call in
    /// progress counts as use). A nursing home's tablet has none: its PIN
    /// locks it between uses instead.
    #[arg(long, env = "REGARD_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub session_idle_minutes: u32,

    /// Minutes a link sent to a patient stays valid before it is accepted.
    #[arg(long, env = "REGARD_LINK_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10080))]
    pub link_minutes: u32,

    /// STUN server URLs given to browsers (comma-separated), e.g. stun:stun.example.org:3478.
    #[arg(long = "stun-url", env = "REGARD_STUN_URLS", value_delimiter = ',')]
    pub stun_urls: Vec<String>,

    /// TURN server URLs (comma-separated), e.g. turn:turn.example.org:3478?transport=udp.
    #[arg(long = "turn-url", env = "REGARD_TURN_URLS", value_delimiter = ',')]
    pub turn_urls: Vec<String>,

    /// Shared secret of the TURN server (coturn's static-auth-secret).
    #[arg(long, env = "REGARD_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,

    /// Lifetime of the TURN credentials handed to a browser, in seconds.
    #[arg(long, env = "REGARD_TURN_TTL_SECS", default_value_t = 3600)]
    pub turn_ttl_secs: u64,

    /// Media only through the TURN relay: the caller's and the clinician's
    /// addresses stay hidden from each other, at the cost of the relay's bandwidth.
    #[arg(long, env = "REGARD_ICE_RELAY_ONLY")]
    pub ice_relay_only: bool,

    /// Runs the built-in TURN relay on this address, UDP and TCP (e.g.
    /// 0.0.0.0:3478); browsers are given it unless --turn-url names another.
    #[arg(long, env = "REGARD_TURN_LISTEN")]
    pub turn_listen: Option<SocketAddr>,

    /// The address browsers reach the built-in relay at (needed when it
    /// listens on 0.0.0.0 or behind a NAT).
    #[arg(long, env = "REGARD_TURN_PUBLIC_IP")]
    pub turn_public_ip: Option<IpAddr>,

    /// Networks the built-in relay may relay to although reserved (it refuses
    /// loopback, private and other reserved ranges otherwise), e.g. 127.0.0.0/8 for a test.
    #[arg(long = "turn-allowed-peer", env = "REGARD_TURN_ALLOWED_PEERS", value_delimiter = ',')]
    pub turn_allowed_peers: Vec<ipnet::IpNet>,

    /// Allocations one browser's credential may hold at the built-in relay.
    #[arg(long, env = "REGARD_TURN_ALLOCATIONS_PER_CREDENTIAL", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub turn_allocations_per_credential: u32,

    /// Bandwidth of the built-in relay, every call together, in Mbit/s.
    #[arg(long, env = "REGARD_TURN_MAX_MBPS", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub turn_max_mbps: u32,

    /// URL of an HTTP SMS gateway; without it, messages stay in the console's outbox.
    #[arg(long, env = "REGARD_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,

    /// Header sent to the gateway, as 'Name: value' (e.g. 'Authorization: Bearer KEY').
    #[arg(long, env = "REGARD_SMS_GATEWAY_HEADER", hide_env_values = true)]
    pub sms_gateway_header: Option<String>,

    /// JSON body posted to the gateway; {{to}} (E.164) and {{text}} are filled in.
    #[arg(long, env = "REGARD_SMS_GATEWAY_BODY", default_value = crate::sms::DEFAULT_TEMPLATE)]
    pub sms_gateway_body: String,

    /// SMTP server for e-mail, e.g. smtp://127.0.0.1:25 (plain, for a local relay),
    /// smtp://user:pass@mail.example.org:587?tls=required (STARTTLS) or
    /// smtps://user:pass@mail.example.org (TLS). Without it, e-mails are not sent
    /// and the console says so.
    #[arg(long, env = "REGARD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of Regard's e-mails.
    #[arg(long, env = "REGARD_MAIL_FROM", default_value = "Regard <no-reply@regard.localhost>")]
    pub mail_from: String,

    /// Days a patient keeps access to their consultation's report and documents
    /// through the invitation link, counted from when they entered.
    #[arg(long, env = "REGARD_CONSULTATION_ACCESS_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub consultation_access_days: u32,

    /// Days a tele-monitoring follow-up's data is kept after it ends (finished
    /// or stopped) before it is deleted. 0: deleted as soon as it ends.
    #[arg(long, env = "REGARD_MONITORING_RETENTION_DAYS", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub monitoring_retention_days: u32,

    /// Seconds between two rounds of the follow-up scheduler (reminders,
    /// missed questionnaires, deletions).
    #[arg(long, env = "REGARD_SCHEDULER_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub scheduler_seconds: u32,

    /// Stripe secret key: enables card payment of consultations (Checkout).
    #[arg(long, env = "REGARD_STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<String>,

    /// Secret of the Stripe webhook endpoint (/api/v1/payments/stripe/webhook).
    #[arg(long, env = "REGARD_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,

    /// Stripe's API base URL.
    #[arg(long, env = "REGARD_STRIPE_API_URL", default_value = "https://api.stripe.com")]
    pub stripe_api_url: String,

    /// Pro Santé Connect's issuer, e.g. https://auth.esante.gouv.fr/auth/realms/esante-wallet
    /// (or the sandbox's): the sign-in page offers PSC. Regard's redirect URL to
    /// register with it is PUBLIC_URL/api/v1/auth/psc/callback.
    #[arg(long, env = "REGARD_PSC_ISSUER", value_parser = parse_http_url)]
    pub psc_issuer: Option<String>,

    /// The client id Pro Santé Connect gave Regard.
    #[arg(long, env = "REGARD_PSC_CLIENT_ID")]
    pub psc_client_id: Option<String>,

    /// The client secret Pro Santé Connect gave Regard (sent as HTTP Basic).
    #[arg(long, env = "REGARD_PSC_CLIENT_SECRET", hide_env_values = true)]
    pub psc_client_secret: Option<String>,

    /// Where the provider's discovery document is, when not at the issuer's
    /// /.well-known/openid-configuration (PSC publishes it at
    /// ISSUER/.well-known/wallet-openid-configuration).
    #[arg(long, env = "REGARD_PSC_DISCOVERY_URL", value_parser = parse_http_url)]
    pub psc_discovery_url: Option<String>,

    /// The provider's authorization endpoint, overriding discovery's (with the
    /// token, userinfo and JWKS URLs too, no discovery is made).
    #[arg(long, env = "REGARD_PSC_AUTHORIZATION_URL", value_parser = parse_http_url)]
    pub psc_authorization_url: Option<String>,

    /// The provider's token endpoint, overriding discovery's.
    #[arg(long, env = "REGARD_PSC_TOKEN_URL", value_parser = parse_http_url)]
    pub psc_token_url: Option<String>,

    /// The provider's userinfo endpoint, overriding discovery's.
    #[arg(long, env = "REGARD_PSC_USERINFO_URL", value_parser = parse_http_url)]
    pub psc_userinfo_url: Option<String>,

    /// The provider's signing keys (JWKS), overriding discovery's.
    #[arg(long, env = "REGARD_PSC_JWKS_URL", value_parser = parse_http_url)]
    pub psc_jwks_url: Option<String>,

    /// Test servers only: open /api/testing/* (expire a link, make a
    /// questionnaire fall due) so browser tests need not wait for time to pass.
    #[arg(long, hide = true)]
    pub testing: bool,

    /// Take the client address from the last X-Forwarded-For entry. Set it only
    /// behind a reverse proxy that sets that header, or rate limits can be dodged.
    #[arg(long, env = "REGARD_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
}

/// The variables that may hold a secret. Each may instead name a file with
/// `<NAME>_FILE` (as systemd's `LoadCredential=` or a container's secrets
/// provide), so that the secret stays out of the environment of the unit file
/// and of `systemctl show`.
const SECRET_VARIABLES: [&str; 10] = [
    "REGARD_DATABASE_URL",
    "REGARD_KEY_ENCRYPTION_KEY",
    "REGARD_PSC_CLIENT_SECRET",
    "REGARD_TURN_SECRET",
    "REGARD_SMS_GATEWAY_HEADER",
    "REGARD_SMTP_URL",
    "REGARD_STRIPE_SECRET_KEY",
    "REGARD_STRIPE_WEBHOOK_SECRET",
    "REGARD_USER_PASSWORD",
    "REGARD_PACS_PASSWORD",
];

/// Reads every `<NAME>_FILE` of a secret variable into `<NAME>` (unless that
/// is set too, which wins), the file's content without its final line break.
/// Call it before any thread starts: it sets environment variables.
pub fn secrets_from_files() -> anyhow::Result<()> {
    for name in SECRET_VARIABLES {
        let Some(path) = std::env::var_os(format!("{name}_FILE")) else { continue };
        if std::env::var_os(name).is_some() {
            continue;
        }
        let secret = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("{name}_FILE: reading {}: {e}", PathBuf::from(&path).display()))?;
        std::env::set_var(name, secret.trim_end_matches(['\r', '\n']));
    }
    Ok(())
}

impl Cli {
    pub fn key_encryption_key(&self) -> anyhow::Result<Option<crate::prescription::keys::Kek>> {
        self.key_encryption_key.as_deref().map(crate::prescription::keys::Kek::parse).transpose()
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("regard.db").display()))
    }
}

impl ServeArgs {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn parse_kind(s: &str) -> Result<OrganisationKind, String> {
    OrganisationKind::parse(s).ok_or_else(|| {
        let all: Vec<_> = OrganisationKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", all.join(", "))
    })
}

fn parse_http_url(s: &str) -> Result<String, String> {
    match url::Url::parse(s) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(s.trim_end_matches('/').to_owned())
        }
        _ => Err("expected an http:// or https:// URL".to_owned()),
    }
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("expected one of {}", all.join(", "))
    })
}
