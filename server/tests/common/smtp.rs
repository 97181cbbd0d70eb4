//! A real SMTP server on loopback for the e-mail tests: aiosmtpd (from PyPI,
//! installed into tools/.venv by scripts/test), storing what it receives in a
//! Maildir that the test reads.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct SmtpServer {
    pub addr: SocketAddr,
    child: Child,
    maildir: TempDir,
}

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("REGARD_TEST_PYTHON") {
        return python.into();
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/.venv/bin/python");
    assert!(venv.exists(), "{} is missing: run ./scripts/test, which installs aiosmtpd", venv.display());
    venv
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l", &addr.to_string(), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("aiosmtpd starts");
        let server = SmtpServer { addr, child, maildir };
        // Ready when it accepts connections; give up after 20 s.
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start listening on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Every message received so far, as raw RFC 5322 text.
    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("mail/new");
        let Ok(entries) = std::fs::read_dir(new) else { return Vec::new() };
        entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
