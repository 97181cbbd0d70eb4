//! The server's connections over real sockets: slow headers, a body announced
//! and never sent, and idle keep-alive connections are cut off; beyond the cap
//! new connections are closed at once, and the server still answers after.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::TestApp;
use regard_server::connections::{self, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SHORT: Limits =
    Limits { header_read: Duration::from_secs(1), body_idle: Duration::from_secs(1), max_connections: 5 };

async fn start(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(connections::serve(listener, router, SHORT, std::future::pending()));
    addr
}

/// Reads until the server closes the connection; what it sent, and how long
/// that took. Fails the test if it stays open for 15 s.
async fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buffer)).await {
            Err(_) => panic!("still open after 15 s; received {:?}", String::from_utf8_lossy(&received)),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&received).into_owned(), started.elapsed()),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test]
async fn slow_headers_an_unsent_body_and_idle_connections_are_cut_off() {
    let app = TestApp::new().await;
    let addr = start(&app).await;

    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: regard\r\n").await.unwrap();
    let (_, after) = until_closed(&mut slow).await;
    assert!(after < Duration::from_secs(10), "unfinished headers closed after {after:?}");

    let mut unsent = TcpStream::connect(addr).await.unwrap();
    unsent
        .write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: regard\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    let (answer, after) = until_closed(&mut unsent).await;
    assert!(after < Duration::from_secs(10), "an unsent body closed after {after:?}");
    assert!(!answer.contains(" 200 "), "{answer}");

    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: regard\r\n\r\n").await.unwrap();
    let (answer, after) = until_closed(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(after < Duration::from_secs(10), "an idle keep-alive connection closed after {after:?}");
}

#[tokio::test]
async fn beyond_the_cap_connections_are_closed_and_the_server_still_answers() {
    let app = TestApp::new().await;
    let addr = start(&app).await;
    let mut held = Vec::new();
    for _ in 0..SHORT.max_connections {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    // Every place is taken by a slow client: a sixth connection is closed at once.
    let mut extra = TcpStream::connect(addr).await.unwrap();
    let _ = extra.write_all(b"GET /healthz HTTP/1.1\r\nHost: regard\r\n\r\n").await;
    let (answer, _) = until_closed(&mut extra).await;
    assert!(answer.is_empty(), "refused without an answer: {answer}");

    // The slow ones are cut off by the header timeout; the server answers again.
    for stream in &mut held {
        until_closed(stream).await;
    }
    let mut healthy = TcpStream::connect(addr).await.unwrap();
    healthy.write_all(b"GET /healthz HTTP/1.1\r\nHost: regard\r\nConnection: close\r\n\r\n").await.unwrap();
    let (answer, _) = until_closed(&mut healthy).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
