//! `portico`: parse the command line, start logging, run what was asked.

use clap::Parser;
use portico::server::config::{Cli, Command};
use portico::server::startup::{open_database, shutdown_signal, Application};
use portico::server::telemetry;

/// jemalloc, not the system's allocator: the gateway allocates and frees
/// small buffers on every call, from several threads. In one run of
/// scripts/bench-gateway, the same build served 1.12 times the calls with
/// jemalloc (5.3, as built here) as with glibc's malloc; 100,000 keys took
/// 41 to 46 MB in two runs instead of 38 (the target is under 64).
/// mimalloc served about as many more calls but doubled the keys' memory.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let _log = match telemetry::init_for_process() {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("portico: the logging thread could not start: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Serve => serve(cli.config).await,
        Command::Gateway => gateway(cli.config).await,
        Command::Migrate => migrate(cli.config).await,
        Command::Import(args) => import(cli.config, args).await,
        Command::Member(args) => member(cli.config, args).await,
        Command::Admin(args) => admin(cli.config, args).await,
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

async fn gateway(config: portico::server::config::Config) -> anyhow::Result<()> {
    let backend = portico::db::Backend::from_url(&config.database_url())?;
    if config.database_url.is_none() || backend != portico::db::Backend::Postgres {
        anyhow::bail!(
            "a gateway node shares the portal's PostgreSQL database, from which it hears every change: give it with --database-url postgres://... (or PORTICO_DATABASE_URL)"
        );
    }
    let app = Application::build_gateway(config).await?;
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
    // The operator's import is on the record too, as the command line's.
    let actor = portico::audit::Actor {
        user_id: None,
        name: portico::auth::service::COMMAND_LINE.to_owned(),
        client_addr: None,
    };
    let request = ImportRequest {
        agency: &args.agency,
        api: &args.api,
        label: args.label.as_deref(),
        text: &text,
        publish: args.publish,
        actor: Some(&actor),
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

/// The person named on the command line; their kind comes from the
/// provider's configuration (business staff unless it says otherwise).
fn person(
    config: &portico::server::config::Config,
    args: &portico::server::config::PersonArgs,
) -> anyhow::Result<portico::auth::model::UserKind> {
    use portico::auth::model::UserKind;
    if args.provider == "dev" {
        return Ok(UserKind::Business);
    }
    let Some(path) = &config.auth_config else {
        anyhow::bail!(
            "--provider {:?} needs the sign-in configuration (--auth-config) that defines it",
            args.provider
        );
    };
    let auth = portico::auth::config::AuthConfig::load(path)?;
    let provider = auth.provider(&args.provider).ok_or_else(|| {
        anyhow::anyhow!("{} defines no provider {:?}", path.display(), args.provider)
    })?;
    Ok(provider.kind)
}

async fn member(
    config: portico::server::config::Config,
    args: portico::server::config::MemberArgs,
) -> anyhow::Result<()> {
    use portico::auth::model::Role;
    use portico::auth::service::{name_member, Person};
    let role = Role::parse(&args.role)
        .ok_or_else(|| anyhow::anyhow!("--role {:?}: use owner or maintainer", args.role))?;
    let kind = person(&config, &args.person)?;
    let db = open_database(&config).await?;
    let result = name_member(
        &db,
        &portico::server::clock::Clock::system(),
        args.agency.as_str(),
        &Person {
            provider: &args.person.provider,
            subject: &args.person.subject,
            name: &args.person.name,
            kind,
        },
        role,
    )
    .await;
    db.close().await;
    result?;
    println!(
        "{} at {} is now {} of {}",
        args.person.subject,
        args.person.provider,
        role.as_str(),
        args.agency
    );
    Ok(())
}

async fn admin(
    config: portico::server::config::Config,
    args: portico::server::config::AdminArgs,
) -> anyhow::Result<()> {
    use portico::auth::service::{set_admin, Person};
    let kind = person(&config, &args.person)?;
    let db = open_database(&config).await?;
    let result = set_admin(
        &db,
        &portico::server::clock::Clock::system(),
        &Person {
            provider: &args.person.provider,
            subject: &args.person.subject,
            name: &args.person.name,
            kind,
        },
        !args.revoke,
    )
    .await;
    db.close().await;
    result?;
    println!(
        "{} at {} {} a platform admin",
        args.person.subject,
        args.person.provider,
        if args.revoke {
            "is no longer"
        } else {
            "is now"
        }
    );
    Ok(())
}
