//! The OpenAPI document (`/api/openapi.json`) lists every route of the router,
//! and people can read it (`/api/docs`).
//!
//! Routes registered through utoipa-axum's `routes!` are in the document by
//! construction; the first test checks that each documented operation is a
//! route the router answers, the second that no route is registered around
//! the document, by reading the server's source for the other way in
//! (`.route(`), which only the exceptions below may use.

use std::path::Path;

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

/// Routes outside the document, and why.
const UNDOCUMENTED: [(&str, &str); 9] = [
    ("/api/openapi.json", "the document itself"),
    ("/api/docs", "the document as a page"),
    ("/api/docs.css", "the page's stylesheet"),
    ("/api/{*rest}", "every unknown API path: a JSON 404"),
    ("/", "the web app (web.rs)"),
    ("/sw.js", "the web app's service worker (web.rs)"),
    ("/source", "the source code of the running Regard (web.rs)"),
    ("/metrics", "on the metrics address only (metrics.rs)"),
    ("/api/testing/", "test servers only (--testing, testing.rs)"),
];

#[tokio::test]
async fn every_documented_operation_is_a_route_of_the_router() {
    let app = TestApp::new().await;
    let document = json(app.get("/api/openapi.json", None).await).await;
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let concrete: String = path
                .split('/')
                .map(|segment| if segment.starts_with('{') { "made-up" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            let request = Request::builder()
                .method(method.clone())
                .uri(&concrete)
                .header(header::ORIGIN, PUBLIC_URL)
                .body(Body::empty())
                .unwrap();
            let response = app.send(request).await;
            assert_ne!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_eq!(regard_server::metrics::route_of(&response), Some(path.as_str()), "{method} {path}");
            operations += 1;
        }
    }
    assert!(operations > 100, "{operations} operations");
}

#[test]
fn no_route_is_registered_around_the_document() {
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut routes = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        for (at, _) in source.match_indices(".route(\"") {
            let literal = &source[at + ".route(\"".len()..];
            routes.push((path.display().to_string(), literal[..literal.find('"').unwrap()].to_owned()));
        }
    }
    assert!(routes.len() >= 8, "{routes:?}");
    for (file, route) in routes {
        assert!(
            UNDOCUMENTED
                .iter()
                .any(|(allowed, _)| route == *allowed || (allowed.ends_with('/') && route.starts_with(allowed))),
            "{file} registers {route} outside the OpenAPI document: use routes!() with #[utoipa::path]"
        );
    }
}

#[tokio::test]
async fn the_document_is_a_page_people_can_read() {
    let app = TestApp::new().await;
    let response = app.get("/api/docs", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    // Under the same strict policy as the app: the page needs no script.
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let page = text(response).await;
    assert!(!page.contains("<script"));
    for expected in [
        "<h1>Regard API",
        "<code>/api/v1/assists/{id}</code>",
        "<h2 id=\"patient\">patient</h2>",
        "<code>/ws/consultation/{id}</code>",
        "href=\"#schema-ApiError\"",
    ] {
        assert!(page.contains(expected), "{expected} missing");
    }
    let css = app.get("/api/docs.css", None).await;
    assert!(css.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/css"));
}
