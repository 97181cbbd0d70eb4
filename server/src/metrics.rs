//! Prometheus metrics (`prometheus-client`, the Prometheus project's own Rust
//! client), served on their own address (`--metrics-listen`) so that the
//! public one never shows them. One registry per process, like a log: every
//! module counts what it does without carrying a handle.
//!
//! What an IT team watches: requests and their latency per route, open
//! signalling and console sockets and rooms, calls that reached video, text
//! messages and e-mails that failed, how long ago the follow-up scheduler last
//! finished a round (its lag), and the database pool's use.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::db::now_ms;
use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    /// The route's template (`/api/v1/assists/{id}`), never a path: ids and
    /// patients' tokens stay out of the metrics, and their number stays small.
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AnswerLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

struct Metrics {
    registry: Registry,
    requests: Family<AnswerLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    sockets: Family<KindLabel, Gauge>,
    rooms: Gauge,
    video: Family<KindLabel, Counter>,
    sms: Family<OutcomeLabel, Counter>,
    emails: Family<OutcomeLabel, Counter>,
    rounds: Family<OutcomeLabel, Counter>,
    since_round: Gauge<f64, AtomicU64>,
    pool: Family<StateLabel, Gauge>,
    /// When the scheduler last finished a round (ms), 0 before the first.
    last_round_ms: AtomicI64,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let metrics = Metrics {
        registry: Registry::with_prefix("regard"),
        requests: Family::default(),
        latency: Family::new_with_constructor(latency_histogram),
        sockets: Family::default(),
        rooms: Gauge::default(),
        video: Family::default(),
        sms: Family::default(),
        emails: Family::default(),
        rounds: Family::default(),
        since_round: Gauge::default(),
        pool: Family::default(),
        last_round_ms: AtomicI64::new(0),
    };
    let Metrics { mut registry, .. } = metrics;
    registry.register("http_requests", "HTTP requests answered, by route and status", metrics.requests.clone());
    registry.register("http_request_duration_seconds", "Time to answer, by route", metrics.latency.clone());
    registry.register(
        "open_sockets",
        "WebSockets open: signalling (calls) and console (news)",
        metrics.sockets.clone(),
    );
    registry.register("signalling_rooms", "Calls with at least one side connected", metrics.rooms.clone());
    registry.register("calls_reaching_video", "Calls whose media connected, by kind", metrics.video.clone());
    registry.register("sms", "Text messages handed to the gateway, by outcome", metrics.sms.clone());
    registry.register("emails", "E-mails handed to the SMTP server, by outcome", metrics.emails.clone());
    registry.register("scheduler_rounds", "Follow-up scheduler rounds, by outcome", metrics.rounds.clone());
    registry.register(
        "scheduler_seconds_since_last_round",
        "Seconds since the follow-up scheduler last finished a round (its lag beyond --scheduler-seconds)",
        metrics.since_round.clone(),
    );
    registry.register("database_connections", "Database pool connections, in use or idle", metrics.pool.clone());
    // Every series exists from the start, at 0: an alert on a rate of
    // failures must not wait for the first failure to see the series.
    for kind in ["signalling", "console"] {
        metrics.sockets.get_or_create(&KindLabel { kind }).set(0);
    }
    for kind in ["assist", "consultation", "expertise"] {
        metrics.video.get_or_create(&KindLabel { kind }).inc_by(0);
    }
    for ok in [true, false] {
        metrics.sms.get_or_create(&outcome(ok)).inc_by(0);
        metrics.emails.get_or_create(&outcome(ok)).inc_by(0);
    }
    for outcome in ["done", "failed"] {
        metrics.rounds.get_or_create(&OutcomeLabel { outcome }).inc_by(0);
    }
    Metrics { registry, ..metrics }
});

/// Counts every answer by the route it matched (`unmatched` for the web app's
/// files and unknown paths) and how long it took. Outermost but for the request id.
pub async fn measure(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method()).to_owned();
    let response = next.run(request).await;
    let route = route_of(&response).unwrap_or("unmatched").to_owned();
    let status = response.status().as_u16();
    METRICS
        .latency
        .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    METRICS.requests.get_or_create(&AnswerLabels { method, route, status }).inc();
    response
}

/// A client chooses its method: any other than the usual ones is `other`, so
/// that made-up methods cannot grow the series without bound.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route a request matched, passed out on its response: routing happens
/// inside `measure`, so only a layer on the routes themselves sees it.
#[derive(Clone)]
struct MatchedRoute(String);

/// The route template that answered `response`, if one did.
pub fn route_of<B>(response: &axum::http::Response<B>) -> Option<&str> {
    response.extensions().get::<MatchedRoute>().map(|r| r.0.as_str())
}

/// For `Router::route_layer`: tells `measure` which route answered.
pub async fn tag_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| MatchedRoute(p.as_str().to_owned()));
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Held while a WebSocket is open (`kind`: `signalling` or `console`).
pub struct OpenSocket(&'static str);

impl OpenSocket {
    pub fn new(kind: &'static str) -> OpenSocket {
        METRICS.sockets.get_or_create(&KindLabel { kind }).inc();
        OpenSocket(kind)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        METRICS.sockets.get_or_create(&KindLabel { kind: self.0 }).dec();
    }
}

/// A call's media connected (`kind`: assist, consultation, expertise).
pub fn call_reached_video(kind: &'static str) {
    METRICS.video.get_or_create(&KindLabel { kind }).inc();
}

fn outcome(ok: bool) -> OutcomeLabel {
    OutcomeLabel { outcome: if ok { "sent" } else { "failed" } }
}

pub fn sms_handed_over(ok: bool) {
    METRICS.sms.get_or_create(&outcome(ok)).inc();
}

pub fn email_handed_over(ok: bool) {
    METRICS.emails.get_or_create(&outcome(ok)).inc();
}

pub fn scheduler_round(ok: bool) {
    let label = OutcomeLabel { outcome: if ok { "done" } else { "failed" } };
    METRICS.rounds.get_or_create(&label).inc();
    METRICS.last_round_ms.store(now_ms(), Ordering::Relaxed);
}

/// The metrics in the Prometheus text format (OpenMetrics), the gauges read
/// from the server's state at this instant.
async fn export(State(state): State<AppState>) -> Response {
    METRICS.rooms.set(state.rooms.len() as i64);
    let (size, idle) = (i64::from(state.db.size()), state.db.num_idle() as i64);
    METRICS.pool.get_or_create(&StateLabel { state: "in_use" }).set(size - idle);
    METRICS.pool.get_or_create(&StateLabel { state: "idle" }).set(idle);
    let last = METRICS.last_round_ms.load(Ordering::Relaxed);
    if last > 0 {
        METRICS.since_round.set((now_ms() - last) as f64 / 1000.0);
    }
    let mut body = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut body, &METRICS.registry) {
        tracing::error!(?error, "encoding the metrics");
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response()
}

/// The metrics address's router: `/metrics` only.
pub fn routes(state: AppState) -> Router {
    Router::new().route("/metrics", get(export)).with_state(state)
}
