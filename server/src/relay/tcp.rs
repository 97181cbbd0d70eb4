//! TURN over TCP (RFC 8656 §3.1): hospital firewalls often let TCP out where
//! UDP is blocked. The TURN crate serves packet connections only, so the
//! TCP listener is presented as one: each client connection's stream is cut
//! into STUN messages and channel data (RFC 8656 §12.5: padded to 4 bytes on
//! a stream), passed on with the client's address, and answers go back to
//! the connection of that address.

use std::any::Any;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use util::Conn;

/// Larger frames are not TURN as browsers speak it (the server reads 1,500 bytes).
const FRAME_MAX: usize = 1500;
/// Client connections open at once.
const CONNECTIONS_MAX: usize = 4096;
/// A browser refreshes its allocation every few minutes and checks its
/// candidates every few seconds; a connection silent for longer is dead.
const IDLE: Duration = Duration::from_secs(600);

type Writers = Arc<Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>>;

pub struct TcpTurn {
    local: SocketAddr,
    inbound: tokio::sync::Mutex<mpsc::Receiver<(Vec<u8>, SocketAddr)>>,
    writers: Writers,
}

impl TcpTurn {
    pub fn new(listener: TcpListener) -> std::io::Result<Arc<TcpTurn>> {
        let local = listener.local_addr()?;
        let (tx, rx) = mpsc::channel(1024);
        let writers: Writers = Arc::default();
        tokio::spawn(accept(listener, tx, writers.clone()));
        Ok(Arc::new(TcpTurn { local, inbound: tokio::sync::Mutex::new(rx), writers }))
    }
}

async fn accept(listener: TcpListener, inbound: mpsc::Sender<(Vec<u8>, SocketAddr)>, writers: Writers) {
    loop {
        let Ok((stream, client)) = listener.accept().await else {
            // Out of file descriptors, most likely: let some close.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let (write_tx, write_rx) = mpsc::channel(256);
        {
            let mut open = writers.lock().unwrap_or_else(|e| e.into_inner());
            if open.len() >= CONNECTIONS_MAX {
                continue;
            }
            open.insert(client, write_tx);
        }
        let (inbound, writers) = (inbound.clone(), writers.clone());
        tokio::spawn(async move {
            serve(stream, client, inbound, write_rx).await;
            writers.lock().unwrap_or_else(|e| e.into_inner()).remove(&client);
        });
    }
}

/// Reads frames from one client and writes the server's answers to it, until
/// either side stops.
async fn serve(
    stream: TcpStream,
    client: SocketAddr,
    inbound: mpsc::Sender<(Vec<u8>, SocketAddr)>,
    mut outbound: mpsc::Receiver<Vec<u8>>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let reading = async {
        while let Ok(Some(frame)) = tokio::time::timeout(IDLE, read_frame(&mut reader)).await {
            if inbound.send((frame, client)).await.is_err() {
                break;
            }
        }
    };
    let writing = async {
        while let Some(mut frame) = outbound.recv().await {
            frame.resize(frame.len().next_multiple_of(4), 0);
            if writer.write_all(&frame).await.is_err() {
                break;
            }
        }
    };
    tokio::select! {
        () = reading => {},
        () = writing => {},
    }
}

/// One STUN message or channel-data message, without its padding; `None` at
/// the end of the stream or on anything else.
async fn read_frame(reader: &mut (impl AsyncReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut head = [0u8; 4];
    reader.read_exact(&mut head).await.ok()?;
    let length = usize::from(u16::from_be_bytes([head[2], head[3]]));
    let (size, padded) = match head[0] >> 6 {
        // STUN: a 20-byte header, attributes already padded.
        0b00 => (20 + length, 20 + length),
        // Channel data: a 4-byte header, padded on streams.
        0b01 => (4 + length, (4 + length).next_multiple_of(4)),
        _ => return None,
    };
    if padded > FRAME_MAX {
        return None;
    }
    let mut frame = vec![0u8; padded];
    frame[..4].copy_from_slice(&head);
    reader.read_exact(&mut frame[4..]).await.ok()?;
    frame.truncate(size);
    Some(frame)
}

#[async_trait]
impl Conn for TcpTurn {
    async fn connect(&self, _addr: SocketAddr) -> util::Result<()> {
        Err(util::Error::Other("a listener does not connect".into()))
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        let Some((frame, client)) = self.inbound.lock().await.recv().await else {
            return Err(util::Error::Other("the TCP listener stopped".into()));
        };
        let n = frame.len().min(buf.len());
        buf[..n].copy_from_slice(&frame[..n]);
        Ok((n, client))
    }

    async fn send(&self, _buf: &[u8]) -> util::Result<usize> {
        Err(util::Error::Other("a listener sends to a client".into()))
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        let writer = self.writers.lock().unwrap_or_else(|e| e.into_inner()).get(&target).cloned();
        // A client gone or too slow to read loses the packet, as on UDP.
        if let Some(writer) = writer {
            let _ = writer.try_send(buf.to_vec());
        }
        Ok(buf.len())
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        Ok(self.local)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> util::Result<()> {
        Ok(())
    }

    fn as_any(&self) -> &(dyn Any + Send + Sync) {
        self
    }
}
