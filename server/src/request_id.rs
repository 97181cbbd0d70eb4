//! Every request carries an id (`x-request-id`), so that a support desk can
//! follow one call through the logs: the one a proxy in front already gave,
//! if it is a sane one, else a new UUID. It is in the request's log span
//! (every line logged while serving it), on its answer's header, and in the
//! body of an error answer (`request_id`), which is what a user can read out.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// Longer ids (or other characters) are not kept: they are logged as they are.
const MAX_LEN: usize = 64;

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being served, where one is (error answers read it).
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

fn sane(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Outermost layer: names the request, then serves it with its id known.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let given = request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).filter(|id| sane(id));
    let id = given.map_or_else(crate::db::new_id, str::to_owned);
    let value = HeaderValue::from_str(&id).expect("a sane id is a header value");
    request.headers_mut().insert(HEADER, value.clone());
    let mut response = CURRENT.scope(id, next.run(request)).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The id a request was given, for its log span.
pub fn of<B>(request: &axum::http::Request<B>) -> &str {
    request.headers().get(&HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(sane("3f2a9c1e-5b7d-4e2a-9f0b-1c2d3e4f5a6b"));
        assert!(sane("haproxy:1a2b.3"));
        assert!(!sane(""));
        assert!(!sane(&"a".repeat(65)));
        assert!(!sane("id with spaces"));
        assert!(!sane("é"));
    }
}
