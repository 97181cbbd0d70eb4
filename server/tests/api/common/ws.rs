//! Real WebSockets (tokio-tungstenite) against the app served on port 0.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use futures_util::{SinkExt, StreamExt};
use regard_shared::signal::{ClientMessage, ServerMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::TestApp;

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = app.router.clone().into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    addr
}

/// Opens the WebSocket at `path` (e.g. `/ws/assist/ID`) with `cookie`.
pub async fn connect(addr: SocketAddr, path: &str, cookie: Option<&str>) -> Result<Socket, WsError> {
    connect_from(addr, path, cookie, None).await
}

/// `connect`, as a page of `origin` would (browsers always name it).
pub async fn connect_from(
    addr: SocketAddr,
    path: &str,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, WsError> {
    let mut request = format!("ws://{addr}{path}").into_client_request().unwrap();
    if let Some(cookie) = cookie {
        request.headers_mut().insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

pub fn refused_with(result: Result<Socket, WsError>) -> StatusCode {
    match result {
        Err(WsError::Http(response)) => response.status(),
        other => panic!("expected an HTTP refusal, got {:?}", other.map(|_| "a socket")),
    }
}

/// The next server message, failing the test if none comes within 5 s.
pub async fn next(socket: &mut Socket) -> ServerMessage {
    next_as(socket).await
}

/// The next text frame read as `T`, failing the test if none comes within 5 s.
pub async fn next_as<T: serde::de::DeserializeOwned>(socket: &mut Socket) -> T {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("a frame in time");
        match frame.expect("an open socket").expect("a readable frame") {
            Message::Text(text) => return serde_json::from_str(&text).expect("a server message"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

pub async fn send(socket: &mut Socket, message: &ClientMessage) {
    socket.send(Message::Text(serde_json::to_string(message).unwrap().into())).await.unwrap();
}

/// Every frame until the socket closes, within 5 s.
pub async fn until_closed(socket: &mut Socket) -> Vec<Message> {
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("closed in time") {
            None | Some(Err(_)) => return seen,
            Some(Ok(Message::Close(frame))) => {
                seen.push(Message::Close(frame));
                return seen;
            }
            Some(Ok(other)) => seen.push(other),
        }
    }
}
