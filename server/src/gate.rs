//! Bounds on expensive work (password hashes, image decoding): how many run at
//! once and how many may wait. Beyond that a request is refused at once with
//! `AppError::Busy` (503, in words), so a burst cannot exhaust the server's
//! memory or queue requests for minutes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{AppError, AppResult};

pub struct Gate {
    running: Semaphore,
    admitted: Semaphore,
}

impl Gate {
    pub fn new(running: usize, queued: usize) -> Gate {
        Gate { running: Semaphore::new(running), admitted: Semaphore::new(running + queued) }
    }

    /// One per core, from 2 to 8, with `queued` more waiting.
    pub fn per_core(queued: usize) -> Gate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
        Gate::new(cores, queued)
    }

    /// A place in line, or `Busy` at once when the line is full.
    pub fn admit(&self) -> AppResult<Admitted<'_>> {
        let place = self.admitted.try_acquire().map_err(|_| AppError::Busy)?;
        Ok(Admitted { gate: self, _place: place })
    }
}

/// A request admitted to the work; holding it keeps its place in line.
pub struct Admitted<'a> {
    gate: &'a Gate,
    _place: SemaphorePermit<'a>,
}

impl Admitted<'_> {
    /// Waits for a free runner, then does `work` on a blocking thread.
    pub async fn run<T: Send + 'static>(self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let _running = self.gate.running.acquire().await.context("gate closed")?;
        tokio::task::spawn_blocking(work).await.context("blocking task")
    }
}

/// Long-lived things one account may hold open at once (sockets), counted per
/// account so that one account cannot hold the server's resources. On a node
/// of a cluster they are counted in the database, across nodes
/// (`open_sockets`); a node alone counts in memory.
pub struct PerAccount {
    max: usize,
    counts: Mutex<HashMap<String, usize>>,
    shared: Option<crate::open_sockets::Counter>,
}

impl PerAccount {
    pub fn new(max: usize) -> Arc<PerAccount> {
        Arc::new(PerAccount { max, counts: Mutex::default(), shared: None })
    }

    /// Counted with the other nodes' through the database.
    pub fn shared(max: usize, counter: crate::open_sockets::Counter) -> Arc<PerAccount> {
        Arc::new(PerAccount { max, counts: Mutex::default(), shared: Some(counter) })
    }

    /// One more for `account`, or `TooManyConnections` when it holds the most.
    pub async fn hold(self: &Arc<Self>, account: &str) -> AppResult<Held> {
        let row = match &self.shared {
            Some(counter) => Some(counter.open(account, self.max).await?.ok_or(AppError::TooManyConnections)?),
            None => {
                let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
                let count = counts.entry(account.to_owned()).or_default();
                if *count >= self.max {
                    return Err(AppError::TooManyConnections);
                }
                *count += 1;
                None
            }
        };
        Ok(Held { of: self.clone(), account: account.to_owned(), row })
    }
}

/// One of an account's places; given back when dropped, whether or not the
/// thing it was for (a WebSocket upgrade) ever happened.
pub struct Held {
    of: Arc<PerAccount>,
    account: String,
    /// Its row in the database, on a node of a cluster.
    row: Option<String>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let (Some(counter), Some(row)) = (&self.of.shared, self.row.take()) {
            return counter.close(row);
        }
        let mut counts = self.of.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.account) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refuses_beyond_its_line_and_runs_no_more_than_allowed() {
        let gate = Gate::new(1, 2);
        let held: Vec<_> = (0..3).map(|_| gate.admit().expect("room in line")).collect();
        assert!(matches!(gate.admit(), Err(AppError::Busy)), "a fourth is refused at once");
        drop(held);
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let works = (0..3).map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            let admitted = gate.admit().expect("places came back");
            admitted.run(move || {
                let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            })
        });
        for result in futures_util::future::join_all(works).await {
            result.unwrap();
        }
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 1, "one runner at a time");
    }

    #[tokio::test]
    async fn an_account_holds_no_more_than_its_share() {
        let sockets = PerAccount::new(2);
        let held = [sockets.hold("a").await.unwrap(), sockets.hold("a").await.unwrap()];
        assert!(matches!(sockets.hold("a").await, Err(AppError::TooManyConnections)));
        assert!(sockets.hold("b").await.is_ok(), "another account is not affected");
        drop(held);
        assert!(sockets.hold("a").await.is_ok(), "places come back when dropped");
    }
}
