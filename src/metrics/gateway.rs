//! The gateway's metrics: calls by status class and their latency (counted
//! on the request path), calls refused by a limit, and gauges read at
//! scrape time from the gateway's state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{ByClass, Histogram, Page};
use crate::server::lanes;

/// Which limit refused a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// A per-second or per-minute rate.
    Rate,
    /// A daily or monthly quota.
    Quota,
}

/// Counted on the request path.
pub struct GatewayMetrics {
    /// Calls and their latency, in a part per serving thread, added up
    /// when the page is read.
    parts: Box<[Part]>,
    limited_rate: AtomicU64,
    limited_quota: AtomicU64,
}

/// One lane's counts (see [`lanes`]), aligned to cache lines of its own.
#[derive(Default)]
#[repr(align(128))]
struct Part {
    requests: ByClass,
    duration: Histogram,
}

impl Default for GatewayMetrics {
    fn default() -> Self {
        Self {
            parts: (0..lanes::LANES).map(|_| Part::default()).collect(),
            limited_rate: AtomicU64::default(),
            limited_quota: AtomicU64::default(),
        }
    }
}

/// Read from the gateway's state when the metrics are scraped.
#[derive(Clone, Debug, Default)]
pub struct Gauges {
    pub keys: usize,
    pub subscriptions: usize,
    pub routes: usize,
    pub usage_dropped: u64,
    pub usage_pending: usize,
    pub database_up: bool,
    /// Seconds since the snapshot was last known to match the database
    /// (0 while it does).
    pub snapshot_age_seconds: i64,
    /// When the snapshot was last read whole, in Unix seconds.
    pub snapshot_loaded_at: i64,
    /// A cluster node's change feed is not connected: other nodes' changes
    /// do not reach it until it is back.
    pub feed_down: bool,
    /// The shared limiter, in a cluster.
    pub redis: Option<RedisGauges>,
}

impl Gauges {
    /// The database or Redis is unreachable, or the snapshot may be missing
    /// changes: the gateway runs on what it holds.
    pub fn degraded(&self) -> bool {
        !self.database_up
            || self.feed_down
            || self.snapshot_age_seconds > 0
            || self.redis.is_some_and(|redis| !redis.up)
    }
}

/// The state of the shared limiter.
#[derive(Clone, Copy, Debug, Default)]
pub struct RedisGauges {
    pub up: bool,
    pub live_nodes: u32,
    pub fallback_calls: u64,
}

impl GatewayMetrics {
    /// One call answered, by its status and how long it took.
    pub fn observe(&self, status: u16, elapsed: Duration) {
        let part = &self.parts[lanes::mine()];
        part.requests.add(status);
        part.duration.observe(elapsed);
    }

    /// One call refused by a limit.
    pub fn limited(&self, limit: Limit) {
        let counter = match limit {
            Limit::Rate => &self.limited_rate,
            Limit::Quota => &self.limited_quota,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The page: counters, then the gauges.
    pub fn render(&self, gauges: &Gauges) -> Page {
        let mut page = Page::default();
        let all = Part::default();
        for part in self.parts.iter() {
            all.requests.add_all(&part.requests);
            all.duration.add_all(&part.duration);
        }
        all.requests.render(
            &mut page,
            "portico_gateway_requests_total",
            "Calls answered by the gateway, by status class.",
        );
        all.duration.render(
            &mut page,
            "portico_gateway_request_duration_seconds",
            "Time from a call's arrival to its response headers.",
        );
        page.labelled(
            "portico_gateway_limited_total",
            "Calls refused with 429, by the kind of limit that refused them.",
            "counter",
            "limit",
            [
                ("rate", self.limited_rate.load(Ordering::Relaxed)),
                ("quota", self.limited_quota.load(Ordering::Relaxed)),
            ],
        );
        page.sample(
            "portico_gateway_usage_dropped_total",
            "Usage events dropped because the usage channel was full.",
            "counter",
            gauges.usage_dropped,
        );
        page.sample(
            "portico_gateway_usage_pending_rows",
            "Per-minute usage rows waiting to be written (they grow while the database is down).",
            "gauge",
            gauges.usage_pending,
        );
        page.sample(
            "portico_gateway_snapshot_keys",
            "API keys held in memory.",
            "gauge",
            gauges.keys,
        );
        page.sample(
            "portico_gateway_snapshot_subscriptions",
            "Approved subscriptions held in memory.",
            "gauge",
            gauges.subscriptions,
        );
        page.sample(
            "portico_gateway_routes",
            "APIs in the route table.",
            "gauge",
            gauges.routes,
        );
        page.sample(
            "portico_gateway_snapshot_age_seconds",
            "Seconds since the in-memory snapshot was last known to match the database; 0 while it does.",
            "gauge",
            gauges.snapshot_age_seconds,
        );
        page.sample(
            "portico_gateway_snapshot_loaded_timestamp_seconds",
            "When the snapshot was last read whole from the database, in Unix seconds.",
            "gauge",
            gauges.snapshot_loaded_at,
        );
        page.sample(
            "portico_gateway_database_up",
            "1 when the database answers, 0 when the gateway serves from memory alone.",
            "gauge",
            u8::from(gauges.database_up),
        );
        let degraded = gauges.degraded();
        page.sample(
            "portico_gateway_degraded",
            "1 when the database or Redis is unreachable, or changes may have been missed, and the gateway runs on what it holds.",
            "gauge",
            u8::from(degraded),
        );
        if let Some(redis) = gauges.redis {
            page.sample(
                "portico_gateway_redis_up",
                "1 when the shared limiter (Redis) answers, 0 when limits are local shares.",
                "gauge",
                u8::from(redis.up),
            );
            page.sample(
                "portico_gateway_live_nodes",
                "Gateway nodes seen by the shared limiter in the last seconds.",
                "gauge",
                redis.live_nodes,
            );
            page.sample(
                "portico_gateway_limiter_fallback_total",
                "Calls whose limits were decided locally because Redis was unreachable.",
                "counter",
                redis.fallback_calls,
            );
        }
        page
    }
}
