//! The per-request context that the gateway's phases share.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;

use super::snapshot::KeyEntry;
use super::usage::{UsageEvent, UsageSink};

/// What the phases learn about one request, and what the log line reports.
#[derive(Debug)]
pub struct RequestContext {
    pub started: Instant,
    pub request_id: Option<String>,
    pub method: String,
    pub path: String,
    pub peer: SocketAddr,
    pub api_id: Option<i64>,
    /// `/{agency}/{api}` once routed. The log names the route, never the
    /// rest of the path, which may carry personal data.
    pub route: Option<String>,
    /// When the call arrived, in Unix seconds (from the gateway's clock).
    pub at: i64,
    /// The caller's key, once authenticated.
    pub key: Option<KeyEntry>,
}

impl RequestContext {
    pub fn new(request: &Request, peer: SocketAddr, at: i64) -> Self {
        Self {
            started: Instant::now(),
            request_id: request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            peer,
            api_id: None,
            route: None,
            at,
            key: None,
        }
    }

    /// Logs the outcome once, and sends the call to the usage sink.
    pub fn record(&self, status: StatusCode, usage: &UsageSink) {
        let latency_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        usage.record(UsageEvent {
            at: self.at,
            key_id: self.key.map_or(0, |k| k.key_id),
            app_id: self.key.map_or(0, |k| k.app_id),
            api_id: self.api_id.unwrap_or(0),
            status: status.as_u16(),
            latency_us,
        });
        tracing::info!(
            request.id = self.request_id.as_deref().unwrap_or("-"),
            http.method = %self.method,
            http.route = self.route.as_deref().unwrap_or("-"),
            http.status = status.as_u16(),
            api.id = self.api_id,
            key.id = self.key.map(|k| k.key_id),
            duration_ms = self.started.elapsed().as_secs_f64() * 1000.0,
            "gateway request"
        );
    }
}
