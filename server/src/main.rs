use clap::Parser;

fn main() -> anyhow::Result<()> {
    regard_server::return_large_allocations();
    regard_server::config::secrets_from_files()?;
    let cli = regard_server::config::Cli::parse();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(regard_server::run(cli))
}
