//! The change feed of a cluster: every node on one PostgreSQL hears every
//! other node's changes through `LISTEN`/`NOTIFY`.
//!
//! The node whose portal committed a change applies it in-process first
//! ([`super::changes::Changes::publish`]), then sends it on the channel
//! `portico_changes` as JSON; every node that listens (its own included,
//! harmlessly: applying a change reads rows again) applies it on arrival.
//! There is no polling. What `NOTIFY` cannot promise (a listener that was
//! disconnected hears nothing of what was sent meanwhile) is made up by a
//! resync: after every (re)connection the node starts listening first, then
//! reads keys, subscriptions and routes whole, so no change falls between
//! the two. While the feed is down the snapshot is marked stale (its age
//! shows in `/healthz` and the metrics) and the node keeps serving from it.
//!
//! A connection can also die without a word: the database fails over to
//! another address, or the network between them is cut, and no packet
//! says so (a half-open connection). The listener would wait for the next
//! change forever, and the node would believe it was listening while every
//! change, revocations included, passed it by. So a feed that has been
//! quiet for [`QUIET`] checks its own connection with a query, and gives
//! the connection up when that takes longer than [`CHECK_TIMEOUT`]: the
//! node knows, and says, within about eight seconds.
//!
//! SQLite has no such channel and no second node: there the in-process bus
//! is all there is.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};

use tokio::sync::oneshot;

use super::changes::{Change, Changes};
use super::within;
use crate::db::Db;

/// The PostgreSQL channel that carries changes.
pub const CHANNEL: &str = "portico_changes";

/// How long a listener waits before connecting again after a failure.
const RETRY: Duration = Duration::from_millis(500);

/// How long one attempt to connect the listener may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a starting node waits for its feed's first attempt to connect
/// (connecting, `LISTEN` and reading the snapshot again).
const FIRST_ATTEMPT: Duration = Duration::from_secs(10);

/// How long the feed may be quiet before its connection is checked.
const QUIET: Duration = Duration::from_secs(5);

/// How long that check may take before the connection is given up.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// How long reading keys, subscriptions and routes whole may take after a
/// (re)connection: far longer than 100,000 keys take, far shorter than a
/// connection that no longer answers takes to fail on its own.
const RESYNC_TIMEOUT: Duration = Duration::from_secs(60);

/// What a node's change feed is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedState {
    /// One node (SQLite): changes are applied in-process only.
    InProcess,
    /// Listening: changes from every node arrive as they commit.
    Listening,
    /// Not connected: changes of other nodes are not heard until it is
    /// back and has resynchronised.
    Reconnecting,
}

impl FeedState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProcess => "in-process",
            Self::Listening => "listening",
            Self::Reconnecting => "reconnecting",
        }
    }
}

/// The feed's state, shared with health and metrics.
#[derive(Clone)]
pub struct Feed(Arc<AtomicU8>);

impl Feed {
    /// A node without a feed (SQLite).
    pub fn in_process() -> Self {
        Self(Arc::new(AtomicU8::new(0)))
    }

    pub fn state(&self) -> FeedState {
        match self.0.load(Ordering::Relaxed) {
            0 => FeedState::InProcess,
            1 => FeedState::Listening,
            _ => FeedState::Reconnecting,
        }
    }

    fn set(&self, state: FeedState) {
        let value = match state {
            FeedState::InProcess => 0,
            FeedState::Listening => 1,
            FeedState::Reconnecting => 2,
        };
        self.0.store(value, Ordering::Relaxed);
    }

    /// Starts listening on `database_url` (PostgreSQL) for as long as the
    /// process runs; the task is returned so that a stopping node can end it.
    ///
    /// Returns once the first attempt to connect has ended, or after
    /// [`FIRST_ATTEMPT`]: a node that starts answering calls is listening
    /// already (and its `/healthz` says `ok`), unless the database is slow
    /// to answer, in which case it says `reconnecting` and keeps trying.
    pub async fn listen(
        database_url: String,
        changes: Changes,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let feed = Self(Arc::new(AtomicU8::new(2)));
        let (attempted, first) = oneshot::channel();
        let task = tokio::spawn(run(database_url, changes, feed.clone(), attempted));
        if tokio::time::timeout(FIRST_ATTEMPT, first).await.is_err() {
            tracing::info!(
                "the change feed is not connected yet; starting anyway, it keeps trying"
            );
        }
        (feed, task)
    }
}

/// Sends a committed change to every listening node.
pub async fn notify(db: &Db, change: &Change) -> anyhow::Result<()> {
    let payload = serde_json::to_string(change)?;
    sqlx::query("select pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(db.pool())
        .await?;
    Ok(())
}

async fn run(url: String, changes: Changes, feed: Feed, attempted: oneshot::Sender<()>) {
    let mut attempted = Some(attempted);
    let options: PgConnectOptions = match url.parse() {
        Ok(options) => options,
        Err(err) => {
            tracing::error!(error = %err, "change feed not started: the database URL was not understood");
            return;
        }
    };
    // Warned once per outage, not once per attempt.
    let mut warned = false;
    loop {
        // A pool of its own for each attempt: a connection given up on
        // may still be held by the pool (its listener's clean-up waits on
        // a connection that no longer answers), and must not keep the next
        // attempt from connecting.
        let pool = listener_pool(options.clone());
        match connect(&pool, &changes).await {
            Ok(mut listener) => {
                feed.set(FeedState::Listening);
                if warned {
                    tracing::info!("change feed back: listening again, snapshot resynchronised");
                } else {
                    tracing::info!(channel = CHANNEL, "change feed listening");
                }
                first_attempt_ended(&mut attempted);
                let why = receive(&mut listener, &changes).await;
                tracing::warn!(error = %why, "change feed lost; serving from the snapshot held, reconnecting");
                warned = true;
            }
            Err(err) => {
                if !warned {
                    tracing::warn!(
                        error = format!("{err:#}"),
                        "change feed not connected; serving from the snapshot held, retrying"
                    );
                    warned = true;
                }
            }
        }
        feed.set(FeedState::Reconnecting);
        changes.mark_stale();
        first_attempt_ended(&mut attempted);
        tokio::time::sleep(RETRY).await;
    }
}

/// Tells a starting node that the first attempt has ended (it may have
/// stopped waiting already).
fn first_attempt_ended(attempted: &mut Option<oneshot::Sender<()>>) {
    if let Some(first) = attempted.take() {
        let _ = first.send(());
    }
}

/// The listener's own connection, in a pool of one that gives up quickly:
/// the feed's loop, not the pool, decides when to try again, so that the
/// node knows (and says) that it is not listening.
fn listener_pool(options: PgConnectOptions) -> PgPool {
    PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(CONNECT_TIMEOUT)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_lazy_with(options)
}

/// Connects and listens, then reads everything again: whatever was sent
/// while this node was not listening is in what it reads.
async fn connect(pool: &PgPool, changes: &Changes) -> anyhow::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection ends `receive` at once; by default the listener
    // would first try to connect again inside `try_recv`, for as long as
    // the pool's timeout, while this node still believed it was listening.
    listener.eager_reconnect(false);
    within(CHECK_TIMEOUT, "LISTEN", listener.listen(CHANNEL)).await?;
    within(
        RESYNC_TIMEOUT,
        "the resynchronisation",
        changes.reload_all(),
    )
    .await?;
    Ok(listener)
}

/// Applies changes as they arrive, until the connection is lost or stops
/// answering; why it ended.
async fn receive(listener: &mut PgListener, changes: &Changes) -> String {
    loop {
        // Waiting for a message can be given up and started again without
        // losing one: sqlx keeps a message's bytes until it is whole.
        let Ok(received) = tokio::time::timeout(QUIET, listener.try_recv()).await else {
            let check = sqlx::query("select 1").execute(&mut *listener);
            match within(CHECK_TIMEOUT, "the connection's check", check).await {
                Ok(_) => continue,
                Err(err) => return format!("{err:#}"),
            }
        };
        match received {
            Ok(Some(notification)) => {
                tracing::debug!(payload = notification.payload(), "change received");
                match serde_json::from_str::<Change>(notification.payload()) {
                    Ok(change) => changes.apply_or_resync(&change).await,
                    Err(err) => {
                        tracing::warn!(error = %err, "a change on the feed was not understood; resynchronising");
                        changes.resync_later();
                    }
                }
            }
            // What is sent from now until the node listens again is not
            // heard: the caller connects again and rereads everything.
            Ok(None) => return "connection closed".to_owned(),
            Err(err) => return err.to_string(),
        }
    }
}
