//! The built web app: static files, the client-route fallback, the service worker
//! (stamped with the build it caches), and the Content-Security-Policy that fits it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use regard_shared::lang::Lang;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

use crate::error::AppError;

/// The caller's entry, built by trunk from `app/caller.html` into its own folder
/// of the app (see `app/src/lib.rs` for why it is separate).
const CALLER_ENTRY: &str = "caller/index.html";

/// What the server knows of the built app, read once at start.
pub struct WebApp {
    dir: PathBuf,
    /// `index.html`, served for every client route; `None` when the app is not built.
    index_html: Option<String>,
    /// `caller/index.html`, the caller's own small entry, served for `/v/{token}`.
    caller_html: Option<String>,
    /// An id of the caller's build (a hash of its HTML, which names its hashed
    /// files), appended to the texts' address so no cache serves old texts.
    caller_build: String,
    /// The caller page's "source code" link, in each language: its footer is
    /// written into the page here, which costs a phone no code.
    source_labels: std::collections::BTreeMap<Lang, String>,
    /// The service worker with its build id and asset list filled in.
    service_worker: Option<String>,
    /// The Content-Security-Policy, allowing exactly the inline scripts of both entries.
    pub csp: HeaderValue,
    /// Where the pages' "source code" link (`/source`) leads; `None`: to the
    /// archive of the source the app was built from (`SOURCE_ARCHIVE`).
    pub source_url: Option<String>,
}

/// The source the app was built from, packed by the build (scripts/lib.sh).
const SOURCE_ARCHIVE: &str = "source.tar.gz";

impl WebApp {
    pub fn load(dir: &Path) -> anyhow::Result<WebApp> {
        let index_html = std::fs::read_to_string(dir.join("index.html")).ok();
        if index_html.is_none() {
            tracing::warn!(dir = %dir.display(), "no built app found (index.html missing): serving the API only");
        }
        let caller_html = std::fs::read_to_string(dir.join(CALLER_ENTRY)).ok();
        if index_html.is_some() && caller_html.is_none() {
            tracing::warn!(dir = %dir.display(), "the caller's page is not built ({CALLER_ENTRY} missing): texted links will not open");
        }
        let inline_hashes: Vec<String> =
            [&index_html, &caller_html].into_iter().flatten().flat_map(|html| inline_script_hashes(html)).collect();
        let service_worker = match (&index_html, std::fs::read_to_string(dir.join("sw.js"))) {
            (Some(index), Ok(template)) => Some(stamp_service_worker(&template, index, &shell_files(dir)?)),
            _ => None,
        };
        let caller_build = build_id(caller_html.as_deref().unwrap_or_default());
        Ok(WebApp {
            dir: dir.to_owned(),
            csp: HeaderValue::from_str(&content_security_policy(&inline_hashes))?,
            index_html,
            caller_html,
            caller_build,
            service_worker,
            source_url: None,
            source_labels: source_labels(dir),
        })
    }

    /// Sends the "source code" link to `url` (a public repository) rather than
    /// to the built source archive; warns when neither is there.
    pub fn with_source_url(mut self, url: Option<String>) -> WebApp {
        if url.is_none() && self.index_html.is_some() && !self.dir.join(SOURCE_ARCHIVE).exists() {
            tracing::warn!("no source archive in the app and no --source-url: the pages' source link leads nowhere");
        }
        self.source_url = url;
        self
    }

    /// The page a texted link opens, in `lang`: the page's language, direction
    /// and build are in its `<html>` tag, and the link's state and the
    /// language's texts are preloaded while the app downloads.
    pub fn caller_page(&self, token: &str, lang: Lang) -> Response {
        let footer = format!(
            r#"<footer class="site-footer"><a href="/source">{}</a></footer>"#,
            escape_html(self.source_labels.get(&lang).map_or("Code source", String::as_str))
        );
        let html = self.caller_html.as_deref().map(|html| caller_html(html, token, lang, &self.caller_build));
        html_page(html.map(|html| html.replacen("</body>", &format!("{footer}</body>"), 1)))
    }
}

/// Each language's "source code" label, from the caller's texts (the whole
/// app's footer reads the same key, `common.source_code`).
fn source_labels(dir: &Path) -> std::collections::BTreeMap<Lang, String> {
    let label = |lang: Lang| {
        let json = std::fs::read(dir.join(format!("caller/texts/{}.json", lang.code()))).ok()?;
        let texts: serde_json::Value = serde_json::from_slice(&json).ok()?;
        texts["common"]["source_code"].as_str().map(str::to_owned)
    };
    Lang::ALL.into_iter().filter_map(|lang| Some((lang, label(lang)?))).collect()
}

/// `text` made safe inside HTML, in an element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Content-Security-Policy: scripts from our origin, plus the inline bootstrap
/// that trunk writes into index.html, allowed by hash rather than `unsafe-inline`.
fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let hashes: String = inline_script_hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of the body of each inline `<script>` (one without `src`).
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_rest = &after[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_rest.as_bytes()[..close]);
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body_and_rest[close..];
    }
    hashes
}

/// The files of the app shell the service worker pre-caches: everything the build
/// produced at the top level and under `icons/`, except the worker itself and the
/// pre-compressed copies (the browser gets those transparently for the originals).
fn shell_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut files = vec!["/".to_owned()];
    for sub in ["", "icons"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let compressed_copy = name.ends_with(".br") || name.ends_with(".gz");
            if entry.file_type()?.is_file() && name != "sw.js" && name != "index.html" && !compressed_copy {
                files.push(if sub.is_empty() { format!("/{name}") } else { format!("/{sub}/{name}") });
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A short hash of an entry's HTML, which names every hashed asset.
fn build_id(html: &str) -> String {
    Sha256::digest(html.as_bytes())[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills the worker template. Its build id is a hash of index.html, so each
/// new build installs a new worker and drops old caches.
fn stamp_service_worker(template: &str, index_html: &str, files: &[String]) -> String {
    let build = build_id(index_html);
    let list = serde_json::to_string(files).expect("a list of strings serialises");
    template.replace("__REGARD_BUILD__", &build).replace("__REGARD_SHELL__", &list)
}

pub fn routes<S>(web: Arc<WebApp>) -> Router<S> {
    // The build writes `.br` and `.gz` beside each asset (scripts/precompress.mjs):
    // sent as they are, so the compression layer leaves them alone. The answer
    // depends on Accept-Encoding, which shared caches must be told.
    let files = ServeDir::new(&web.dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(get(client_route).with_state(web.clone()));
    let files = SetResponseHeader::if_not_present(files, header::VARY, HeaderValue::from_static("accept-encoding"));
    Router::new()
        .route("/sw.js", get(service_worker))
        .route("/", get(index))
        .route("/source", get(source))
        .fallback_service(files)
        .with_state(web)
}

fn no_cache(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn html_page(html: Option<String>) -> Response {
    match html {
        Some(html) => no_cache(axum::response::Html(html).into_response()),
        None => AppError::NotFound.into_response(),
    }
}

/// The "source code" link of every page: AGPL-3.0 section 13 has a service
/// that runs a modified Regard offer its users that source.
async fn source(State(web): State<Arc<WebApp>>) -> Response {
    if let Some(url) = &web.source_url {
        return axum::response::Redirect::to(url).into_response();
    }
    match tokio::fs::read(web.dir.join(SOURCE_ARCHIVE)).await {
        Ok(archive) => {
            let disposition = "attachment; filename=\"regard-source.tar.gz\"";
            ([(header::CONTENT_TYPE, "application/gzip"), (header::CONTENT_DISPOSITION, disposition)], archive)
                .into_response()
        }
        Err(_) => AppError::NotFound.into_response(),
    }
}

async fn index(State(web): State<Arc<WebApp>>) -> Response {
    html_page(web.index_html.clone())
}

/// The caller's page for one link. The token is read by the page itself; the
/// page's first API call (what the link is) and its texts are named in the
/// HTML so the browser fetches them while the app downloads: no round trip
/// after the app starts on a slow network. Link tokens are URL-safe base64;
/// anything else is not one of ours and goes into no HTML.
fn caller_html(html: &str, token: &str, lang: Lang, build: &str) -> String {
    let plausible = !token.is_empty()
        && token.len() <= 64
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let texts = format!("/caller/texts/{}.json?v={build}", lang.code());
    let mut preloads = format!(r#"<link rel="preload" as="fetch" crossorigin="anonymous" href="{texts}">"#);
    if plausible {
        preloads += &format!(
            r#"<link rel="preload" as="fetch" crossorigin="anonymous" href="/api/v1/patient/assist/{token}">"#
        );
    }
    let html = match html.find("</head>") {
        Some(at) => format!("{}{preloads}{}", &html[..at], &html[at..]),
        None => html.to_owned(),
    };
    // The whole `<html …>` tag is written anew: the build may have minified it.
    let root = format!(r#"<html lang="{}" dir="{}" data-build="{build}">"#, lang.code(), lang.dir());
    match html.find("<html").and_then(|start| Some((start, start + html[start..].find('>')?))) {
        Some((start, end)) => format!("{}{root}{}", &html[..start], &html[end + 1..]),
        None => html,
    }
}

/// Paths that are not files are client routes of the app: answer with index.html
/// and 200. Paths that look like files (a dot in the last segment) stay 404, so a
/// missing script is not silently replaced by HTML.
async fn client_route(State(web): State<Arc<WebApp>>, uri: Uri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return StatusCode::NOT_FOUND.into_response();
    }
    index(State(web)).await
}

async fn service_worker(State(web): State<Arc<WebApp>>) -> Response {
    match &web.service_worker {
        Some(js) => no_cache(([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], js.clone()).into_response()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_only() {
        let html = r#"<head><script src="/a.js"></script></head><body>
<script type="module">import init from '/x.js';</script></body>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"import init from '/x.js';"));
        assert_eq!(hashes[0], expected);
        let csp = content_security_policy(&hashes);
        assert!(csp.contains(&format!("'sha256-{expected}'")));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn only_plausible_tokens_are_preloaded() {
        let html = "<!doctype html><html lang=fr><head><title>x</title></head><body></body></html>";
        let with = caller_html(html, "aZ09-_b", Lang::Fr, "b1");
        assert!(with.contains(r#"href="/api/v1/patient/assist/aZ09-_b"></head>"#), "{with}");
        for odd in ["", "a\"><script>", "a b", &"a".repeat(65)] {
            assert!(!caller_html(html, odd, Lang::Fr, "b1").contains("/api/"), "{odd}");
        }
    }

    #[test]
    fn the_caller_page_is_written_in_its_language_and_direction() {
        let html = "<!doctype html><html lang=fr><head></head><body></body></html>";
        let arabic = caller_html(html, "t", Lang::Ar, "b1");
        assert!(arabic.starts_with(r#"<!doctype html><html lang="ar" dir="rtl" data-build="b1"><head>"#), "{arabic}");
        assert!(arabic.contains(r#"href="/caller/texts/ar.json?v=b1""#), "{arabic}");
        let ukrainian = caller_html(html, "t", Lang::Uk, "b1");
        assert!(ukrainian.contains(r#"<html lang="uk" dir="ltr""#) && ukrainian.contains("/caller/texts/uk.json"));
    }

    #[test]
    fn service_worker_build_id_follows_index() {
        let files = vec!["/".to_owned(), "/app.js".to_owned()];
        let a = stamp_service_worker("v='__REGARD_BUILD__';s=__REGARD_SHELL__", "<html>1", &files);
        let b = stamp_service_worker("v='__REGARD_BUILD__';s=__REGARD_SHELL__", "<html>2", &files);
        assert_ne!(a, b);
        assert!(a.ends_with(r#"s=["/","/app.js"]"#));
    }
}
