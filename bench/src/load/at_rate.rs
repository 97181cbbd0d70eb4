//! The fixed-rate phases: the latency phase and each step of the ladder.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{RunArgs, Side, Tally, AT_RATE};
use crate::proc::cpu_time;
use crate::wire::{self, Kind, CYCLE};

/// What a fixed-rate phase measured.
pub struct AtRate {
    pub sent: u64,
    pub received: u64,
    /// Sorted, in microseconds.
    pub latencies_us: Vec<u64>,
    pub server_cpu: Duration,
    pub generator_cpu: Duration,
    pub elapsed: Duration,
}

/// `rate` messages a second for `duration`, a hundredth every 10 ms,
/// round-robin over pairs and directions; then up to `drain` for the last to
/// arrive. Latencies are from send to receipt through the server.
pub async fn at_rate(
    args: &RunArgs,
    pairs: &[[Side; 2]],
    tally: &Tally,
    rate: f64,
    duration: Duration,
    drain: Duration,
) -> anyhow::Result<AtRate> {
    tally.latencies_us.lock().unwrap().clear();
    tally.phase.store(AT_RATE, Ordering::Relaxed);
    let received_before = tally.received.load(Ordering::Relaxed);
    let (cpu_before, generator_before) = (cpu_time(&args.pid)?, cpu_time(&[std::process::id()])?);
    let started = Instant::now();
    let per_tick = (rate / 100.0).round().max(1.0) as usize;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut sent = 0u64;
    let stop = Instant::now() + duration;
    while Instant::now() < stop {
        tick.tick().await;
        for _ in 0..per_tick {
            let pair = &pairs[sent as usize % pairs.len()];
            let side = &pair[(sent as usize / pairs.len()) % 2];
            let (kind, size): (Kind, usize) = CYCLE[sent as usize % CYCLE.len()];
            let text = wire::encode(args.target, kind, wire::payload(sent, tally.now_us(), size), &side.partner_id);
            let _ = side.tx.send(text);
            sent += 1;
        }
    }
    let drained = Instant::now() + drain;
    let received = || tally.received.load(Ordering::Relaxed) - received_before;
    while received() < sent && Instant::now() < drained {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let received = received();
    let server_cpu = cpu_time(&args.pid)? - cpu_before;
    let generator_cpu = cpu_time(&[std::process::id()])? - generator_before;
    let mut latencies_us = std::mem::take(&mut *tally.latencies_us.lock().unwrap());
    latencies_us.sort_unstable();
    Ok(AtRate { sent, received, latencies_us, server_cpu, generator_cpu, elapsed: started.elapsed() })
}
