//! What every request passes: cross-site requests refused, form content types
//! refused, API answers never cached, HSTS over HTTPS.

use crate::common::monitoring::joined;
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};

fn post(path: &str, cookie: &str, content_type: &str, origin: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn a_page_of_another_site_cannot_change_anything_with_the_cookie() {
    let app = TestApp::new().await;
    let (gp, id, _) = joined(&app, "covid-19").await;
    let stop = format!("/api/v1/followups/{id}/stop");
    let foreign = app.send(post(&stop, &gp, "application/json", Some("https://evil.example"), "{}")).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(foreign).await["code"], "forbidden");
    let mut sibling = post(&stop, &gp, "application/json", None, "{}");
    sibling.headers_mut().insert("sec-fetch-site", "same-site".parse().unwrap());
    assert_eq!(app.send(sibling).await.status(), StatusCode::FORBIDDEN, "a sibling subdomain is another site");
    let detail = json(app.get(&format!("/api/v1/followups/{id}"), Some(&gp)).await).await;
    assert!(detail["summary"]["ended_at"].is_null(), "still under way: {detail}");

    let own = app.send(post(&stop, &gp, "application/json", Some(PUBLIC_URL), "{}")).await;
    assert_eq!(own.status(), StatusCode::OK, "the app's own page stops it");
}

#[tokio::test]
async fn form_content_types_are_refused() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let protocol = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/protocols/covid-19.json")).unwrap();
    let protocol = protocol.replace("\"covid-19\"", "\"asthme\"");
    for form_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let refused = app.send(post("/api/v1/protocols", &gp, form_type, None, &protocol)).await;
        assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{form_type}");
    }
    let imported = app.send(post("/api/v1/protocols", &gp, "application/json", None, &protocol)).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn no_api_answer_may_be_cached() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let (_, followup, _) = joined(&app, "covid-19").await;
    let document = json(app.get("/api/openapi.json", None).await).await;
    let mut walked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        // The caller's page (`/v/…`) is a page, revalidated; WebSockets upgrade.
        if operations.get("get").is_none() || !path.starts_with("/api/") {
            continue;
        }
        // Path parameters get a real follow-up id where one fits, a made-up one elsewhere.
        let mut concrete = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            let value = if segment.starts_with('{') { followup.as_str() } else { segment };
            concrete.push('/');
            concrete.push_str(value);
        }
        for cookie in [None, Some(gp.as_str())] {
            let response = app.get(&concrete, cookie).await;
            let cache = response.headers().get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap().to_owned());
            assert!(
                cache.as_deref().is_some_and(|c| c.contains("no-store")),
                "{concrete} ({}) answered with Cache-Control {cache:?}",
                response.status()
            );
            walked += 1;
        }
    }
    assert!(walked > 40, "{walked} answers checked");
}

#[tokio::test]
async fn https_deployments_send_hsts_and_plain_http_does_not() {
    let secure = TestApp::with(true, 3_600_000).await;
    let response = secure.get("/", None).await;
    let hsts = response.headers()[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap();
    assert!(hsts.starts_with("max-age=") && hsts["max-age=".len()..].parse::<u64>().unwrap() >= 31_536_000);
    let plain = TestApp::new().await;
    assert!(plain.get("/", None).await.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none());
}

#[tokio::test]
async fn periods_are_bounded_and_an_overflowing_one_is_refused_in_words() {
    let app = TestApp::new().await;
    let gp = app.login(GP).await;
    let huge = "from=-9223372036854775808&to=9223372036854775807";
    for path in [format!("/api/v1/consultations?{huge}"), format!("/api/v1/claims/export?{huge}")] {
        let refused = app.get(&path, Some(&gp)).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let body = json(refused).await;
        assert_eq!(body["code"], "validation");
        assert!(body["message"].as_str().unwrap().contains("2000"), "{body}");
    }
    let day = regard_server::db::now_ms();
    let fine = app.get(&format!("/api/v1/consultations?from={day}&to={}", day + 86_400_000), Some(&gp)).await;
    assert_eq!(fine.status(), StatusCode::OK);
}
