//! One run against one server: open the pairs, read the server's memory, relay
//! at a fixed rate (latency), optionally at rising rates until the p99 latency
//! passes a target (the highest sustained rate), then let every pair relay back
//! and forth as fast as the server goes (throughput). The server's CPU time per
//! relayed message is read from /proc in each phase.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{stream, SinkExt, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::proc::{cpu_time, rss_kib};
use crate::setup::Pair;
use crate::wire::{self, Incoming, Target, CYCLE};

mod at_rate;
use at_rate::at_rate;

/// Sockets being opened at once.
const CONNECT_CONCURRENCY: usize = 200;
/// Regard closes a socket that sends more than 50 frames a second; both servers
/// get at most this many per socket, so the comparison stays a relay comparison.
const MAX_SENDS_PER_SOCKET_PER_SECOND: f64 = 45.0;
/// Messages each side of a pair keeps in flight in the throughput phase.
const WINDOW: usize = 2;
/// Throughput is counted after this warm-up.
const WARM_UP: Duration = Duration::from_secs(2);
/// How long the fixed-rate phase waits for its last messages after sending.
const DRAIN: Duration = Duration::from_secs(5);
/// The rising rates: the first, and the factor from one step to the next.
const LADDER_START: f64 = 1000.0;
const LADDER_STEP: f64 = 1.25;
/// A step of the ladder passes if it loses no more than this share of its messages.
const LADDER_LOSS: f64 = 0.001;
/// The ladder ends after this many failed steps in a row: one stall of the
/// machine (a 3 s step's p99 is its 1 % slowest messages) does not end it.
const LADDER_FAILURES: u32 = 2;

#[derive(clap::Args)]
pub struct RunArgs {
    #[arg(long, value_enum)]
    target: Target,
    /// WebSocket base address, e.g. ws://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// Regard only: the pairs written by `setup`.
    #[arg(long)]
    pairs_file: Option<PathBuf>,
    /// Sockets to open (two per pair).
    #[arg(long)]
    connections: usize,
    /// Regard only: the phones' sockets go to this other node of a cluster
    /// (e.g. ws://127.0.0.1:8081), each pair's two sides on two nodes.
    #[arg(long)]
    phone_url: Option<String>,
    /// The server's processes (one per node), whose resident memory is read and added up.
    #[arg(long, required = true)]
    pid: Vec<u32>,
    /// Messages per second, all pairs together, in the latency phase.
    #[arg(long, default_value_t = 2000)]
    rate: u32,
    /// Length of each phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Runs the rising rates (each step `ladder_seconds` long) until
    /// two steps in a row (`LADDER_FAILURES`) miss this p99 latency target or lose
    /// messages (one stall of the machine does not end the ladder).
    #[arg(long)]
    p99_target_ms: Option<f64>,
    #[arg(long, default_value_t = 3)]
    ladder_seconds: u64,
}

#[derive(Serialize)]
pub struct Report {
    target: Target,
    /// Server processes the sockets were spread over.
    nodes: usize,
    /// Whether each pair's two sides were on two nodes.
    cross_node: bool,
    connections: usize,
    connected: usize,
    connect_errors: usize,
    rss_idle_kib: u64,
    rss_connected_kib: u64,
    bytes_per_connection: u64,
    rate: u32,
    sent_at_rate: u64,
    received_at_rate: u64,
    latency_p50_ms: f64,
    latency_p99_ms: f64,
    /// Server CPU time (user and system) per message relayed in the fixed-rate phase.
    cpu_us_per_message_at_rate: f64,
    relayed_per_second: u64,
    /// Server CPU time per message relayed in the throughput phase.
    cpu_us_per_message: f64,
    /// Shares of a core the server and the generator used in the throughput
    /// phase: a generator near 1.0 bounds the throughput, not the server.
    server_cpu_share: f64,
    generator_cpu_share: f64,
    p99_target_ms: Option<f64>,
    /// The highest rate of the ladder whose p99 met the target without loss.
    sustained_rate: Option<u64>,
    /// Whether the ladder stopped at the generator's pace (45 a second per
    /// socket) rather than at the target: the server may sustain more.
    ladder_capped: bool,
    ladder: Vec<Step>,
    refusals: u64,
}

/// One step of the ladder, with the shares of a core the server and the
/// generator used over it (a generator near 1.0 bounds the step, not the server).
#[derive(Serialize)]
struct Step {
    rate: u64,
    latency_p99_ms: f64,
    sent: u64,
    received: u64,
    server_cpu_share: f64,
    generator_cpu_share: f64,
}

const CONNECTING: u8 = 0;
const AT_RATE: u8 = 1;
const ECHO: u8 = 2;
const DONE: u8 = 3;

/// What every socket's reader reports into.
struct Tally {
    epoch: Instant,
    phase: AtomicU8,
    received: AtomicU64,
    refusals: AtomicU64,
    latencies_us: Mutex<Vec<u64>>,
}

impl Tally {
    fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }
}

/// One side of a pair: where to send, and the other side's id (PeerJS routes by id).
struct Side {
    tx: mpsc::UnboundedSender<String>,
    partner_id: String,
}

struct Endpoint {
    request: tokio_tungstenite::tungstenite::handshake::client::Request,
    partner_id: String,
}

fn endpoints(args: &RunArgs) -> anyhow::Result<Vec<Endpoint>> {
    let pairs = args.connections / 2;
    let mut out = Vec::with_capacity(pairs * 2);
    match args.target {
        Target::Regard => {
            let file = args.pairs_file.as_ref().context("--pairs-file is needed for Regard")?;
            let all: Vec<Pair> = serde_json::from_slice(&std::fs::read(file)?)?;
            anyhow::ensure!(all.len() >= pairs, "{} pairs set up, {pairs} needed", all.len());
            for pair in &all[..pairs] {
                let phone_url = args.phone_url.as_ref().unwrap_or(&args.url);
                for (url, cookie) in [(&args.url, &pair.clinician_cookie), (phone_url, &pair.phone_cookie)] {
                    let mut request = format!("{url}/ws/assist/{}", pair.assist_id).into_client_request()?;
                    request.headers_mut().insert("cookie", cookie.parse()?);
                    out.push(Endpoint { request, partner_id: String::new() });
                }
            }
        }
        Target::Peerjs => {
            for i in 0..pairs {
                for (own, partner) in [("a", "b"), ("b", "a")] {
                    let url = format!("{}/peerjs?key=peerjs&id={own}{i}&token=t{i}", args.url);
                    out.push(Endpoint { request: url.into_client_request()?, partner_id: format!("{partner}{i}") });
                }
            }
        }
    }
    Ok(out)
}

/// Opens one socket and waits for the server to say it joined; then reads and
/// writes on its own tasks.
async fn open(target: Target, endpoint: Endpoint, tally: Arc<Tally>) -> anyhow::Result<Side> {
    let (socket, _) = tokio_tungstenite::connect_async(endpoint.request).await?;
    let (mut sink, mut stream) = socket.split();
    loop {
        match stream.next().await.context("closed before joining")?? {
            Message::Text(text) => match wire::decode(target, &text) {
                Incoming::Ready => break,
                Incoming::Refused(why) => anyhow::bail!("refused: {why}"),
                _ => continue,
            },
            _ => continue,
        }
    }
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        let interval = Duration::from_secs_f64(1.0 / MAX_SENDS_PER_SOCKET_PER_SECOND);
        let mut next = Instant::now();
        while let Some(text) = rx.recv().await {
            let now = Instant::now();
            if next > now {
                tokio::time::sleep_until(next.into()).await;
            }
            next = next.max(now) + interval;
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    let echo_tx = tx.clone();
    let partner = endpoint.partner_id.clone();
    tokio::spawn(async move {
        let mut seq = 0u64;
        while let Some(Ok(frame)) = stream.next().await {
            let Message::Text(text) = frame else { continue };
            match wire::decode(target, &text) {
                Incoming::Relayed(payload) => {
                    tally.received.fetch_add(1, Ordering::Relaxed);
                    match tally.phase.load(Ordering::Relaxed) {
                        AT_RATE => {
                            if let Some(sent) = wire::sent_micros(&payload) {
                                let latency = tally.now_us().saturating_sub(sent);
                                tally.latencies_us.lock().unwrap().push(latency);
                            }
                        }
                        ECHO => {
                            seq += 1;
                            let (kind, size) = CYCLE[seq as usize % CYCLE.len()];
                            let reply = wire::payload(seq, tally.now_us(), size);
                            let _ = echo_tx.send(wire::encode(target, kind, reply, &partner));
                        }
                        _ => {}
                    }
                }
                Incoming::Refused(_) => {
                    tally.refusals.fetch_add(1, Ordering::Relaxed);
                }
                Incoming::Ready | Incoming::Other => {}
            }
        }
    });
    Ok(Side { tx, partner_id: endpoint.partner_id })
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index] as f64 / 1000.0
}

pub async fn run(args: RunArgs) -> anyhow::Result<Report> {
    let tally = Arc::new(Tally {
        epoch: Instant::now(),
        phase: AtomicU8::new(CONNECTING),
        received: AtomicU64::new(0),
        refusals: AtomicU64::new(0),
        latencies_us: Mutex::new(Vec::new()),
    });
    let rss_idle_kib = rss_kib(&args.pid)?;
    let opened: Vec<anyhow::Result<Side>> = stream::iter(endpoints(&args)?)
        .map(|endpoint| open(args.target, endpoint, tally.clone()))
        .buffered(CONNECT_CONCURRENCY)
        .collect()
        .await;
    let connect_errors = opened.iter().filter(|o| o.is_err()).count();
    if let Some(Err(first)) = opened.iter().find(|o| o.is_err()) {
        eprintln!("{connect_errors} sockets failed to open, the first: {first:#}");
    }
    let connected = opened.len() - connect_errors;
    let rss_connected_kib = rss_kib(&args.pid)?;
    // Whole pairs only: a pair with a failed side relays nothing.
    let mut opened = opened.into_iter();
    let mut pairs: Vec<[Side; 2]> = Vec::new();
    while let (Some(a), Some(b)) = (opened.next(), opened.next()) {
        if let (Ok(a), Ok(b)) = (a, b) {
            pairs.push([a, b]);
        }
    }
    anyhow::ensure!(!pairs.is_empty(), "no pair could be opened");

    let fixed = at_rate(&args, &pairs, &tally, f64::from(args.rate), Duration::from_secs(args.seconds), DRAIN).await?;
    let mut ladder = Vec::new();
    let mut sustained_rate = None;
    let mut failed_in_a_row = 0;
    let cap = MAX_SENDS_PER_SOCKET_PER_SECOND * (pairs.len() * 2) as f64;
    if let Some(target) = args.p99_target_ms {
        let mut rate = LADDER_START;
        while rate <= cap {
            let step = at_rate(&args, &pairs, &tally, rate, Duration::from_secs(args.ladder_seconds), WARM_UP).await?;
            let p99 = percentile(&step.latencies_us, 0.99);
            let passed = p99 <= target && (step.received as f64) >= step.sent as f64 * (1.0 - LADDER_LOSS);
            ladder.push(Step {
                rate: rate as u64,
                latency_p99_ms: p99,
                sent: step.sent,
                received: step.received,
                server_cpu_share: share(step.server_cpu, step.elapsed),
                generator_cpu_share: share(step.generator_cpu, step.elapsed),
            });
            if passed {
                sustained_rate = Some(rate as u64);
                failed_in_a_row = 0;
            } else {
                failed_in_a_row += 1;
                if failed_in_a_row == LADDER_FAILURES {
                    break;
                }
            }
            rate *= LADDER_STEP;
        }
    }
    let ladder_capped = args.p99_target_ms.is_some() && failed_in_a_row == 0;

    // Throughput: each side starts WINDOW messages; every message received is
    // answered at once (within the per-socket pace), until the phase ends.
    tally.phase.store(ECHO, Ordering::Relaxed);
    for side in pairs.iter().flat_map(|pair| pair.iter()) {
        for seq in 0..WINDOW {
            let (kind, size) = CYCLE[seq % CYCLE.len()];
            let _ =
                side.tx.send(wire::encode(args.target, kind, wire::payload(0, tally.now_us(), size), &side.partner_id));
        }
    }
    tokio::time::sleep(WARM_UP).await;
    let before = tally.received.load(Ordering::Relaxed);
    let (server_before, generator_before) = (cpu_time(&args.pid)?, cpu_time(&[std::process::id()])?);
    let counted_from = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let relayed = tally.received.load(Ordering::Relaxed) - before;
    let elapsed = counted_from.elapsed();
    let (server_cpu, generator_cpu) =
        (cpu_time(&args.pid)? - server_before, cpu_time(&[std::process::id()])? - generator_before);
    let relayed_per_second = (relayed as f64 / elapsed.as_secs_f64()) as u64;
    tally.phase.store(DONE, Ordering::Relaxed);

    Ok(Report {
        target: args.target,
        nodes: args.pid.len(),
        cross_node: args.phone_url.is_some(),
        connections: args.connections,
        connected,
        connect_errors,
        rss_idle_kib,
        rss_connected_kib,
        bytes_per_connection: rss_connected_kib.saturating_sub(rss_idle_kib) * 1024 / connected.max(1) as u64,
        rate: args.rate,
        sent_at_rate: fixed.sent,
        received_at_rate: fixed.received,
        latency_p50_ms: percentile(&fixed.latencies_us, 0.50),
        latency_p99_ms: percentile(&fixed.latencies_us, 0.99),
        cpu_us_per_message_at_rate: micros_per(fixed.server_cpu, fixed.received),
        relayed_per_second,
        cpu_us_per_message: micros_per(server_cpu, relayed),
        server_cpu_share: share(server_cpu, elapsed),
        generator_cpu_share: share(generator_cpu, elapsed),
        p99_target_ms: args.p99_target_ms,
        sustained_rate,
        ladder_capped,
        ladder,
        refusals: tally.refusals.load(Ordering::Relaxed),
    })
}

fn micros_per(cpu: Duration, messages: u64) -> f64 {
    cpu.as_secs_f64() * 1e6 / messages.max(1) as f64
}

/// The share of one core a process used over `elapsed`.
fn share(cpu: Duration, elapsed: Duration) -> f64 {
    cpu.as_secs_f64() / elapsed.as_secs_f64()
}
