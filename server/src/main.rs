use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = regard_server::config::Cli::parse();
    regard_server::run(cli).await
}
