//! The per-request context that the gateway's phases share.

use std::net::SocketAddr;
use std::time::Instant;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};

use super::routes::ApiRoute;
use super::snapshot::KeyEntry;
use super::usage::{UsageEvent, UsageSink};
use crate::server::log_format::Millis;

/// What the phases learn about one request, and what the log line reports.
#[derive(Debug)]
pub struct RequestContext {
    pub started: Instant,
    /// The caller's `X-Request-Id` when it sent a usable one, else a new
    /// UUID; sent to the upstream and back to the caller.
    pub request_id: HeaderValue,
    pub method: Method,
    pub path: String,
    pub peer: SocketAddr,
    pub api_id: Option<i64>,
    /// The API once routed. The log names the route, never the rest of
    /// the path, which may carry personal data.
    pub route: Option<Arc<ApiRoute>>,
    /// When the call arrived, from the gateway's clock (read once a call).
    pub now: time::OffsetDateTime,
    /// The caller's key, once authenticated.
    pub key: Option<KeyEntry>,
}

impl RequestContext {
    pub fn new(request: &Request, peer: SocketAddr, now: time::OffsetDateTime) -> Self {
        Self {
            started: Instant::now(),
            request_id: request
                .headers()
                .get(&REQUEST_ID)
                .filter(|id| usable_request_id(id))
                .cloned()
                .unwrap_or_else(new_request_id),
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
            peer,
            api_id: None,
            route: None,
            now,
            key: None,
        }
    }

    /// The request id as text, for logs and problem bodies.
    pub fn request_id(&self) -> &str {
        self.request_id.to_str().unwrap_or("-")
    }

    /// Logs the outcome once, and sends the call to the usage sink.
    pub fn record(&self, status: StatusCode, usage: &UsageSink) {
        let latency_us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        usage.record(UsageEvent {
            at: self.now.unix_timestamp(),
            key_id: self.key.map_or(0, |k| k.key_id),
            app_id: self.key.map_or(0, |k| k.app_id),
            api_id: self.api_id.unwrap_or(0),
            status: status.as_u16(),
            latency_us,
        });
        tracing::info!(
            request.id = self.request_id(),
            http.method = self.method.as_str(),
            http.route = %LogRoute(self.route.as_deref()),
            http.status = status.as_u16(),
            api.id = self.api_id,
            key.id = self.key.map(|k| k.key_id),
            duration_ms = %Millis(latency_us),
            "gateway request"
        );
    }
}

/// `/{agency}/{api}` in the log line, or `-` when no route matched.
struct LogRoute<'a>(Option<&'a ApiRoute>);

impl std::fmt::Display for LogRoute<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(api) => write!(f, "/{}", api.name),
            None => f.write_str("-"),
        }
    }
}

/// The caller's end of a connection, with what forwarding says about it
/// written once per connection rather than once per call.
#[derive(Debug)]
pub struct Peer {
    pub addr: SocketAddr,
    /// The address as text: this hop's entry in `X-Forwarded-For`.
    pub ip: HeaderValue,
    /// `for=...;proto=http`: the start of this hop's `Forwarded`.
    pub forwarded: String,
}

impl Peer {
    pub fn new(addr: SocketAddr) -> Self {
        let ip = addr.ip();
        let text = ip.to_string();
        let forwarded = if ip.is_ipv6() {
            format!("for=\"[{text}]\";proto=http")
        } else {
            format!("for={text};proto=http")
        };
        Self {
            addr,
            // An IP address's text is always a valid header value.
            ip: HeaderValue::from_str(&text)
                .unwrap_or_else(|_| HeaderValue::from_static("unknown")),
            forwarded,
        }
    }
}

/// The header that carries a call's id, to the upstream and back.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's own id is kept when it is short, visible ASCII text; anything
/// else is replaced, so that logs and problem bodies stay readable.
fn usable_request_id(id: &HeaderValue) -> bool {
    (1..=128).contains(&id.len()) && id.as_bytes().iter().all(|b| b.is_ascii_graphic())
}

/// A random (v4) UUID from the thread's generator: no system call per call.
fn new_request_id() -> HeaderValue {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let text = id.hyphenated().encode_lower(&mut text);
    // A UUID's text is always a valid header value.
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_when_usable_and_made_otherwise() {
        assert!(usable_request_id(&HeaderValue::from_static("abc-123")));
        assert!(!usable_request_id(&HeaderValue::from_static("")));
        assert!(!usable_request_id(&HeaderValue::from_static("two words")));
        let long = "x".repeat(129);
        assert!(!usable_request_id(&HeaderValue::from_str(&long).unwrap()));
        let made = new_request_id();
        let text = made.to_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(text).unwrap().get_version_num(), 4);
        assert_ne!(new_request_id(), made);
    }
}
