//! The link of a node to Redis: one multiplexed connection, a heartbeat
//! every second that announces the node in `portico:nodes` and counts the
//! live ones, and whether Redis is up. Calls never wait for a reconnection:
//! while Redis is down they are decided locally, and only the heartbeat
//! tries again.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{RwLock, Weak};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisError, Script};

/// How long a call waits for Redis before deciding locally.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_millis(100);
/// How long connecting to Redis may take (the heartbeat's attempts).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
/// How often a node says it is alive (and retries a lost Redis).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);
/// A node not heard of for this long is not counted in the shares.
const LIVE_FOR_MS: u64 = 5_000;
const NODES_KEY: &str = "portico:nodes";

pub(super) struct Link {
    client: Client,
    /// This node's member in `portico:nodes`.
    node_id: String,
    /// The connection, with the generation it was made in; `None` while down.
    connection: RwLock<Option<(u64, MultiplexedConnection)>>,
    generation: AtomicU64,
    up: AtomicBool,
    /// Whether Redis ever answered (for the wording of the log).
    ever_up: AtomicBool,
    live_nodes: AtomicU32,
    heartbeat: Script,
}

impl Link {
    pub(super) fn new(client: Client) -> Self {
        Self {
            client,
            node_id: uuid::Uuid::new_v4().simple().to_string(),
            connection: RwLock::new(None),
            generation: AtomicU64::new(0),
            up: AtomicBool::new(false),
            ever_up: AtomicBool::new(false),
            live_nodes: AtomicU32::new(1),
            heartbeat: Script::new(include_str!("heartbeat.lua")),
        }
    }

    pub(super) fn is_up(&self) -> bool {
        self.up.load(Ordering::Acquire)
    }

    /// The live nodes last counted (1 if never counted).
    pub(super) fn live_nodes(&self) -> u32 {
        self.live_nodes.load(Ordering::Acquire).max(1)
    }

    /// The connection to use for a call, with its generation; `None` while
    /// Redis is down.
    pub(super) fn current(&self) -> Option<(u64, MultiplexedConnection)> {
        if !self.up.load(Ordering::Acquire) {
            return None;
        }
        self.connection
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Drops the connection of this generation (not a newer one) and logs
    /// the loss once.
    pub(super) fn mark_down(&self, generation: u64, reason: &str) {
        let mut connection = self
            .connection
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if connection.as_ref().map(|(g, _)| *g) != Some(generation) {
            return;
        }
        *connection = None;
        if self.up.swap(false, Ordering::AcqRel) {
            tracing::warn!(
                error = reason,
                live_nodes = self.live_nodes.load(Ordering::Acquire),
                "Redis lost: rate limits and quotas are decided on this node with its share until it answers"
            );
        }
    }

    /// One heartbeat: connects when there is no connection, announces this
    /// node, learns the live nodes, and marks Redis up or down.
    pub(super) async fn beat(&self) {
        let existing = self
            .connection
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let (generation, mut connection) = match existing {
            Some(found) => found,
            None => match self.open().await {
                Ok(opened) => opened,
                Err(_) => return,
            },
        };
        let answer = tokio::time::timeout(
            RESPONSE_TIMEOUT * 5,
            self.heartbeat
                .key(NODES_KEY)
                .arg(&self.node_id)
                .arg(LIVE_FOR_MS)
                .invoke_async::<u32>(&mut connection),
        )
        .await;
        match answer {
            Ok(Ok(nodes)) => {
                self.live_nodes.store(nodes.max(1), Ordering::Release);
                self.mark_up(generation, connection);
            }
            Ok(Err(err)) => self.mark_down(generation, &err.to_string()),
            Err(_) => self.mark_down(generation, "no answer in time"),
        }
    }

    async fn open(&self) -> Result<(u64, MultiplexedConnection), RedisError> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(RESPONSE_TIMEOUT);
        let connection = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        Ok((generation, connection))
    }

    fn mark_up(&self, generation: u64, connection: MultiplexedConnection) {
        {
            let mut current = self
                .connection
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match current.as_ref() {
                Some((g, _)) if *g == generation => {}
                Some(_) => return,
                None => *current = Some((generation, connection)),
            }
        }
        if !self.up.swap(true, Ordering::AcqRel) {
            let nodes = self.live_nodes.load(Ordering::Acquire);
            if self.ever_up.swap(true, Ordering::AcqRel) {
                tracing::info!(
                    live_nodes = nodes,
                    "Redis is back: rate limits and quotas are shared again"
                );
            } else {
                tracing::info!(
                    live_nodes = nodes,
                    "rate limits and quotas are shared in Redis"
                );
            }
        }
    }
}

pub(super) fn is_unreachable(err: &RedisError) -> bool {
    err.is_io_error()
        || err.is_timeout()
        || err.is_connection_dropped()
        || err.is_connection_refusal()
        || err.is_unrecoverable_error()
}

/// Beats every second for as long as a handle of the node exists.
pub(super) async fn run_heartbeat(link: Weak<Link>) {
    let mut every = tokio::time::interval(HEARTBEAT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await;
    loop {
        every.tick().await;
        let Some(link) = link.upgrade() else { return };
        link.beat().await;
    }
}
