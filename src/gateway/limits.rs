//! Rate limits per key and plan: GCRA (the `governor` crate) for the
//! per-second and per-minute rates, one lock-free limiter per (key, API),
//! and the IETF `RateLimit-Policy` / `RateLimit` header fields
//! (draft-ietf-httpapi-ratelimit-headers, structured-field form) that
//! describe every limit of the plan, quotas included.

use super::FastMap;
use std::cell::RefCell;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use super::snapshot::Limits;

type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// One limit as the headers describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyState {
    /// `second`, `minute`, `day` or `month`.
    pub name: &'static str,
    /// Calls allowed in the window.
    pub quota: u64,
    /// The window, in seconds.
    pub window: u64,
    /// Calls left now.
    pub remaining: u64,
    /// Seconds until the window's calls are all available again.
    pub reset: u64,
}

/// The limits' verdict on one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub policies: Vec<PolicyState>,
    /// Refused: the seconds to wait (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl Verdict {
    pub fn refuse(&mut self, seconds: u64) {
        let seconds = seconds.max(1);
        self.retry_after = Some(self.retry_after.map_or(seconds, |s| s.max(seconds)));
    }

    /// Adds `RateLimit-Policy` and `RateLimit` (and `Retry-After` when
    /// refused) to a response's headers. Nothing when the plan has no limit.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        if self.policies.is_empty() {
            return;
        }
        let policy = LAST_POLICY.with_borrow_mut(|(described, value)| {
            let same = described.len() == self.policies.len()
                && described
                    .iter()
                    .zip(&self.policies)
                    .all(|(d, p)| *d == (p.name, p.quota, p.window));
            if !same || value.is_none() {
                described.clear();
                described.extend(self.policies.iter().map(|p| (p.name, p.quota, p.window)));
                *value = list(&self.policies, |p| [(";q=", p.quota), (";w=", p.window)]);
            }
            value.clone()
        });
        let state = list(&self.policies, |p| [(";r=", p.remaining), (";t=", p.reset)]);
        for (name, value) in [(RATELIMIT_POLICY, policy), (RATELIMIT, state)] {
            if let Some(value) = value {
                headers.insert(name, value);
            }
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}

thread_local! {
    /// The `RateLimit-Policy` value last written on this thread, and the
    /// limits it describes: a plan's limits are the same on every call, so
    /// the value is nearly always written again as it was.
    static LAST_POLICY: RefCell<(Vec<Described>, Option<HeaderValue>)> =
        const { RefCell::new((Vec::new(), None)) };
}

/// A policy as `RateLimit-Policy` describes it: name, quota, window.
type Described = (&'static str, u64, u64);

/// A structured-field list with an item per policy, `"name";a=1;b=2`.
/// Written byte by byte: on every call, `format!` was a visible share of
/// the gateway's time.
fn list(
    policies: &[PolicyState],
    fields: impl Fn(&PolicyState) -> [(&'static str, u64); 2],
) -> Option<HeaderValue> {
    let mut out = Vec::with_capacity(40 * policies.len());
    let mut number = itoa::Buffer::new();
    for (n, p) in policies.iter().enumerate() {
        if n > 0 {
            out.extend_from_slice(b", ");
        }
        out.push(b'"');
        out.extend_from_slice(p.name.as_bytes());
        out.push(b'"');
        for (key, value) in fields(p) {
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(number.format(value).as_bytes());
        }
    }
    HeaderValue::from_maybe_shared(axum::body::Bytes::from(out)).ok()
}

const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// (key, API) -> its limiters.
type Entries = FastMap<(i64, i64), Arc<Entry>>;

struct Entry {
    limits: (Option<u32>, Option<u32>),
    second: Option<Direct>,
    minute: Option<Direct>,
    /// When the entry last counted a call, in seconds of [`uptime`].
    last_used: AtomicU64,
}

/// How long a (key, API) may go without a call before its limiters are
/// dropped. Twice the longest window: by then a GCRA limiter is full
/// again, so a new one behaves the same.
pub const IDLE: Duration = Duration::from_secs(120);

/// Seconds since the first call of this process to ask.
fn uptime() -> u64 {
    static STARTED: OnceLock<Instant> = OnceLock::new();
    STARTED.get_or_init(Instant::now).elapsed().as_secs()
}

/// The per-(key, API) limiters. A plan's new rates replace the limiters of
/// its subscriptions at their next call.
#[derive(Clone, Default)]
pub struct RateLimits {
    entries: Arc<RwLock<Entries>>,
    clock: DefaultClock,
}

impl RateLimits {
    /// Drops the limiters of every (key, API) without a call for `idle`:
    /// keys revoked, expired or simply quiet, so that the map holds what
    /// is in use rather than everything ever called. How many went.
    pub fn sweep(&self, idle: Duration) -> usize {
        let now = uptime();
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = entries.len();
        entries.retain(|_, entry| {
            now.saturating_sub(entry.last_used.load(Ordering::Relaxed)) < idle.as_secs()
        });
        before - entries.len()
    }

    /// Sweeps every minute for as long as the process runs.
    pub fn sweep_every_minute(&self) {
        let rates = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let dropped = rates.sweep(IDLE);
                if dropped > 0 {
                    tracing::debug!(dropped, "idle rate limiters dropped");
                }
            }
        });
    }

    /// How many (key, API) pairs hold limiters.
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn limiter(quota: Quota, clock: &DefaultClock) -> Direct {
    RateLimiter::direct_with_clock(quota, clock.clone())
        .with_middleware::<StateInformationMiddleware>()
}

impl RateLimits {
    fn entry(&self, key_id: i64, api_id: i64, limits: &Limits) -> Arc<Entry> {
        let wanted = (limits.per_second, limits.per_minute);
        let found = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&(key_id, api_id))
            .cloned();
        if let Some(entry) = found.filter(|entry| entry.limits == wanted) {
            return entry;
        }
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Looked up again under the write lock: when two first calls race,
        // the second must count against the limiters the first made, not
        // replace them with full ones.
        match entries.get(&(key_id, api_id)) {
            Some(entry) if entry.limits == wanted => entry.clone(),
            _ => {
                let nonzero = |n: Option<u32>| n.and_then(NonZeroU32::new);
                let entry = Arc::new(Entry {
                    limits: wanted,
                    second: nonzero(limits.per_second)
                        .map(|n| limiter(Quota::per_second(n), &self.clock)),
                    minute: nonzero(limits.per_minute)
                        .map(|n| limiter(Quota::per_minute(n), &self.clock)),
                    last_used: AtomicU64::new(uptime()),
                });
                entries.insert((key_id, api_id), entry.clone());
                entry
            }
        }
    }

    /// Counts one call of the key on the API against the plan's rates.
    pub fn check(&self, key_id: i64, api_id: i64, limits: &Limits, verdict: &mut Verdict) {
        let entry = self.entry(key_id, api_id, limits);
        entry.last_used.store(uptime(), Ordering::Relaxed);
        let rates = [
            ("second", 1, limits.per_second, &entry.second),
            ("minute", 60, limits.per_minute, &entry.minute),
        ];
        for (name, window, quota, limiter) in rates {
            let (Some(quota), Some(limiter)) = (quota, limiter) else {
                continue;
            };
            let quota = u64::from(quota);
            // Seconds until `used` calls are replenished, one every window/quota.
            let refill = |used: u64| (used * window).div_ceil(quota);
            match limiter.check() {
                Ok(state) => {
                    let remaining = u64::from(state.remaining_burst_capacity());
                    verdict.policies.push(PolicyState {
                        name,
                        quota,
                        window,
                        remaining,
                        reset: refill(quota - remaining.min(quota)),
                    });
                }
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    let wait = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                    verdict.refuse(wait);
                    verdict.policies.push(PolicyState {
                        name,
                        quota,
                        window,
                        remaining: 0,
                        reset: wait.max(1),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
