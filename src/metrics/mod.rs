//! Prometheus metrics of the portal and the gateway, at `GET /metrics` on
//! each listener, in the text exposition format (version 0.0.4).
//!
//! The counters are plain atomics written on the request path (a few
//! relaxed increments per call, no lock, no allocation); everything else
//! (snapshot sizes, database and Redis state, dropped usage events) is read
//! when the page is scraped. A small hand-written registry rather than a
//! metrics crate: the families are few and fixed, and the gateway's hot
//! path stays exactly what it is.
//!
//! Who may read them: with `--metrics-token` set, callers presenting it as
//! `Authorization: Bearer TOKEN`; without it, callers on loopback only, as
//! the figures say how busy each API is and should not be public.

pub mod gateway;
pub mod portal;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Status classes, as label values; index `status / 100 - 1`.
pub const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The index of a status code's class in [`CLASSES`].
pub fn class_index(status: u16) -> usize {
    usize::from((status / 100).clamp(1, 5) - 1)
}

/// A latency histogram with fixed buckets.
#[derive(Default)]
pub struct Histogram {
    /// Observations per bucket (not cumulative); the last is `+Inf`.
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_us: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_us.fetch_add(micros, Ordering::Relaxed);
    }

    /// Adds `other`'s observations to these.
    pub fn add_all(&self, other: &Self) {
        for (to, from) in self.counts.iter().zip(&other.counts) {
            to.fetch_add(from.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        self.sum_us
            .fetch_add(other.sum_us.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    /// Writes the family's `_bucket`, `_sum` and `_count` lines.
    fn render(&self, out: &mut Page, name: &str, help: &str) {
        out.header(name, help, "histogram");
        let mut cumulative = 0;
        for (index, count) in self.counts.iter().enumerate() {
            cumulative += count.load(Ordering::Relaxed);
            let bound = BUCKETS
                .get(index)
                .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
            let _ = writeln!(out.0, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let sum = self.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out.0, "{name}_sum {sum}");
        let _ = writeln!(out.0, "{name}_count {cumulative}");
    }
}

/// Counters per status class.
#[derive(Default)]
pub struct ByClass([AtomicU64; 5]);

impl ByClass {
    pub fn add(&self, status: u16) {
        self.0[class_index(status)].fetch_add(1, Ordering::Relaxed);
    }

    /// Adds `other`'s counts to these.
    pub fn add_all(&self, other: &Self) {
        for (to, from) in self.0.iter().zip(&other.0) {
            to.fetch_add(from.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }

    fn render(&self, out: &mut Page, name: &str, help: &str) {
        out.header(name, help, "counter");
        for (class, count) in CLASSES.iter().zip(&self.0) {
            let count = count.load(Ordering::Relaxed);
            let _ = writeln!(out.0, "{name}{{class=\"{class}\"}} {count}");
        }
    }
}

/// A metrics page being written.
#[derive(Default)]
pub struct Page(String);

impl Page {
    fn header(&mut self, name: &str, help: &str, kind: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    /// One sample without labels.
    pub fn sample(&mut self, name: &str, help: &str, kind: &str, value: impl std::fmt::Display) {
        self.header(name, help, kind);
        let _ = writeln!(self.0, "{name} {value}");
    }

    /// One family with a sample per label value.
    pub fn labelled<'a>(
        &mut self,
        name: &str,
        help: &str,
        kind: &str,
        label: &str,
        values: impl IntoIterator<Item = (&'a str, u64)>,
    ) {
        self.header(name, help, kind);
        for (value, count) in values {
            let _ = writeln!(self.0, "{name}{{{label}=\"{value}\"}} {count}");
        }
    }

    /// The page as a response, in the exposition format's media type.
    pub fn into_response(self) -> Response {
        let mut response = self.0.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        );
        response
    }
}

/// Who may read `/metrics`.
#[derive(Clone, Debug, Default)]
pub struct Access {
    token: Option<std::sync::Arc<str>>,
}

impl Access {
    /// `token`: the bearer token scrapers must present; `None`: loopback only.
    pub fn new(token: Option<&str>) -> Self {
        Self {
            token: token.filter(|t| !t.is_empty()).map(std::sync::Arc::from),
        }
    }

    /// Whether the caller may read the metrics: the token when one is set
    /// (compared in constant time), else a loopback peer.
    pub fn allows(&self, peer: SocketAddr, headers: &HeaderMap) -> bool {
        match &self.token {
            Some(token) => headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .is_some_and(|given| {
                    use subtle::ConstantTimeEq as _;
                    given.as_bytes().ct_eq(token.as_bytes()).into()
                }),
            None => peer.ip().is_loopback(),
        }
    }

    /// The refusal of a caller that may not read them.
    pub fn refusal(&self) -> Response {
        let (status, kind, detail) = match self.token {
            Some(_) => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Metrics need the token set with --metrics-token, as `Authorization: Bearer TOKEN`.",
            ),
            None => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Metrics are served to this host only (loopback). Set --metrics-token to let a scraper elsewhere read them.",
            ),
        };
        crate::server::problem::Problem::new(status, kind, detail).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_micros(300));
        histogram.observe(Duration::from_millis(3));
        histogram.observe(Duration::from_secs(20));
        let mut page = Page::default();
        histogram.render(&mut page, "x_seconds", "X.");
        let text = page.0;
        assert!(
            text.contains("x_seconds_bucket{le=\"0.0005\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("x_seconds_bucket{le=\"0.005\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("x_seconds_bucket{le=\"10\"} 2\n"), "{text}");
        assert!(text.contains("x_seconds_bucket{le=\"+Inf\"} 3\n"), "{text}");
        assert!(text.contains("x_seconds_count 3\n"), "{text}");
        assert!(text.contains("x_seconds_sum 20.0033\n"), "{text}");
    }

    #[test]
    fn a_token_is_needed_when_set_and_loopback_otherwise() {
        let loopback: SocketAddr = ([127, 0, 0, 1], 9).into();
        let remote: SocketAddr = ([192, 0, 2, 7], 9).into();
        let open = Access::new(None);
        assert!(open.allows(loopback, &HeaderMap::new()));
        assert!(!open.allows(remote, &HeaderMap::new()));

        let guarded = Access::new(Some("s3cret"));
        let mut headers = HeaderMap::new();
        assert!(!guarded.allows(loopback, &headers));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer nope"),
        );
        assert!(!guarded.allows(remote, &headers));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(guarded.allows(remote, &headers));
    }
}
