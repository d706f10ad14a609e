//! The per-request context that the gateway's phases share.

use std::net::SocketAddr;
use std::time::Instant;

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use tracing::Level;

use super::routes::ApiRoute;
use super::snapshot::KeyEntry;
use super::usage::{UsageEvent, UsageSink};
use crate::server::log_direct::{self, LineBuf};
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
        self.log(status, latency_us);
    }

    /// The call's line in the log: written directly when the process has
    /// a direct output (see [`log_direct`]), else as a `tracing` event; the
    /// same line either way.
    fn log(&self, status: StatusCode, latency_us: u64) {
        if !tracing::enabled!(Level::INFO) {
            return;
        }
        let written =
            log_direct::write(Level::INFO, |line| self.fill_line(line, status, latency_us));
        if !written {
            self.log_event(status, latency_us);
        }
    }

    fn fill_line(&self, line: &mut LineBuf, status: StatusCode, latency_us: u64) {
        line.message("gateway request");
        line.text("request.id", self.request_id());
        line.text("http.method", self.method.as_str());
        match &self.route {
            Some(api) => line.bare("http.route", &["/", &api.name]),
            None => line.bare("http.route", &["-"]),
        }
        line.number("http.status", status.as_u16());
        if let Some(api_id) = self.api_id {
            line.number("api.id", api_id);
        }
        if let Some(key) = self.key {
            line.number("key.id", key.key_id);
        }
        line.millis("duration_ms", latency_us);
    }

    fn log_event(&self, status: StatusCode, latency_us: u64) {
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
    /// `for=...;proto=http`: this hop's `Forwarded` without a host, and
    /// the start of it with one.
    forwarded: HeaderValue,
    /// The last `Host` the caller sent on this connection (a copy, not a
    /// slice of hyper's read buffer, which it would keep from reuse), with
    /// this hop's `Forwarded` for it: the same for every call of a caller
    /// that keeps its connection to one host.
    last_host: Mutex<Option<(HeaderValue, HeaderValue)>>,
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
            // As is `for=` with an address, then `;proto=http`.
            forwarded: HeaderValue::from_str(&forwarded)
                .unwrap_or_else(|_| HeaderValue::from_static("proto=http")),
            last_host: Mutex::new(None),
        }
    }

    /// This hop's `Forwarded` value, naming `host` (the caller's `Host`,
    /// which the caller has checked holds no `"` or `\`) when there is
    /// one.
    pub fn forwarded(&self, host: Option<&HeaderValue>) -> Option<HeaderValue> {
        let Some(host) = host else {
            return Some(self.forwarded.clone());
        };
        let mut last = self
            .last_host
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((last_host, value)) = &*last {
            if last_host.as_bytes() == host.as_bytes() {
                return Some(value.clone());
            }
        }
        let mut value = Vec::with_capacity(self.forwarded.len() + host.len() + 8);
        value.extend_from_slice(self.forwarded.as_bytes());
        value.extend_from_slice(b";host=\"");
        value.extend_from_slice(host.as_bytes());
        value.push(b'"');
        let value = HeaderValue::from_bytes(&value).ok()?;
        *last = Some((
            HeaderValue::from_bytes(host.as_bytes()).ok()?,
            value.clone(),
        ));
        Some(value)
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

    #[test]
    fn the_direct_line_is_the_line_tracing_writes() {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/moh/clinics/v1/list?q=1")
            .header(&REQUEST_ID, "caller's-\"id\"")
            .body(axum::body::Body::empty())
            .unwrap();
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let mut ctx = RequestContext::new(&request, peer, time::OffsetDateTime::UNIX_EPOCH);
        let both = |ctx: &RequestContext, status| {
            let event =
                crate::server::log_format::testing::lines_of(|| ctx.log_event(status, 1_234));
            let direct =
                log_direct::line_of(Level::INFO, |line| ctx.fill_line(line, status, 1_234));
            let after_time = |text: &str| text.split_once(' ').unwrap().1.to_owned();
            (after_time(&event), after_time(&direct))
        };
        // Not routed: no API, no key.
        let (event, direct) = both(&ctx, StatusCode::NOT_FOUND);
        assert_eq!(direct, event);
        assert!(
            direct.contains(" http.route=- http.status=404 duration_ms=1.234"),
            "{direct}"
        );
        // Routed and authenticated.
        ctx.api_id = Some(7);
        ctx.route = Some(Arc::new(ApiRoute {
            api_id: 7,
            agency: "moh".into(),
            api: "clinics".into(),
            name: "moh/clinics".into(),
            access_mode: crate::gateway::routes::AccessMode::Key,
            target: None,
            suspended: false,
        }));
        ctx.key = Some(KeyEntry {
            key_id: 11,
            app_id: 3,
            owner_user_id: 2,
            expires_at: None,
            revoked: false,
        });
        let (event, direct) = both(&ctx, StatusCode::OK);
        assert_eq!(direct, event);
        assert_eq!(
            direct,
            " INFO gateway request request.id=\"caller's-\\\"id\\\"\" http.method=\"POST\" http.route=/moh/clinics http.status=200 api.id=7 key.id=11 duration_ms=1.234\n"
        );
    }
}
