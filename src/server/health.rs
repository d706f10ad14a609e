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
