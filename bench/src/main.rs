//! Load generator for `scripts/bench-signalling`: opens pairs of WebSockets on
//! Regard's signalling server or on the PeerJS server, relays offer-, answer- and
//! ICE-sized messages between the two sockets of each pair, and prints one JSON
//! line of figures per run.

mod load;
mod proc;
mod setup;
mod wire;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Signalling load: Regard against the PeerJS server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints the e-mails of the regulators N pairs need (a regulator may hold 8
    /// sockets), one per line, for `regard create-user` to create them.
    Regulators {
        #[arg(long)]
        pairs: usize,
    },
    /// Creates, through Regard's API, what N pairs need: one assist per pair, each
    /// link accepted by a "phone", the regulators signed in.
    Setup {
        /// Regard's address, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: String,
        #[arg(long)]
        pairs: usize,
        /// Where to write the pairs (assist id and both peers' cookies).
        #[arg(long)]
        out: PathBuf,
    },
    /// One run: connect, measure memory, relay at a fixed rate, optionally at
    /// rising rates up to a p99 target, then as fast as the server relays.
    Run(load::RunArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Regulators { pairs } => {
            (0..setup::regulators_for(pairs)).for_each(|i| println!("{}", setup::regulator_email(i)));
            Ok(())
        }
        Command::Setup { url, pairs, out } => setup::create_pairs(&url, pairs, &out).await,
        Command::Run(args) => {
            let report = load::run(args).await?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
    }
}
