//! `GET /healthz` on both listeners: which database, and whether it answers.

use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::db::Db;

/// The health report of one listener. The portal cannot work without its
/// database, so it answers 503 when the database is unreachable; the gateway
/// keeps serving from memory, so it stays 200 (`survives_outage`).
pub async fn report(db: &Db, component: &str, survives_outage: bool) -> (StatusCode, Json<Value>) {
    let reachable = db.ping().await;
    let status = if reachable || survives_outage {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if reachable { "ok" } else { "degraded" },
        "component": component,
        "version": env!("CARGO_PKG_VERSION"),
        "database": { "backend": db.backend().as_str(), "reachable": reachable },
    });
    (status, Json(body))
}

/// Whether the database answered lately, checked every second in the
/// background, so that health and metrics answer at once during an outage
/// (a query on a pool whose server is gone waits for its timeout).
#[derive(Clone)]
pub struct DbWatch(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl DbWatch {
    /// Starts watching `db` for as long as its pool is open; changes of
    /// state are logged once each.
    pub fn spawn(db: Db) -> Self {
        use std::sync::atomic::Ordering;
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let watch = Self(up.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !db.pool().is_closed() {
                every.tick().await;
                let answered = tokio::time::timeout(std::time::Duration::from_secs(2), db.ping())
                    .await
                    .unwrap_or(false);
                let was = up.swap(answered, Ordering::Relaxed);
                if was && !answered {
                    tracing::warn!(
                        database = db.backend().as_str(),
                        "database unreachable: serving from memory, usage kept until it returns"
                    );
                } else if !was && answered {
                    tracing::info!(database = db.backend().as_str(), "database reachable again");
                }
            }
        });
        watch
    }

    pub fn is_up(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}
