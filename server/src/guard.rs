//! What every request passes through before and after its handler: the
//! security headers of every response, `no-store` on API answers (they carry
//! health data, and a shared or kiosk device must not keep them), HSTS when
//! served over HTTPS, and the refusal of cross-site requests.
//!
//! The session cookie is `SameSite=Strict`, but that alone leaves a sibling
//! subdomain, an old browser, or a form posted as `text/plain`. So a request
//! that changes something, and every WebSocket, must come from a page of
//! Regard's own origin when the browser says where it comes from, and may not
//! use the content types an HTML form can send without asking.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::AppState;

/// Two years, the preload lists' minimum; no `includeSubDomains`: Regard does
/// not know what else the hospital serves under its domain.
const HSTS: &str = "max-age=63072000";

/// Adds the security headers to every response, API and app alike.
pub async fn headers(State(state): State<AppState>, request: Request<Body>, next: axum::middleware::Next) -> Response {
    // Every answer the OpenAPI document lists: the API, and the health check
    // (a stale "healthy" from a cache would hide an outage).
    let api = request.uri().path().starts_with("/api/") || request.uri().path() == "/healthz";
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, state.web.csp.clone());
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()"),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    let no_store =
        headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-store"));
    if api && !no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.secure_cookies {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// Refuses cross-site requests that change something, and cross-site WebSockets.
pub async fn same_origin(
    State(state): State<AppState>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let guarded = (changes && path.starts_with("/api/")) || path.starts_with("/ws/");
    if guarded {
        // HTTP/2 names the host in the request line, not in a Host header.
        let host = request.uri().authority().map(|a| a.as_str().to_owned());
        if !from_own_pages(request.headers(), host.as_deref(), &state.settings.public_url) {
            tracing::warn!(%path, origin = ?request.headers().get(header::ORIGIN), "cross-site request refused");
            return AppError::CrossSite.into_response();
        }
        if changes && form_content_type(request.headers()) {
            return AppError::UnsupportedMediaType.into_response();
        }
    }
    next.run(request).await
}

/// Whether the browser says the request comes from a page of this site: its
/// `Origin` is the public URL's, or the host it was sent to. Without `Origin`,
/// `Sec-Fetch-Site` decides; a client that sends neither is no browser, and a
/// cross-site request needs a browser carrying the victim's cookie.
fn from_own_pages(headers: &HeaderMap, authority: Option<&str>, public_url: &str) -> bool {
    match headers.get(header::ORIGIN).map(|v| v.to_str().unwrap_or("")) {
        Some(origin) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).or(authority).unwrap_or("");
            let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
            origin == origin_of(public_url) || (!host.is_empty() && origin_host == host)
        }
        None => {
            !matches!(headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()), Some("cross-site" | "same-site"))
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

/// The content types an HTML form (or a no-preflight `fetch`) can send
/// cross-site. Regard's own pages send JSON, or files by their own type.
fn form_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(essence.as_str(), "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn own_pages_are_told_from_other_sites() {
        let public = "https://regard.example.org/";
        let own = |pairs: &[(&str, &str)]| from_own_pages(&headers(pairs), None, public);
        assert!(own(&[("origin", "https://regard.example.org")]));
        assert!(own(&[("origin", "http://10.0.0.5:8080"), ("host", "10.0.0.5:8080")]));
        assert!(!own(&[("origin", "https://evil.example"), ("host", "regard.example.org")]));
        assert!(!own(&[("origin", "null")]));
        assert!(!own(&[("sec-fetch-site", "cross-site")]));
        assert!(own(&[("sec-fetch-site", "same-origin")]));
        assert!(own(&[]), "curl, a gateway's webhook");
        // HTTP/2: the host is the request's authority.
        let h2 = headers(&[("origin", "https://10.0.0.5:8443")]);
        assert!(from_own_pages(&h2, Some("10.0.0.5:8443"), public));
        assert!(!from_own_pages(&h2, Some("regard.example.org"), public));
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn form_types_are_spotted() {
        assert!(form_content_type(&headers(&[("content-type", "text/plain;charset=UTF-8")])));
        assert!(form_content_type(&headers(&[("content-type", "multipart/form-data; boundary=x")])));
        assert!(!form_content_type(&headers(&[("content-type", "application/json")])));
        assert!(!form_content_type(&headers(&[("content-type", "image/png")])));
        assert!(!form_content_type(&headers(&[])));
    }
}
