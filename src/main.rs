//! `portico`: parse the command line, start logging, run what was asked.

use clap::Parser;
use portico::server::config::{Cli, Command};
use portico::server::startup::{open_database, shutdown_signal, Application};
use portico::server::telemetry;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let result = match cli.command {
        Command::Serve => serve(cli.config).await,
        Command::Migrate => migrate(cli.config).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("portico: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: portico::server::config::Config) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    app.run_until_stopped(shutdown_signal()).await
}

async fn migrate(config: portico::server::config::Config) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    tracing::info!(database = %db.backend(), "migrations applied");
    db.close().await;
    Ok(())
}
