//! Accepting connections, bounded: a client that sends its headers too slowly,
//! announces a body and never sends it, or keeps a connection idle, is cut off;
//! beyond a number of open connections new ones are closed at once; and the
//! process raises its own soft file-descriptor limit at start. Without these,
//! 300 half-open connections exhausted a node's descriptors and `/healthz`
//! stopped answering. (axum's `serve` has no timeouts; this is the same loop
//! over hyper-util, with them.)

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// The bounds of every connection.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// To receive a request's headers, counted from the moment the server waits
    /// for them: it also closes a keep-alive connection left idle that long.
    pub header_read: Duration,
    /// Longest silence while a request body is being received. Per chunk, not
    /// for the whole body: a 50 MB upload on a slow mobile network takes minutes.
    pub body_idle: Duration,
    /// Connections open at once (WebSockets included).
    pub max_connections: usize,
}

impl Limits {
    pub fn new(max_connections: usize) -> Limits {
        Limits { header_read: Duration::from_secs(20), body_idle: Duration::from_secs(30), max_connections }
    }
}

/// Descriptors kept free for the database, files and logs.
const RESERVED_DESCRIPTORS: u64 = 256;

/// Raises the soft limit on open files to the hard one; returns the limit now
/// in force. Many systems start services at 1 024, which 1 000 WebSockets fill.
pub fn raise_descriptor_limit() -> u64 {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            if limit.rlim_cur < limit.rlim_max {
                let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    limit = raised;
                }
            }
            return limit.rlim_cur;
        }
    }
    1024
}

/// At most `wanted` connections, and no more than the descriptors allow.
pub fn connection_cap(wanted: usize, descriptors: u64) -> usize {
    let affordable = descriptors.saturating_sub(RESERVED_DESCRIPTORS).max(16);
    wanted.min(usize::try_from(affordable).unwrap_or(usize::MAX))
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in
/// progress finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(RequestBodyTimeoutLayer::new(limits.body_idle));
    let open = Arc::new(Semaphore::new(limits.max_connections));
    // Connections hold a receiver; shutdown waits until all are dropped.
    let (stop_tx, stop_rx) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before accept: go on.
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            // Closed at once: the descriptor is freed, and the client sees a
            // reset rather than a connection that hangs.
            tracing::warn!(%remote, max = limits.max_connections, "too many open connections: one refused");
            drop(stream);
            continue;
        };
        let app = app.clone();
        let service = TowerToHyperService::new(tower::service_fn(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            app.clone().oneshot(request)
        }));
        let mut stopping = stop_rx.clone();
        tokio::spawn(async move {
            // Both held until the connection ends: its place, and shutdown's wait.
            let _place = permit;
            let mut builder = Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
            builder.http2().timer(TokioTimer::new()).keep_alive_interval(limits.header_read);
            let mut connection = pin!(builder.serve_connection_with_upgrades(TokioIo::new(stream), service));
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(error) = result {
                            tracing::debug!(%remote, %error, "connection ended");
                        }
                        break;
                    }
                    _ = stopping.changed() => connection.as_mut().graceful_shutdown(),
                }
            }
        });
    }
    drop(stop_rx);
    let _ = stop_tx.send(());
    stop_tx.closed().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_descriptors_for_the_rest() {
        assert_eq!(connection_cap(10_000, 1_024), 768);
        assert_eq!(connection_cap(10_000, 1_048_576), 10_000);
        assert_eq!(connection_cap(10_000, 100), 16);
        assert!(raise_descriptor_limit() >= 1_024);
    }
}
