//! Command line and environment: what to run, where, and on which database.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::catalogue::slug::Slug;

/// Portico: an API developer portal with an embedded API gateway.
#[derive(Debug, Parser)]
#[command(name = "portico", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal and the gateway in one process.
    Serve,
    /// Run a gateway node alone (no portal), for a cluster: many gateway
    /// nodes and `serve` nodes share one PostgreSQL (--database-url) and
    /// one Redis (--redis-url). See README.md, "Running a cluster".
    Gateway,
    /// Apply database migrations, then exit.
    Migrate,
    /// Import an OpenAPI document (JSON or YAML; OpenAPI 3.0, 3.1 or
    /// Swagger 2.0) as a new version of an API, creating the API if needed.
    Import(ImportArgs),
    /// Make someone a member of an agency, by the identity they sign in
    /// with (before or after their first sign-in).
    Member(MemberArgs),
    /// Grant platform admin rights to someone, by the identity they sign
    /// in with (or take them away with --revoke).
    Admin(AdminArgs),
}

/// Who: an identity at a provider.
#[derive(Debug, Clone, Args)]
pub struct PersonArgs {
    /// The provider's id in the sign-in configuration (`dev` for the
    /// development sign-in).
    #[arg(long)]
    pub provider: String,
    /// The person's subject (`sub` claim) at that provider.
    #[arg(long)]
    pub subject: String,
    /// Name shown until their first sign-in brings the provider's.
    #[arg(long, default_value = "Invited user")]
    pub name: String,
}

#[derive(Debug, Clone, Args)]
pub struct MemberArgs {
    /// Slug of the agency.
    #[arg(long)]
    pub agency: Slug,
    #[command(flatten)]
    pub person: PersonArgs,
    /// `owner` (manages members and plans too) or `maintainer`.
    #[arg(long, default_value = "maintainer")]
    pub role: String,
}

#[derive(Debug, Clone, Args)]
pub struct AdminArgs {
    #[command(flatten)]
    pub person: PersonArgs,
    /// Take the rights away instead.
    #[arg(long)]
    pub revoke: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Slug of the agency that publishes the API.
    #[arg(long)]
    pub agency: Slug,
    /// Slug of the API; a new API is created when the agency has none.
    #[arg(long)]
    pub api: Slug,
    /// Label of the new version. Defaults to the document's `info.version`.
    #[arg(long = "version", value_name = "LABEL")]
    pub label: Option<String>,
    /// Publish a newly created API in the public catalogue at once
    /// (otherwise it starts as a private draft).
    #[arg(long)]
    pub publish: bool,
    /// A file, an http:// URL, or - for standard input.
    pub source: String,
}

/// Settings shared by every command. Each flag has an environment twin.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Directory for Portico's own files (the SQLite database by default).
    #[arg(
        long,
        env = "PORTICO_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB`.
    /// Defaults to a SQLite file in the data directory.
    #[arg(
        long,
        env = "PORTICO_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Address of the portal (web pages and the portal's REST API).
    #[arg(
        long,
        env = "PORTICO_PORTAL_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub portal_addr: SocketAddr,

    /// Address of the gateway that API clients call.
    #[arg(
        long,
        env = "PORTICO_GATEWAY_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub gateway_addr: SocketAddr,

    /// Development mode: demo agencies, APIs and upstream, and the development
    /// sign-in. Never use it for real data.
    #[arg(long, env = "PORTICO_DEV", global = true)]
    pub dev: bool,

    /// Directory holding the built site (the browser bundle and CSS).
    #[arg(
        long,
        env = "PORTICO_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// The gateway's public base URL, shown to developers in samples.
    /// Defaults to `http://` and the gateway's bound address.
    #[arg(long, env = "PORTICO_GATEWAY_PUBLIC_URL", global = true)]
    pub gateway_public_url: Option<String>,

    /// How long the gateway waits for an upstream to answer, in seconds.
    #[arg(
        long,
        env = "PORTICO_UPSTREAM_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub upstream_timeout_secs: u64,

    /// A PEM file of certificate authorities the gateway trusts for https
    /// upstreams, besides the system's (an agency's own authority).
    #[arg(long, env = "PORTICO_UPSTREAM_CA_FILE", global = true)]
    pub upstream_ca_file: Option<PathBuf>,

    /// The largest request body the gateway passes to an upstream, in
    /// bytes; larger ones get 413.
    #[arg(
        long,
        env = "PORTICO_GATEWAY_MAX_BODY_BYTES",
        default_value_t = 10 * 1024 * 1024,
        global = true
    )]
    pub gateway_max_body_bytes: u64,

    /// How many threads serve the gateway's API calls, each with its own
    /// connections; 0: one per core.
    #[arg(
        long,
        env = "PORTICO_GATEWAY_THREADS",
        default_value_t = 0,
        global = true
    )]
    pub gateway_threads: usize,

    /// How often the gateway writes usage and quota counters, in
    /// milliseconds (they are also written at shutdown).
    #[arg(
        long,
        env = "PORTICO_USAGE_FLUSH_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub usage_flush_ms: u64,

    /// The portal's public base URL: where identity providers send people
    /// back to, and the JWKS URL they are given. Defaults to `http://` and
    /// the portal's bound address.
    #[arg(long, env = "PORTICO_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// The sign-in configuration: identity providers and named admins
    /// (TOML; README.md, "Sign-in", shows one). Without it only the development
    /// sign-in exists, and only with --dev.
    #[arg(long, env = "PORTICO_AUTH_CONFIG", global = true)]
    pub auth_config: Option<PathBuf>,

    /// Directory of Portico's own keys (client assertions, encrypted ID
    /// tokens, DPoP). Defaults to `keys` in the data directory; generated
    /// there on first start.
    #[arg(long, env = "PORTICO_KEYS_DIR", global = true)]
    pub keys_dir: Option<PathBuf>,

    /// Where notification emails go: a plain SMTP relay, `smtp://HOST:PORT`
    /// (no TLS, no credentials: a relay on this host or network). Without
    /// it, notifications are in the portal only.
    #[arg(long, env = "PORTICO_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,

    /// The sender of notification emails.
    #[arg(
        long,
        env = "PORTICO_MAIL_FROM",
        default_value = "Portico <portico@localhost>",
        global = true
    )]
    pub mail_from: String,

    /// The bearer token that Prometheus presents to read `/metrics` on
    /// either listener. Without it, metrics are served to loopback only.
    #[arg(
        long,
        env = "PORTICO_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Redis, where the gateway nodes of a cluster share rate limits and
    /// quotas: `redis://HOST:PORT/`. Without it each gateway limits alone,
    /// in memory. If Redis becomes unreachable, each node decides with its
    /// share of the limits until it answers again.
    #[arg(long, env = "PORTICO_REDIS_URL", global = true, hide_env_values = true)]
    pub redis_url: Option<String>,
}

impl Config {
    /// The database URL to use: the one given, or a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => crate::db::sqlite_url(&self.data_dir.join("portico.db")),
        }
    }

    /// A configuration for tests: ephemeral ports, a given data directory.
    pub fn for_tests(data_dir: PathBuf, database_url: Option<String>) -> Self {
        let any_port: SocketAddr = ([127, 0, 0, 1], 0).into();
        Self {
            data_dir,
            database_url,
            portal_addr: any_port,
            gateway_addr: any_port,
            dev: true,
            site_root: PathBuf::from("target/site"),
            gateway_public_url: None,
            upstream_timeout_secs: 2,
            gateway_max_body_bytes: 1024 * 1024,
            upstream_ca_file: None,
            gateway_threads: 2,
            usage_flush_ms: 200,
            public_url: None,
            auth_config: None,
            keys_dir: None,
            smtp_url: None,
            mail_from: "Portico <portico@localhost>".into(),
            metrics_token: None,
            redis_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_match_the_readme() {
        let cli = Cli::try_parse_from(["portico", "serve"]).unwrap();
        assert_eq!(cli.config.portal_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.config.gateway_addr.to_string(), "127.0.0.1:8080");
        assert!(cli
            .config
            .database_url()
            .starts_with("sqlite://./data/portico.db"));
    }
}
