//! A real NATS server on loopback (Debian's `nats-server`, installed by
//! scripts/test), the link between the nodes of the cluster tests.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct NatsServer {
    pub addr: SocketAddr,
    child: Child,
}

impl NatsServer {
    pub fn start() -> NatsServer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        NatsServer::start_on(format!("127.0.0.1:{port}").parse().unwrap())
    }

    /// Starts one on `addr`: again on the address of one stopped, say.
    pub fn start_on(addr: SocketAddr) -> NatsServer {
        let child = Command::new("nats-server")
            .args(["-a", &addr.ip().to_string(), "-p", &addr.port().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nats-server starts (Debian's nats-server: ./scripts/test installs it)");
        let server = NatsServer { addr, child };
        // Ready when it accepts connections; give up after 20 s.
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start listening on {addr}");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("nats://{}", self.addr)
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
