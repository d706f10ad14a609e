//! The gateway's own pages: `/healthz`, `/metrics` and the identity
//! token's JWKS. API calls are in the parent module.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::{feed, Gateway};
use crate::metrics::gateway::{Gauges, RedisGauges};

/// The gateway's health. It keeps serving from memory when the database
/// or Redis is down, so it answers 200 and says `degraded`, with what is
/// missing: load balancers keep sending calls, operators see the outage.
pub(super) async fn healthz(State(gw): State<Arc<Gateway>>) -> Response {
    let gauges = gauges(&gw);
    let degraded = gauges.degraded();
    let body = serde_json::json!({
        "status": if degraded { "degraded" } else { "ok" },
        "component": "gateway",
        "version": env!("CARGO_PKG_VERSION"),
        "database": {
            "backend": gw.db.backend().as_str(),
            "reachable": gauges.database_up,
        },
        "changes": {
            "feed": gw.feed.state().as_str(),
            "snapshot_age_seconds": gauges.snapshot_age_seconds,
        },
        "usage": {
            "pending_rows": gauges.usage_pending,
            "dropped": gauges.usage_dropped,
        },
        "limits": match gauges.redis {
            Some(redis) => serde_json::json!({
                "shared": if redis.up { "redis" } else { "local-share" },
                "redis_reachable": redis.up,
                "live_nodes": redis.live_nodes,
                "fallback_calls": redis.fallback_calls,
            }),
            None => serde_json::json!({ "shared": "none" }),
        },
    });
    axum::Json(body).into_response()
}

/// The gauges of this gateway's state, read now.
pub(super) fn gauges(gw: &Gateway) -> Gauges {
    let now = gw.clock.now();
    let (keys, subscriptions) = gw.snapshot.counts();
    Gauges {
        keys,
        subscriptions,
        routes: gw.routes.len(),
        usage_dropped: gw.usage.dropped(),
        usage_pending: gw.usage.pending_rows(),
        database_up: gw.database.is_up(),
        snapshot_age_seconds: gw.snapshot.age_seconds(now),
        snapshot_loaded_at: gw.snapshot.loaded_at(),
        feed_down: gw.feed.state() == feed::FeedState::Reconnecting,
        redis: gw.shared.as_ref().map(|shared| RedisGauges {
            up: shared.is_up(),
            live_nodes: shared.live_nodes(),
            fallback_calls: shared.fallback_calls(),
        }),
    }
}

pub(super) async fn metrics(
    State(gw): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !gw.options.metrics.allows(peer, &headers) {
        return gw.options.metrics.refusal();
    }
    let page = gw.metrics.render(&gauges(&gw));
    page.into_response()
}

/// The public keys that verify the identity tokens sent to upstreams.
pub(super) async fn jwks(State(gw): State<Arc<Gateway>>) -> Response {
    let mut response = gw.identity.jwks().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}
