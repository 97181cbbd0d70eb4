//! Prometheus metrics: `/metrics` on the metrics address answers in the text
//! format, its counters move when requests are answered, and the public
//! address does not show it.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

async fn scrape(app: &TestApp) -> String {
    let request = Request::get("/metrics").body(Body::empty()).unwrap();
    let response = regard_server::metrics::routes(app.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    text(response).await
}

/// The value of the sample named exactly `series` (name and labels), 0 if absent.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

#[tokio::test]
async fn the_counters_move_when_requests_are_answered() {
    let app = TestApp::new().await;
    let healthz = r#"regard_http_requests_total{method="GET",route="/healthz",status="200"}"#;
    let timed = r#"regard_http_request_duration_seconds_count{method="GET",route="/healthz"}"#;
    let refused = r#"regard_http_requests_total{method="GET",route="/api/v1/assists/{id}",status="401"}"#;
    let before = scrape(&app).await;

    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/assists/an-id", None).await.status(), StatusCode::UNAUTHORIZED);
    let after = scrape(&app).await;
    assert_eq!(sample(&after, healthz), sample(&before, healthz) + 1.0, "{after}");
    assert_eq!(sample(&after, timed), sample(&before, timed) + 1.0);
    // By the route's template: the id of what was asked for is not a label.
    assert_eq!(sample(&after, refused), sample(&before, refused) + 1.0);
    assert!(!after.contains("an-id"));
    for gauge in [
        "regard_signalling_rooms 0",
        "regard_database_connections{state=\"idle\"}",
        "regard_sms_total{outcome=\"failed\"} 0",
    ] {
        assert!(after.contains(gauge), "{gauge} missing");
    }
    assert!(after.ends_with("# EOF\n"));
}

#[tokio::test]
async fn made_up_methods_and_paths_do_not_grow_the_series() {
    let app = TestApp::new().await;
    for i in 0..20 {
        let method = axum::http::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        let request = Request::builder().method(method).uri(format!("/no/such/page/{i}")).body(Body::empty()).unwrap();
        app.send(request).await;
    }
    let metrics = scrape(&app).await;
    assert!(!metrics.contains("MADEUP") && !metrics.contains("/no/such/page"));
    assert!(metrics.contains(r#"method="other",route="unmatched""#), "{metrics}");
}

#[tokio::test]
async fn the_public_address_does_not_serve_the_metrics() {
    let app = TestApp::new().await;
    let response = app.get("/metrics", None).await;
    assert!(!text(response).await.contains("regard_http_requests"));
}
