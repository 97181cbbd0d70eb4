//! A Regard application on a real database, driven through its router: a
//! temporary SQLite file, or a fresh database of the PostgreSQL cluster named by
//! `REGARD_TEST_POSTGRES` (the test command runs the suite once each way).

pub mod consultation;
pub mod monitoring;
pub mod nats;
pub mod oidc;
pub mod smtp;
pub mod ws;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, Response, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use regard_server::organisations::store;
use regard_server::{db, seed, web::WebApp, AppState, IceConfig, Settings};
use regard_shared::api::NewMember;
use regard_shared::{OrganisationKind, Role};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

pub const REGULATOR: &str = "regulateur@demo.regard.fr";
pub const ADMIN: &str = "admin@demo.regard.fr";
pub const GP: &str = "medecin@demo.regard.fr";
pub const PASSWORD: &str = seed::DEMO_PASSWORD;
pub const PUBLIC_URL: &str = "http://127.0.0.1:8080";

/// The inline bootstrap script the fake built app carries, as trunk writes one.
pub const INLINE_SCRIPT: &str = "import init from '/regard-app.js'; await init();";
pub const CALLER_INLINE_SCRIPT: &str = "import init from '/caller/regard-caller.js'; await init();";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    dir: TempDir,
    database_url: String,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with(false, 3_600_000).await
    }

    pub async fn with(secure_cookies: bool, session_ttl_ms: i64) -> TestApp {
        TestApp::configured(secure_cookies, session_ttl_ms, 30 * 60_000).await
    }

    pub async fn configured(secure_cookies: bool, session_ttl_ms: i64, link_ttl_ms: i64) -> TestApp {
        TestApp::build(secure_cookies, session_ttl_ms, link_ttl_ms, |_| {}).await
    }

    /// A default app whose state `customise` adjusts (e.g. another SMS provider).
    pub async fn customised(customise: impl FnOnce(&mut AppState)) -> TestApp {
        TestApp::build(false, 3_600_000, 30 * 60_000, customise).await
    }

    /// The server's data directory (database, blobs, keys).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Stops this server and starts a new one on the same database and files,
    /// as a restart does: nothing survives but what was stored.
    pub async fn restart(self) -> TestApp {
        let TestApp { router, state, dir, database_url } = self;
        drop(router);
        state.db.close().await;
        drop(state);
        TestApp::build_in(dir, database_url, false, 3_600_000, 30 * 60_000, |_| {}).await
    }

    /// A server on a data directory and database that already hold Regard's
    /// data (a restored backup).
    pub async fn open(dir: TempDir, database_url: String) -> TestApp {
        TestApp::build_in(dir, database_url, false, 3_600_000, 30 * 60_000, |_| {}).await
    }

    async fn build(
        secure_cookies: bool,
        session_ttl_ms: i64,
        link_ttl_ms: i64,
        customise: impl FnOnce(&mut AppState),
    ) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_database(dir.path()).await;
        TestApp::build_in(dir, database_url, secure_cookies, session_ttl_ms, link_ttl_ms, customise).await
    }

    async fn build_in(
        dir: TempDir,
        database_url: String,
        secure_cookies: bool,
        session_ttl_ms: i64,
        link_ttl_ms: i64,
        customise: impl FnOnce(&mut AppState),
    ) -> TestApp {
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("icons")).unwrap();
        std::fs::create_dir_all(dist.join("caller")).unwrap();
        std::fs::write(
            dist.join("caller/index.html"),
            format!("<!DOCTYPE html><html><head><title>Regard caller</title></head><body><script type=\"module\">{CALLER_INLINE_SCRIPT}</script></body></html>"),
        )
        .unwrap();
        std::fs::write(
            dist.join("index.html"),
            format!("<!DOCTYPE html><html><head><title>Regard</title></head><body><script type=\"module\">{INLINE_SCRIPT}</script></body></html>"),
        )
        .unwrap();
        std::fs::write(dist.join("regard-app.js"), "export default async function init() {}").unwrap();
        // What scripts/precompress.mjs writes; the bytes only need to be recognisable.
        std::fs::write(dist.join("regard-app.js.br"), PRECOMPRESSED_BR).unwrap();
        std::fs::write(dist.join("icons/icon-192.png"), b"png").unwrap();
        std::fs::write(dist.join("sw.js"), "const BUILD = '__REGARD_BUILD__'; const SHELL = __REGARD_SHELL__;")
            .unwrap();
        let db = db::connect(&database_url).await.unwrap();
        seed::demo(&db, None).await.unwrap();
        let settings = Settings {
            secure_cookies,
            session_ttl_ms,
            session_idle_ms: 30 * 60_000,
            trust_forwarded_for: false,
            public_url: PUBLIC_URL.into(),
            link_ttl_ms,
            consultation_access_ms: 30 * 24 * 3600 * 1000,
            monitoring_retention_ms: 0,
            ice: IceConfig::default(),
        };
        let mut state = AppState::new(db, settings, WebApp::load(&dist).unwrap(), dir.path()).unwrap();
        customise(&mut state);
        TestApp { router: regard_server::app(state.clone()), state, dir, database_url }
    }

    /// Another server on the same database, with its own files and memory: a
    /// second node, or a second scheduler.
    pub async fn second_node(&self) -> TestApp {
        TestApp::build_in(
            tempfile::tempdir().unwrap(),
            self.database_url.clone(),
            false,
            3_600_000,
            30 * 60_000,
            |_| {},
        )
        .await
    }

    /// This server as a node of a cluster, linked to the others through the
    /// NATS server at `nats_url`.
    pub async fn linked(mut self, nats_url: &str) -> TestApp {
        let link = regard_server::cluster::Link::connect(nats_url).await.unwrap();
        self.state = self.state.linked(link).await.unwrap();
        self.router = regard_server::app(self.state.clone());
        self
    }

    /// This server keeping its files' bytes in the database, as every node of
    /// a cluster does (`--blob-store database`).
    pub fn with_shared_store(mut self) -> TestApp {
        self.state.blobs = regard_server::blobs::BlobStore::shared(self.dir.path(), self.state.db.clone());
        self.router = regard_server::app(self.state.clone());
        self
    }

    /// This server signing prescriptions with the keys kept in the database,
    /// sealed with `kek` (`REGARD_KEY_ENCRYPTION_KEY`), as the nodes of a cluster do.
    pub async fn with_shared_keys(mut self, kek: &str) -> TestApp {
        use regard_server::prescription::keys::{Kek, Signer};
        let signer = Signer::shared(&self.state.db, Kek::parse(kek).unwrap(), self.dir.path()).await.unwrap();
        self.state.signer = std::sync::Arc::new(signer);
        self.router = regard_server::app(self.state.clone());
        self
    }

    /// The URL of this app's database, for a second server or a CLI command on it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Sends a request as if from `addr`, as the real server's ConnectInfo would.
    pub async fn send_from(&self, addr: &str, mut request: Request<Body>) -> Response<Body> {
        let addr: SocketAddr = addr.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
        self.router.clone().oneshot(request).await.unwrap()
    }

    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.send_from("192.0.2.1:50000", request).await
    }

    /// Sends every request at the same moment, each on its own task (on a
    /// multi-threaded test runtime, truly in parallel): what a race looks like
    /// to the database.
    pub async fn at_once(&self, requests: Vec<Request<Body>>) -> Vec<Response<Body>> {
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(requests.len()));
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|mut request| {
                let (router, start) = (self.router.clone(), start.clone());
                request.extensions_mut().insert(ConnectInfo("192.0.2.1:50000".parse::<SocketAddr>().unwrap()));
                tokio::spawn(async move {
                    start.wait().await;
                    router.oneshot(request).await.unwrap()
                })
            })
            .collect();
        let mut responses = Vec::new();
        for task in tasks {
            responses.push(task.await.unwrap());
        }
        responses
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response<Body> {
        self.send(request(Method::GET, path, cookie, None)).await
    }

    pub async fn post_json(&self, path: &str, cookie: Option<&str>, body: Value) -> Response<Body> {
        self.send(request(Method::POST, path, cookie, Some(body))).await
    }

    pub async fn login_response(&self, email: &str, password: &str) -> Response<Body> {
        self.login_from("192.0.2.1:50000", email, password).await
    }

    pub async fn login_from(&self, addr: &str, email: &str, password: &str) -> Response<Body> {
        let body = serde_json::json!({"email": email, "password": password});
        self.send_from(addr, request(Method::POST, "/api/v1/auth/login", None, Some(body))).await
    }

    /// Signs in and returns the `name=value` pair to send back as Cookie.
    pub async fn login(&self, email: &str) -> String {
        let response = self.login_response(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        set_cookie(&response).split(';').next().unwrap().to_owned()
    }

    /// The organisation id of the signed-in user.
    pub async fn organisation_of(&self, cookie: &str) -> String {
        let me = json(self.get("/api/v1/auth/me", Some(cookie)).await).await;
        me["organisation"]["id"].as_str().unwrap().to_owned()
    }
}

/// Slice `number` of the `count`-slice phantom head CT, in Hounsfield units.
pub fn phantom_slice(number: usize, count: usize, size: u16) -> Vec<i16> {
    (0..size)
        .flat_map(|y| (0..size).map(move |x| (x, y)))
        .map(|(x, y)| {
            regard_server::expertise::phantom::value(f64::from(x), f64::from(y), number, count, f64::from(size))
        })
        .collect()
}

/// The events of the member named `name` in their organisation's account log,
/// newest first, as its administrator reads them.
pub async fn events_of(app: &TestApp, admin: &str, name: &str) -> Vec<String> {
    let organisation = app.organisation_of(admin).await;
    let events =
        json(app.get(&format!("/api/v1/organisations/{organisation}/account-events"), Some(admin)).await).await;
    let events = events.as_array().unwrap().iter().filter(|e| e["member"] == name);
    events.map(|e| e["event"].as_str().unwrap().to_owned()).collect()
}

/// A second account in an existing or new organisation; returns its cookie.
pub async fn member(app: &TestApp, organisation: &str, kind: OrganisationKind, email: &str, role: Role) -> String {
    let org = match store::find_organisation(&app.state.db, organisation).await.unwrap() {
        Some(org) => org,
        None => store::create_organisation(&app.state.db, organisation, kind).await.unwrap(),
    };
    let new = NewMember { email: email.into(), display_name: email.into(), role };
    store::create_user(&app.state.db, &org, new, Some(PASSWORD.into())).await.unwrap();
    app.login(email).await
}

/// The content of the app script's `.br` copy in the test build.
pub const PRECOMPRESSED_BR: &[u8] = b"brotli bytes written at build time";

pub fn request(method: Method, path: &str, cookie: Option<&str>, body: Option<Value>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    match body {
        Some(body) => {
            builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_string())).unwrap()
        }
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// An upload as the app sends one: the file's bytes as the body, with `cookie`.
pub async fn post_bytes(app: &TestApp, path: &str, cookie: &str, bytes: Vec<u8>) -> Response<Body> {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(bytes))
        .unwrap();
    app.send(request).await
}

pub fn set_cookie(response: &Response<Body>) -> String {
    response.headers().get(header::SET_COOKIE).expect("a Set-Cookie header").to_str().unwrap().to_owned()
}

pub async fn bytes(response: Response<Body>) -> Vec<u8> {
    response.into_body().collect().await.unwrap().to_bytes().to_vec()
}

pub async fn text(response: Response<Body>) -> String {
    String::from_utf8(bytes(response).await).unwrap()
}

pub async fn json(response: Response<Body>) -> Value {
    let body = text(response).await;
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A cookie's `name=value` from a response's Set-Cookie headers.
pub fn cookie_named(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// The patient link token in a text message's body.
pub fn token_in(sms_body: &str) -> String {
    let (_, rest) = sms_body.split_once(&format!("{PUBLIC_URL}/v/")).expect("a link in the message");
    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

impl TestApp {
    /// As the demo regulator, starts an assist for a French mobile; returns the
    /// regulator's cookie, the case and the link token texted to the caller.
    pub async fn start_assist(&self) -> (String, Value, String) {
        let cookie = self.login(REGULATOR).await;
        let response =
            self.post_json("/api/v1/assists", Some(&cookie), serde_json::json!({"phone": "06 12 34 56 78"})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let case = json(response).await;
        let token = token_in(case["sms"][0]["body"].as_str().unwrap());
        (cookie, case, token)
    }

    pub async fn accept(&self, token: &str, device: Option<&str>) -> Response<Body> {
        let body = serde_json::json!({"consent_version": regard_shared::assist::CONSENT_VERSION, "language": "fr"});
        self.post_json(&format!("/api/v1/patient/assist/{token}/accept"), device, body).await
    }

    pub async fn timeline(&self, cookie: &str, assist_id: &str) -> Vec<String> {
        let case = json(self.get(&format!("/api/v1/assists/{assist_id}"), Some(cookie)).await).await;
        case["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
    }
}

/// A real PNG with a gradient.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// What a phone's camera writes in every photo, and what must not leave it.
pub const GPS_IN_EXIF: &[u8] = b"GPS 48.6921 N 6.1844 E";

/// A real JPEG as a phone writes one: an EXIF block right after the start,
/// with the orientation (6: turned a quarter) and the GPS position.
pub fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 40]));
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut encoded).encode_image(&image).unwrap();
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(GPS_IN_EXIF);
    let mut out = encoded[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&encoded[2..]);
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The PDF's text as poppler reads it (scripts/test installs poppler-utils).
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ordonnance.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext").args(["-layout", "-enc", "UTF-8"]).arg(&path).arg("-").output();
    let out = out.expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The URL of an empty database for one test: an SQLite file in `dir`, or a new
/// database in the PostgreSQL cluster whose maintenance URL is `REGARD_TEST_POSTGRES`.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    let Some(admin) = std::env::var("REGARD_TEST_POSTGRES").ok().filter(|url| !url.is_empty()) else {
        return format!("sqlite://{}", dir.join("regard.db").display());
    };
    use sqlx::Connection;
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut connection = sqlx::PgConnection::connect(&admin).await.expect("connecting to REGARD_TEST_POSTGRES");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut connection).await.unwrap();
    connection.close().await.unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    url.to_string()
}

/// Whether this run's databases are PostgreSQL ones.
pub fn on_postgres() -> bool {
    std::env::var_os("REGARD_TEST_POSTGRES").is_some_and(|url| !url.is_empty())
}

/// Every page of the paged list at `path`, `limit` rows at a time, following
/// each page's `next`; `between` runs after each page (rows arriving while a
/// clinician pages). The rows' `id` fields in the order listed.
pub async fn walk_pages<F, Fut>(app: &TestApp, cookie: &str, path: &str, limit: u32, between: F) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    walk_pages_by(app, cookie, path, "id", limit, between).await
}

/// `walk_pages`, for rows named by another field than `id`.
pub async fn walk_pages_by<F, Fut>(
    app: &TestApp,
    cookie: &str,
    path: &str,
    key: &str,
    limit: u32,
    mut between: F,
) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (mut seen, mut next) = (Vec::new(), None::<String>);
    loop {
        let query = match &next {
            None => format!("{path}?limit={limit}"),
            Some(after) => format!("{path}?limit={limit}&after={after}"),
        };
        let response = app.get(&query, Some(cookie)).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let page = json(response).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize);
        seen.extend(items.iter().map(|item| item[key].as_str().unwrap().to_owned()));
        between().await;
        match page["next"].as_str() {
            Some(after) => next = Some(after.to_owned()),
            None => return seen,
        }
    }
}

/// No row listed twice, and every row of `expected` listed.
pub fn assert_each_once(seen: &[String], expected: &[String]) {
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a row listed twice: {seen:?}");
    let missing: Vec<&String> = expected.iter().filter(|id| !unique.contains(id)).collect();
    assert!(missing.is_empty(), "never listed: {missing:?}");
}

/// The stroke form's answers, every item filled, as an emergency physician sends them.
pub fn stroke_answers() -> Value {
    let mut answers = serde_json::Map::new();
    answers.insert("onset".into(), serde_json::json!({"type": "text", "value": "23/11 08:40"}));
    answers.insert("onset_known".into(), serde_json::json!({"type": "boolean", "value": true}));
    for item in ["1a", "1b", "1c", "2", "3", "4", "5a", "5b", "6a", "6b", "7", "8", "9", "10", "11"] {
        answers.insert(format!("nihss_{item}"), serde_json::json!({"type": "integer", "value": 1}));
    }
    answers.insert("anticoagulant".into(), serde_json::json!({"type": "choice", "value": "none"}));
    answers.insert("systolic".into(), serde_json::json!({"type": "integer", "value": 165}));
    answers.insert("question".into(), serde_json::json!({"type": "text", "value": "Thrombolyse ?"}));
    Value::Object(answers)
}

/// The demo expert site.
pub const EXPERT_SITE: &str = "CHRU de Nancy – Télé-expertise";

/// A stroke request from the demo practice to the demo hospital.
pub async fn stroke_request(app: &TestApp, gp: &str, urgency: &str) -> String {
    let scan = app
        .send(
            axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/expertise/files?name=scanner.png")
                .header("cookie", gp)
                .header("content-type", "application/octet-stream")
                .body(axum::body::Body::from(png(32, 32)))
                .unwrap(),
        )
        .await;
    assert_eq!(scan.status(), StatusCode::CREATED);
    let scan = json(scan).await;
    stroke_request_with(app, gp, urgency, &[scan["id"].as_str().unwrap()]).await
}

/// A stroke request from the demo practice to the demo hospital, with files
/// already uploaded.
pub async fn stroke_request_with(app: &TestApp, gp: &str, urgency: &str, file_ids: &[&str]) -> String {
    let sites = json(app.get("/api/v1/expertise/sites", Some(gp)).await).await;
    let site = sites.as_array().unwrap().iter().find(|s| s["name"] == EXPERT_SITE).unwrap()["id"].clone();
    let body = serde_json::json!({"expert_site_id": site, "specialty": "stroke", "urgency": urgency,
        "patient": {"last_name": "Henry", "first_name": "Paul", "birth_date": "1950-01-01"},
        "answers": stroke_answers(), "file_ids": file_ids});
    let sent = app.post_json("/api/v1/expertise", Some(gp), body).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    json(sent).await["id"].as_str().unwrap().to_owned()
}
