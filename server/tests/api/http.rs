//! What every response carries, and how the server answers what it cannot read.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::Engine;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn health_reports_the_database() {
    let app = TestApp::new().await;
    let response = app.get("/healthz", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json(response).await;
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");

    app.state.db.close().await;
    let response = app.get("/healthz", None).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(response).await["database"], "unavailable");
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app_with_200() {
    let app = TestApp::new().await;
    for path in ["/", "/login", "/console", "/p", "/console/some/deep/route"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
        assert!(text(response).await.contains("<title>Regard</title>"), "{path}");
    }
    let asset = app.get("/regard-app.js", None).await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(text(asset).await.contains("export default"));
    // A missing file is a 404, not the app's HTML in disguise.
    assert_eq!(app.get("/missing.js", None).await.status(), StatusCode::NOT_FOUND);
    let api = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(api).await["code"], "not_found");
}

#[tokio::test]
async fn texted_links_open_the_callers_own_entry() {
    let app = TestApp::new().await;
    let response = app.get("/v/some-token", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache");
    let html = text(response).await;
    assert!(html.contains("<title>Regard caller</title>"), "{html}");
    // What the link is, fetched by the browser while the app downloads.
    assert!(html.contains(
        r#"<link rel="preload" as="fetch" crossorigin="anonymous" href="/api/v1/patient/assist/some-token">"#
    ));
    // The console's entry is not sent to a caller, nor the caller's to the console.
    assert!(!html.contains("/regard-app.js"));
    assert!(!text(app.get("/console", None).await).await.contains("regard-caller"));
    // The caller's entry is not part of the console's offline shell.
    let worker = text(app.get("/sw.js", None).await).await;
    assert!(!worker.contains("/caller/"), "{worker}");
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = TestApp::new().await;
    let hash = |script: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
    for path in ["/", "/v/some-token", "/healthz", "/api/v1/auth/me", "/regard-app.js", "/missing.js"] {
        let response = app.get(path, None).await;
        let headers = response.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{path}: {csp}");
        for script in [INLINE_SCRIPT, CALLER_INLINE_SCRIPT] {
            assert!(csp.contains(&format!("'sha256-{}'", hash(script))), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let permissions = headers["permissions-policy"].to_str().unwrap();
        for feature in ["camera=(self)", "microphone=(self)", "geolocation=(self)"] {
            assert!(permissions.contains(feature), "{path}: {permissions}");
        }
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = TestApp::new().await;
    let request =
        Request::get("/api/openapi.json").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test]
async fn built_assets_are_sent_precompressed_and_left_out_of_the_offline_shell() {
    let app = TestApp::new().await;
    let request =
        Request::get("/regard-app.js").header(header::ACCEPT_ENCODING, "gzip, br").body(Body::empty()).unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/javascript");
    assert_eq!(response.headers()[header::VARY], "accept-encoding");
    assert_eq!(bytes(response).await, PRECOMPRESSED_BR);
    // A browser without brotli gets the original (compressed on the fly if it asks for gzip).
    let plain = app.get("/regard-app.js", None).await;
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(text(plain).await.contains("export default"));
    // The service worker caches the original, never the compressed copy as a file of its own.
    let worker = text(app.get("/sw.js", None).await).await;
    assert!(worker.contains("\"/regard-app.js\""), "{worker}");
    assert!(!worker.contains(".br\""), "{worker}");
}

#[tokio::test]
async fn openapi_document_lists_the_api() {
    let app = TestApp::new().await;
    let response = app.get("/api/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc = json(response).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/healthz",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/organisations/{id}",
        "/api/v1/organisations/{id}/members",
    ] {
        assert!(paths.contains_key(path), "missing {path} in {:?}", paths.keys());
    }
    assert!(paths["/api/v1/organisations/{id}/members"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
}

#[tokio::test]
async fn unreadable_bodies_get_json_errors() {
    let app = TestApp::new().await;
    let login = |content_type: &'static str, body: String| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    for (request, status) in [
        (login("application/json", "{not json".into()), StatusCode::BAD_REQUEST),
        (login("application/json", r#"{"email": 42}"#.into()), StatusCode::UNPROCESSABLE_ENTITY),
        (login("text/plain", "{}".into()), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (login("application/json", format!(r#"{{"email":"{}"}}"#, "x".repeat(100_000))), StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let response = app.send(request).await;
        let got = response.status();
        assert!(got.is_client_error(), "{got}");
        let body = json(response).await;
        assert!(body["code"].is_string() && body["message"].is_string(), "{body}");
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            assert_eq!(got, status);
            assert_eq!(body["code"], "payload_too_large");
        } else {
            assert_eq!(body["code"], "bad_request", "{body}");
        }
    }
}

/// Every answer names its request (`x-request-id`): the proxy's id when it is
/// a sane one, else a new one; an error answer says it in its body too, for a
/// support desk to find the request in the logs.
#[tokio::test]
async fn every_answer_names_its_request_and_an_error_says_it_in_its_body() {
    let app = TestApp::new().await;
    let first = app.get("/healthz", None).await;
    let id = first.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(uuid::Uuid::parse_str(&id).map(|u| u.get_version_num()), Ok(4), "{id}");
    assert_ne!(app.get("/healthz", None).await.headers()["x-request-id"], id.as_str());

    let given = |id: &str| {
        Request::builder().uri("/api/v1/no-such-thing").header("x-request-id", id).body(Body::empty()).unwrap()
    };
    let kept = app.send(given("haproxy-7f3a")).await;
    assert_eq!(kept.status(), StatusCode::NOT_FOUND);
    assert_eq!(kept.headers()["x-request-id"], "haproxy-7f3a");
    let body = json(kept).await;
    assert_eq!((body["code"].as_str(), body["request_id"].as_str()), (Some("not_found"), Some("haproxy-7f3a")));
    // Too long, or with spaces: replaced, not logged as given.
    for odd in ["x".repeat(200), "two words".to_owned()] {
        let replaced = app.send(given(&odd)).await;
        let new = replaced.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&new).is_ok(), "{new}");
        assert_eq!(json(replaced).await["request_id"], new.as_str());
    }
}

#[tokio::test]
async fn the_source_link_offers_the_built_source_or_leads_to_the_configured_address() {
    use regard_server::web::{routes, WebApp};
    use tower::ServiceExt;
    let app = TestApp::new().await;
    let dist = app.data_dir().join("dist");
    assert_eq!(app.get("/source", None).await.status(), StatusCode::NOT_FOUND, "no archive built");
    std::fs::write(dist.join("source.tar.gz"), b"\x1f\x8b an archive").unwrap();
    let archive = app.get("/source", None).await;
    assert_eq!(archive.status(), StatusCode::OK);
    assert_eq!(archive.headers()[header::CONTENT_TYPE], "application/gzip");
    assert!(archive.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().contains("regard-source.tar.gz"));
    assert_eq!(bytes(archive).await, b"\x1f\x8b an archive");

    // The caller's page has the link in its HTML, in the page's language (from the caller's texts).
    std::fs::create_dir_all(dist.join("caller/texts")).unwrap();
    std::fs::write(dist.join("caller/texts/ar.json"), r#"{"common": {"source_code": "الشيفرة المصدرية"}}"#).unwrap();
    let page = WebApp::load(&dist).unwrap().caller_page("a-token", regard_shared::lang::Lang::Ar);
    let page = text(page).await;
    assert!(
        page.contains(r#"<footer class="site-footer"><a href="/source">الشيفرة المصدرية</a></footer></body>"#),
        "{page}"
    );

    let elsewhere = WebApp::load(&dist).unwrap().with_source_url(Some("https://git.example.org/chu/regard".into()));
    let request = Request::get("/source").body(Body::empty()).unwrap();
    let answer = routes::<()>(std::sync::Arc::new(elsewhere)).oneshot(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()[header::LOCATION], "https://git.example.org/chu/regard");
}
