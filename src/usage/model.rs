//! What usage looks like to the pages: series of points, each with counts
//! by status class and latency percentiles. Compiled for both sides.

use serde::{Deserialize, Serialize};

/// Upper bounds of the latency buckets, in milliseconds; a last bucket
/// counts everything slower. Stored as `bucket_0` .. `bucket_11`.
pub const LATENCY_BOUNDS_MS: [u64; 11] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];
/// How many latency buckets a row has.
pub const BUCKETS: usize = LATENCY_BOUNDS_MS.len() + 1;

/// The bucket a latency (in microseconds) falls into.
pub fn bucket_of(latency_us: u64) -> usize {
    LATENCY_BOUNDS_MS
        .iter()
        .position(|&bound| latency_us <= bound * 1000)
        .unwrap_or(BUCKETS - 1)
}

/// The latency (ms) under which `fraction` (0.5 for p50) of the calls
/// counted in `buckets` fall: the upper bound of the bucket that reaches
/// it (the last bucket reports its lower bound). `None` without calls.
pub fn percentile_ms(buckets: &[i64; BUCKETS], fraction: f64) -> Option<u64> {
    let total: i64 = buckets.iter().sum();
    if total <= 0 {
        return None;
    }
    let wanted = (total as f64 * fraction).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (i, count) in buckets.iter().enumerate() {
        seen += count;
        if seen >= wanted {
            return Some(match LATENCY_BOUNDS_MS.get(i) {
                Some(bound) => *bound,
                None => LATENCY_BOUNDS_MS[BUCKETS - 2],
            });
        }
    }
    None
}

/// Whose usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every key of one application.
    App(i64),
    /// One key.
    Key(i64),
    /// Every caller of one API.
    Api(i64),
    /// One application's calls to one API: an owner's view of a consumer.
    AppOnApi { app: i64, api: i64 },
}

/// Over which time, and in which steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// The last 60 minutes, per minute.
    Hour,
    /// The last 24 hours, per hour.
    Day,
    /// The last 30 days, per day.
    Month,
}

impl Span {
    /// The span a page's `?span=` names; the last hour when it names none.
    pub fn from_query(value: Option<&str>) -> Span {
        match value {
            Some("day") => Span::Day,
            Some("month") => Span::Month,
            _ => Span::Hour,
        }
    }

    /// Its name in a query string.
    pub fn slug(self) -> &'static str {
        match self {
            Span::Hour => "hour",
            Span::Day => "day",
            Span::Month => "month",
        }
    }

    /// Its name for people: "last hour".
    pub fn label(self) -> &'static str {
        match self {
            Span::Hour => "last hour",
            Span::Day => "last 24 hours",
            Span::Month => "last 30 days",
        }
    }

    /// A step's start (RFC 3339, UTC) as a chart or table names it.
    pub fn step_label(self, start: &str) -> String {
        match self {
            Span::Hour => start.get(11..16).unwrap_or(start).to_string(),
            Span::Day => format!("{}:00", start.get(11..13).unwrap_or(start)),
            Span::Month => start.get(..10).unwrap_or(start).to_string(),
        }
    }

    pub const ALL: [Span; 3] = [Span::Hour, Span::Day, Span::Month];
}

/// One step of a series: calls that started in `[start, start + step)`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// RFC 3339, UTC: the step's first minute.
    pub start: String,
    pub requests: i64,
    /// Calls answered 4xx or 5xx.
    pub errors: i64,
    /// Calls by status class: 2xx, 3xx, 4xx, 5xx.
    pub by_class: [i64; 4],
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
    /// Mean latency in milliseconds, `None` without calls.
    pub mean_ms: Option<f64>,
}

/// A series: every step of the span in order, empty steps included, so a
/// chart can draw it as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub scope: Scope,
    pub span: Span,
    pub points: Vec<Point>,
    /// Totals over the whole span.
    pub total: Point,
}

/// How much of its quotas a key has used on an API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaUsed {
    /// Calls today (UTC).
    pub day: i64,
    /// Calls this calendar month (UTC).
    pub month: i64,
}

/// How much of its plan's quotas one key has used on one API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaLine {
    pub api_name: String,
    pub plan_name: String,
    pub key_name: String,
    pub key_prefix: String,
    pub used: QuotaUsed,
    pub per_day: Option<i64>,
    pub per_month: Option<i64>,
}

/// One consumer of an API over a span, for its agency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsumerUsage {
    pub app_id: i64,
    pub app_name: String,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub requests: i64,
    pub errors: i64,
    pub p95_ms: Option<u64>,
}

impl ConsumerUsage {
    /// Errors as a share of requests, in percent with one decimal.
    pub fn error_rate(&self) -> String {
        error_rate(self.errors, self.requests)
    }
}

/// `errors` of `requests` in percent, one decimal: "2.5%"; "-" without calls.
pub fn error_rate(errors: i64, requests: i64) -> String {
    if requests <= 0 {
        return "-".into();
    }
    format!("{:.1}%", errors as f64 * 100.0 / requests as f64)
}

/// A key a developer may narrow the usage to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyChoice {
    pub id: i64,
    pub name: String,
    pub prefix: String,
}

/// The usage part of an application's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppUsage {
    pub app_id: i64,
    /// The key the series is narrowed to, if any.
    pub key: Option<i64>,
    pub keys: Vec<KeyChoice>,
    pub series: Series,
    pub quotas: Vec<QuotaLine>,
}

/// An API's usage page, for its agency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiUsage {
    pub agency: String,
    pub agency_name: String,
    pub api: String,
    pub api_name: String,
    /// The consumer the series is narrowed to, if any: (id, name).
    pub app: Option<(i64, String)>,
    pub series: Series,
    /// The busiest consumers over the span, most calls first.
    pub consumers: Vec<ConsumerUsage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_fall_into_their_bucket() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(1_000), 0);
        assert_eq!(bucket_of(1_001), 1);
        assert_eq!(bucket_of(30_000), 5);
        assert_eq!(bucket_of(10_000_000), BUCKETS - 1);
    }

    #[test]
    fn percentiles_come_from_the_buckets() {
        let mut b = [0i64; BUCKETS];
        assert_eq!(percentile_ms(&b, 0.5), None);
        b[0] = 90; // <= 1 ms
        b[6] = 10; // <= 100 ms
        assert_eq!(percentile_ms(&b, 0.5), Some(1));
        assert_eq!(percentile_ms(&b, 0.95), Some(100));
        b[BUCKETS - 1] = 100;
        assert_eq!(percentile_ms(&b, 0.95), Some(2500));
    }

    #[test]
    fn spans_read_from_the_query_and_name_their_steps() {
        assert_eq!(Span::from_query(None), Span::Hour);
        assert_eq!(Span::from_query(Some("month")), Span::Month);
        assert_eq!(Span::from_query(Some("year")), Span::Hour);
        let start = "2026-12-02T09:21:00Z";
        assert_eq!(Span::Hour.step_label(start), "09:21");
        assert_eq!(Span::Day.step_label(start), "09:00");
        assert_eq!(Span::Month.step_label(start), "2026-12-02");
        assert_eq!(error_rate(1, 40), "2.5%");
        assert_eq!(error_rate(0, 0), "-");
    }
}
