//! The application: connect, migrate, seed (in development), bind both
//! listeners, and serve until told to stop.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::clock::Clock;
use super::config::Config;
use super::data_plane::data_plane;
use super::portal;
use super::state::AppState;
use crate::catalogue;
use crate::db::Db;
use crate::demo;
use crate::gateway::routes::RouteTable;
use crate::gateway::Gateway;
use crate::reference::cache::DocumentCache;

/// The sign-in configuration, Portico's keys and the providers.
fn auth_state(
    config: &Config,
    portal_addr: SocketAddr,
) -> anyhow::Result<std::sync::Arc<crate::auth::AuthState>> {
    use crate::auth::{config::AuthConfig, keys::KeySet, oidc::Providers, AuthState};

    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| base_url(portal_addr));
    let public_url = url::Url::parse(&public_url)
        .with_context(|| format!("--public-url {public_url:?} is not a URL"))?;
    let auth_config = match &config.auth_config {
        Some(path) => AuthConfig::load(path)?,
        None => AuthConfig::default(),
    };
    let keys_dir = config
        .keys_dir
        .clone()
        .unwrap_or_else(|| config.data_dir.join("keys"));
    let keys = KeySet::load_or_generate(&keys_dir)?;
    let providers = Providers::new(auth_config, std::sync::Arc::new(keys), public_url.clone())?;
    Ok(std::sync::Arc::new(AuthState {
        providers,
        public_url,
    }))
}

/// Deletes expired sessions every hour, for as long as the process runs.
fn spawn_session_cleanup(db: &Db) {
    use tower_sessions::session_store::ExpiredDeletion as _;
    let store = crate::auth::session::DbStore::new(db.clone());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(err) = store.delete_expired().await {
                tracing::warn!(error = %err, "expired sessions not deleted");
            }
        }
    });
}

/// A built Portico: its listeners bound, ready to serve. `serve` has both
/// the portal and the gateway; `gateway` (a cluster's data-plane node) has
/// the gateway alone.
pub struct Application {
    /// The portal and its listener (`serve` only).
    portal: Option<(TcpListener, axum::Router)>,
    gateway_listener: TcpListener,
    gateway: Gateway,
    /// Threads serving the gateway's calls.
    gateway_threads: usize,
    db: Db,
    routes: RouteTable,
    usage: crate::gateway::usage::UsageSink,
    /// The cluster's change feed (PostgreSQL), ended at shutdown.
    feed: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Builds everything a `serve` needs. Binding port 0 picks a free port;
    /// [`Application::portal_addr`] and [`Application::gateway_addr`] tell which.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Clock::system()).await
    }

    pub async fn build_with_clock(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let db = open_database(&config).await?;
        let filled = catalogue::service::backfill_operations(&db, &clock.now_text()).await?;
        if filled > 0 {
            tracing::info!(
                versions = filled,
                "operations of older versions stored for search"
            );
        }
        let portal_listener = bind(config.portal_addr, "portal").await?;
        let gateway_listener = bind(config.gateway_addr, "gateway").await?;
        let portal_addr = portal_listener.local_addr()?;
        let gateway_addr = gateway_listener.local_addr()?;

        if config.dev {
            let report = demo::seed(&db, &clock, &base_url(portal_addr)).await?;
            tracing::info!(
                apis.created = report.apis_created,
                upstreams.moved = report.upstreams_moved,
                "demo data in place"
            );
        }
        // Portico's own REST API is in the catalogue in every mode (see
        // crate::rest::ensure_listed for why not with the demo data).
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| base_url(portal_addr));
        if crate::rest::ensure_listed(&db, &clock, &public_url).await? {
            tracing::info!("Portico's REST API listed in the catalogue");
        }
        let (gateway, feed, gateway_url) = data_plane(&config, &db, &clock, gateway_addr).await?;
        let routes = gateway.routes.clone();
        let auth = auth_state(&config, portal_addr)?;
        let mailer = match &config.smtp_url {
            Some(url) => crate::notify::mail::Mailer::start(url, &config.mail_from, &public_url)?,
            None => crate::notify::mail::Mailer::disabled(),
        };
        let state = AppState {
            leptos_options: leptos_options(&config, portal_addr),
            db: db.clone(),
            clock,
            gateway_url,
            dev: config.dev,
            routes: routes.clone(),
            changes: gateway.changes(),
            reference: DocumentCache::default(),
            gateway_internal_url: base_url(gateway_addr),
            http: crate::gateway::proxy::client(&gateway.tls),
            upstream_timeout: Duration::from_secs(config.upstream_timeout_secs),
            auth,
            mailer,
            metrics: std::sync::Arc::default(),
            metrics_access: crate::metrics::Access::new(config.metrics_token.as_deref()),
        };
        spawn_session_cleanup(&db);
        db.spawn_checkpoints();
        let portal = Some((portal_listener, portal::router(state)));
        let threads = crate::gateway::serve::threads(config.gateway_threads);
        Ok(Self::assemble(
            portal,
            (gateway_listener, threads),
            gateway,
            db,
            feed,
        ))
    }

    /// Builds a gateway node of a cluster: the data plane alone, on the
    /// shared database. A database that does not answer at start is
    /// waited for, saying so every few seconds, rather than failing (a
    /// node restarted during an outage comes up when the database does).
    pub async fn build_gateway(config: Config) -> anyhow::Result<Self> {
        let clock = Clock::system();
        let db = open_database_patiently(&config).await?;
        let gateway_listener = bind(config.gateway_addr, "gateway").await?;
        let gateway_addr = gateway_listener.local_addr()?;
        let (gateway, feed, _) = data_plane(&config, &db, &clock, gateway_addr).await?;
        let threads = crate::gateway::serve::threads(config.gateway_threads);
        Ok(Self::assemble(
            None,
            (gateway_listener, threads),
            gateway,
            db,
            feed,
        ))
    }

    /// The parts of either kind of node, put together.
    fn assemble(
        portal: Option<(TcpListener, axum::Router)>,
        (gateway_listener, gateway_threads): (TcpListener, usize),
        gateway: Gateway,
        db: Db,
        feed: Option<tokio::task::JoinHandle<()>>,
    ) -> Self {
        Self {
            portal,
            gateway_listener,
            routes: gateway.routes.clone(),
            usage: gateway.usage.clone(),
            gateway,
            gateway_threads,
            db,
            feed,
        }
    }

    /// The portal's address; the gateway's for a gateway node, which has
    /// no portal.
    pub fn portal_addr(&self) -> SocketAddr {
        self.portal
            .as_ref()
            .map_or(&self.gateway_listener, |(listener, _)| listener)
            .local_addr()
            .unwrap_or_else(|_| ([127, 0, 0, 1], 0).into())
    }

    pub fn gateway_addr(&self) -> SocketAddr {
        self.gateway_listener
            .local_addr()
            .unwrap_or_else(|_| ([127, 0, 0, 1], 0).into())
    }

    /// The database this application uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The gateway's route table, to reload after changing the catalogue.
    pub fn routes(&self) -> &RouteTable {
        &self.routes
    }

    /// Serves both listeners until `shutdown` completes, then lets requests in
    /// flight finish and closes the database.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        tracing::info!("gateway listening on http://{}", self.gateway_addr());
        let portal = self.portal.map(|(listener, router)| {
            if let Ok(addr) = listener.local_addr() {
                tracing::info!("portal listening on http://{addr}");
            }
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(stopped(stop_rx.clone()))
        });
        let portal = async move {
            match portal {
                Some(portal) => portal.into_future().await,
                None => Ok(()),
            }
        };
        let gateway = crate::gateway::serve::serve(
            self.gateway_listener,
            self.gateway,
            self.gateway_threads,
            stopped(stop_rx),
        );
        let (portal, gateway) = tokio::join!(portal, gateway);
        portal.context("the portal stopped with an error")?;
        gateway.context("the gateway stopped with an error")?;
        if let Some(feed) = self.feed {
            feed.abort();
        }
        // Quota counters and usage of the last seconds, before the pool closes.
        self.usage.flush().await;
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// [`open_database`], retried every two seconds until the database answers.
/// Start-up problems that waiting cannot fix (a malformed URL, a failed
/// migration) still end the start.
async fn open_database_patiently(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    crate::db::Backend::from_url(&url)?;
    let mut attempts = 0_u32;
    loop {
        match Db::connect(&url).await {
            Ok(db) => {
                db.migrate().await?;
                if attempts > 0 {
                    tracing::info!(attempts, "database reachable: starting");
                }
                return Ok(db);
            }
            Err(err) => {
                attempts += 1;
                tracing::error!(
                    error = format!("{err:#}"),
                    attempts,
                    "database unreachable at start: this gateway node serves nothing until it answers; retrying in 2 s"
                );
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
}

/// Connects to the configured database and applies pending migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "could not create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    let db = Db::connect(&config.database_url()).await?;
    db.migrate().await?;
    Ok(db)
}

async fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| {
        format!("could not listen on {addr} for the {what}: is another program using it? Choose another with --{what}-addr")
    })
}

/// `http://ADDR`, with an unspecified address (0.0.0.0) shown as loopback.
pub(super) fn base_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip([127, 0, 0, 1].into());
    }
    format!("http://{addr}")
}

fn leptos_options(config: &Config, portal_addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("portico")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(portal_addr)
        .build()
}

/// Completes on Ctrl-C or SIGTERM.
///
/// The handlers are installed when this is called, not when the future is
/// first polled: a SIGTERM that arrives right after the listening lines are
/// logged must stop the server gracefully, not kill it.
#[cfg(unix)]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
            match stream {
                Some(mut stream) => {
                    stream.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = wait(interrupt) => {},
            _ = wait(terminate) => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send {
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}
