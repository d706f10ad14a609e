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
        Command::Import(args) => import(cli.config, args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // Said once, on standard error, where an operator looks.
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

async fn import(
    config: portico::server::config::Config,
    args: portico::server::config::ImportArgs,
) -> anyhow::Result<()> {
    use portico::openapi::import::{import, ImportRequest};
    let text = portico::openapi::source::read_document(&args.source).await?;
    let db = open_database(&config).await?;
    let request = ImportRequest {
        agency: &args.agency,
        api: &args.api,
        label: args.label.as_deref(),
        text: &text,
        publish: args.publish,
    };
    let result = import(&db, &portico::server::clock::Clock::system(), request).await;
    db.close().await;
    let outcome = result.map_err(|err| anyhow::anyhow!("{err}"))?;
    println!(
        "imported {}/{} version {} (OpenAPI {}{}), {} operations{}",
        outcome.agency,
        outcome.api,
        outcome.version,
        outcome.openapi_version,
        if outcome.source_version == "2.0" {
            ", converted from Swagger 2.0"
        } else {
            ""
        },
        outcome.operations,
        if outcome.api_created {
            "; the API was created"
        } else {
            ""
        },
    );
    for warning in &outcome.warnings {
        println!("warning: {warning}");
    }
    Ok(())
}
