//! The per-request context that the gateway's phases share.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;

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
}

impl RequestContext {
    pub fn new(request: &Request, peer: SocketAddr) -> Self {
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
        }
    }

    /// Logs the outcome once. Usage analytics will hook in here.
    pub fn record(&self, status: StatusCode) {
        tracing::info!(
            request.id = self.request_id.as_deref().unwrap_or("-"),
            http.method = %self.method,
            http.route = self.route.as_deref().unwrap_or("-"),
            http.status = status.as_u16(),
            api.id = self.api_id,
            duration_ms = self.started.elapsed().as_secs_f64() * 1000.0,
            "gateway request"
        );
    }
}
