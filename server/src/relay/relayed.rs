//! The relayed side of each allocation: a UDP socket on the relay's address,
//! whose traffic (both ways, every allocation together) stays within the
//! relay's bandwidth; beyond it packets are dropped, as a full link would.

use std::any::Any;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use tokio::net::UdpSocket;
use turn::relay::RelayAddressGenerator;
use turn::Error;

type Result<T> = std::result::Result<T, Error>;
use util::Conn;

/// A token bucket shared by every allocation: `rate` bytes a second, a
/// second's worth of burst.
pub struct Bandwidth {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bandwidth {
    pub fn new(bytes_per_second: u64) -> Self {
        let rate = bytes_per_second as f64;
        Bandwidth { rate, state: Mutex::new((rate, Instant::now())) }
    }

    /// Takes `bytes` from the bucket; false when it holds too few.
    fn take(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, since) = &mut *state;
        let now = Instant::now();
        *tokens = (*tokens + now.duration_since(*since).as_secs_f64() * self.rate).min(self.rate);
        *since = now;
        if *tokens < bytes as f64 {
            return false;
        }
        *tokens -= bytes as f64;
        true
    }
}

/// Makes the relayed sockets: bound on `bind`, announced as `public`.
pub struct Relays {
    pub bind: IpAddr,
    pub public: IpAddr,
    pub bandwidth: Arc<Bandwidth>,
}

#[async_trait]
impl RelayAddressGenerator for Relays {
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    async fn allocate_conn(&self, _ipv4: bool, port: u16) -> Result<(Arc<dyn Conn + Send + Sync>, SocketAddr)> {
        let socket = UdpSocket::bind(SocketAddr::new(self.bind, port)).await?;
        let announced = SocketAddr::new(self.public, socket.local_addr()?.port());
        Ok((Arc::new(Relayed { socket, bandwidth: self.bandwidth.clone() }), announced))
    }
}

struct Relayed {
    socket: UdpSocket,
    bandwidth: Arc<Bandwidth>,
}

#[async_trait]
impl Conn for Relayed {
    async fn connect(&self, addr: SocketAddr) -> util::Result<()> {
        Ok(self.socket.connect(addr).await?)
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        loop {
            let (n, from) = self.socket.recv_from(buf).await?;
            if self.bandwidth.take(n) {
                return Ok((n, from));
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> util::Result<usize> {
        if self.bandwidth.take(buf.len()) {
            self.socket.send(buf).await?;
        }
        Ok(buf.len())
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        if self.bandwidth.take(buf.len()) {
            self.socket.send_to(buf, target).await?;
        }
        Ok(buf.len())
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        Ok(self.socket.local_addr()?)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_lets_a_seconds_worth_through_then_drops() {
        let bandwidth = Bandwidth::new(10_000);
        assert!(bandwidth.take(6_000));
        assert!(bandwidth.take(4_000));
        assert!(!bandwidth.take(1_000), "a second's worth is spent");
    }
}
