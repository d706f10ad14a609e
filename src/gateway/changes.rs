//! How portal changes reach the gateway: after a transaction commits, the
//! portal publishes a [`Change`], and the gateway reloads the rows it names
//! into its snapshot before `publish` returns. So once the portal's answer
//! to a revocation is sent, the next call through the gateway gets 401.
//!
//! A `Change` names what changed, never the new state: applying one reads
//! the affected rows again, so a change applied twice or late does no harm.
//! It is serialisable so that a cluster (issue 9) can carry the same events
//! to other nodes over PostgreSQL `LISTEN/NOTIFY`; on one node the portal
//! and the gateway share this bus in-process. There is no TTL polling.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::routes::RouteTable;
use super::snapshot::Snapshot;
use crate::access::grants::GrantFilter;
use crate::db::Db;
use crate::server::clock::Clock;

/// What changed in the portal, as far as the gateway cares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// An application's keys: one created, rotated or revoked.
    Keys { app_id: i64 },
    /// An application's subscriptions: one approved or revoked.
    Grants { app_id: i64 },
    /// An application as a whole: deleted (its keys and subscriptions end).
    App { app_id: i64 },
    /// A plan's limits changed, or it was retired: its subscriptions follow.
    Plan { plan_id: i64 },
    /// The route table: an API published or changed, an agency suspended
    /// or reactivated.
    Routes,
}

/// The bus: applies changes to this node's gateway state and, on
/// PostgreSQL, sends them to the other nodes (see [`super::feed`]).
#[derive(Clone)]
pub struct Changes {
    db: Db,
    clock: Clock,
    routes: RouteTable,
    snapshot: Snapshot,
    /// Send each change on the cluster's feed too (PostgreSQL).
    notify: bool,
    /// Changes are applied one at a time, so that an older read never
    /// overwrites a newer one.
    applying: Arc<tokio::sync::Mutex<()>>,
}

impl Changes {
    pub fn new(db: Db, clock: Clock, routes: RouteTable, snapshot: Snapshot) -> Self {
        let notify = db.backend() == crate::db::Backend::Postgres;
        Self {
            db,
            clock,
            routes,
            snapshot,
            notify,
            applying: Arc::default(),
        }
    }

    /// Applies a committed change before returning, and tells the other
    /// nodes. A failure is logged and a full reload is tried in the
    /// background: the change stands in the database, and the gateway must
    /// not keep an old key alive for long.
    pub async fn publish(&self, change: Change) {
        self.apply_or_resync(&change).await;
        if self.notify {
            if let Err(err) = super::feed::notify(&self.db, &change).await {
                tracing::warn!(
                    error = format!("{err:#}"),
                    ?change,
                    "change not sent to the other nodes; retrying"
                );
                let db = self.db.clone();
                tokio::spawn(async move {
                    for _ in 0..30 {
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        if super::feed::notify(&db, &change).await.is_ok() {
                            return;
                        }
                    }
                    tracing::error!(?change, "change not sent to the other nodes for 30 s: they pick it up at their next resync");
                });
            }
        }
    }

    /// Applies a change; when that fails, marks the snapshot stale and
    /// reads everything again in the background.
    pub async fn apply_or_resync(&self, change: &Change) {
        if let Err(err) = self.apply(change).await {
            tracing::error!(
                error = format!("{err:#}"),
                ?change,
                "gateway change not applied"
            );
            self.mark_stale();
            self.resync_later();
        }
    }

    /// The snapshot may be missing changes from now on.
    pub fn mark_stale(&self) {
        self.snapshot.mark_stale(self.clock.now());
    }

    /// Reads everything again in the background, every second until it
    /// succeeds (the database may be down).
    pub fn resync_later(&self) {
        let bus = self.clone();
        tokio::spawn(async move {
            let mut wait = std::time::Duration::from_secs(1);
            loop {
                tokio::time::sleep(wait).await;
                match bus.reload_all().await {
                    Ok(()) => return,
                    Err(err) => {
                        tracing::warn!(
                            error = format!("{err:#}"),
                            "gateway snapshot not reloaded; retrying"
                        );
                        wait = (wait * 2).min(std::time::Duration::from_secs(30));
                    }
                }
            }
        });
    }

    /// Reads what the change names again into the snapshot or route table.
    pub async fn apply(&self, change: &Change) -> anyhow::Result<()> {
        let _one_at_a_time = self.applying.lock().await;
        let now = self.clock.now();
        match *change {
            Change::Keys { app_id } => {
                self.snapshot
                    .reload_keys(&self.db, Some(app_id), now)
                    .await?
            }
            Change::Grants { app_id } => {
                self.snapshot
                    .reload_grants(&self.db, GrantFilter::App(app_id))
                    .await?
            }
            Change::App { app_id } => {
                self.snapshot
                    .reload_keys(&self.db, Some(app_id), now)
                    .await?;
                self.snapshot
                    .reload_grants(&self.db, GrantFilter::App(app_id))
                    .await?;
            }
            Change::Plan { plan_id } => {
                self.snapshot
                    .reload_grants(&self.db, GrantFilter::Plan(plan_id))
                    .await?
            }
            Change::Routes => {
                self.routes.reload(&self.db).await?;
            }
        }
        tracing::debug!(?change, "gateway change applied");
        Ok(())
    }

    /// Reads everything again: after a failed change, or a reconnect.
    pub async fn reload_all(&self) -> anyhow::Result<()> {
        let _one_at_a_time = self.applying.lock().await;
        self.snapshot
            .reload_keys(&self.db, None, self.clock.now())
            .await?;
        self.snapshot
            .reload_grants(&self.db, GrantFilter::All)
            .await?;
        self.routes.reload(&self.db).await?;
        self.snapshot.mark_loaded(self.clock.now());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_travel_as_json() {
        let change = Change::Keys { app_id: 4 };
        let text = serde_json::to_string(&change).unwrap();
        assert_eq!(text, r#"{"change":"keys","app_id":4}"#);
        assert_eq!(serde_json::from_str::<Change>(&text).unwrap(), change);
        let routes = serde_json::to_string(&Change::Routes).unwrap();
        assert_eq!(
            serde_json::from_str::<Change>(&routes).unwrap(),
            Change::Routes
        );
    }
}
