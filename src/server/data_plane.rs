//! The data plane of either kind of node, put together at start: the
//! gateway's routes, snapshot, usage task and settings, and on PostgreSQL
//! the cluster's change feed.

use std::net::SocketAddr;
use std::time::Duration;

use super::clock::Clock;
use super::config::Config;
use super::startup::base_url;
use crate::db::Db;
use crate::gateway::routes::RouteTable;
use crate::gateway::Gateway;

/// The gateway's settings from the configuration.
fn gateway_options(config: &Config, issuer: &str) -> crate::gateway::Options {
    crate::gateway::Options {
        upstream_timeout: Duration::from_secs(config.upstream_timeout_secs),
        max_body_bytes: config.gateway_max_body_bytes,
        flush_every: Duration::from_millis(config.usage_flush_ms.max(10)),
        keys_dir: config
            .keys_dir
            .clone()
            .unwrap_or_else(|| config.data_dir.join("keys")),
        issuer: issuer.to_owned(),
        redis_url: config.redis_url.clone(),
        metrics: crate::metrics::Access::new(config.metrics_token.as_deref()),
        upstream_ca_file: config.upstream_ca_file.clone(),
    }
}

/// The gateway of either kind of node: its routes, snapshot and usage task,
/// and on PostgreSQL the change feed. Also returns its public URL.
pub(super) async fn data_plane(
    config: &Config,
    db: &Db,
    clock: &Clock,
    gateway_addr: SocketAddr,
) -> anyhow::Result<(Gateway, Option<tokio::task::JoinHandle<()>>, String)> {
    let routes = RouteTable::default();
    let count = routes.reload(db).await?;
    tracing::info!(routes = count, "gateway routes loaded");
    let gateway_url = config
        .gateway_public_url
        .clone()
        .unwrap_or_else(|| base_url(gateway_addr));
    let mut gateway = Gateway::start(
        db.clone(),
        clock.clone(),
        routes,
        gateway_options(config, &gateway_url),
    )
    .await?;
    let feed = listen_for_changes(config, &mut gateway).await;
    Ok((gateway, feed, gateway_url))
}

/// On PostgreSQL, starts listening to the cluster's change feed.
async fn listen_for_changes(
    config: &Config,
    gateway: &mut Gateway,
) -> Option<tokio::task::JoinHandle<()>> {
    let url = config.database_url();
    if crate::db::Backend::from_url(&url).ok()? != crate::db::Backend::Postgres {
        return None;
    }
    let (feed, task) = crate::gateway::feed::Feed::listen(url, gateway.changes()).await;
    gateway.feed = feed;
    Some(task)
}
