//! Rate limits per key and plan: GCRA (the `governor` crate) for the
//! per-second and per-minute rates, one lock-free limiter per (key, API),
//! and the IETF `RateLimit-Policy` / `RateLimit` header fields
//! (draft-ietf-httpapi-ratelimit-headers, structured-field form) that
//! describe every limit of the plan, quotas included.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use axum::http::{HeaderMap, HeaderValue};
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
        use std::fmt::Write;
        let (mut policy, mut state) = (String::new(), String::new());
        for (n, p) in self.policies.iter().enumerate() {
            let sep = if n == 0 { "" } else { ", " };
            let _ = write!(policy, "{sep}\"{}\";q={};w={}", p.name, p.quota, p.window);
            let _ = write!(state, "{sep}\"{}\";r={};t={}", p.name, p.remaining, p.reset);
        }
        for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(name, value);
            }
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(axum::http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}

/// (key, API) -> its limiters.
type Entries = HashMap<(i64, i64), Arc<Entry>>;

struct Entry {
    limits: (Option<u32>, Option<u32>),
    second: Option<Direct>,
    minute: Option<Direct>,
}

/// The per-(key, API) limiters. A plan's new rates replace the limiters of
/// its subscriptions at their next call.
#[derive(Clone, Default)]
pub struct RateLimits {
    entries: Arc<RwLock<Entries>>,
    clock: DefaultClock,
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
        let nonzero = |n: Option<u32>| n.and_then(NonZeroU32::new);
        let entry = Arc::new(Entry {
            limits: wanted,
            second: nonzero(limits.per_second).map(|n| limiter(Quota::per_second(n), &self.clock)),
            minute: nonzero(limits.per_minute).map(|n| limiter(Quota::per_minute(n), &self.clock)),
        });
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert((key_id, api_id), entry.clone());
        entry
    }

    /// Counts one call of the key on the API against the plan's rates.
    pub fn check(&self, key_id: i64, api_id: i64, limits: &Limits, verdict: &mut Verdict) {
        let entry = self.entry(key_id, api_id, limits);
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
mod tests {
    use super::*;

    fn limits(per_second: u32) -> Limits {
        Limits {
            per_second: Some(per_second),
            ..Limits::default()
        }
    }

    #[test]
    fn the_eleventh_call_in_a_second_of_a_ten_per_second_plan_is_refused() {
        let rates = RateLimits::default();
        for n in 0..10 {
            let mut verdict = Verdict::default();
            rates.check(1, 1, &limits(10), &mut verdict);
            assert_eq!(verdict.retry_after, None, "call {n}");
            assert_eq!(verdict.policies[0].remaining, 9 - n);
        }
        let mut verdict = Verdict::default();
        rates.check(1, 1, &limits(10), &mut verdict);
        assert_eq!(verdict.retry_after, Some(1));
        // Another key, and the same key on a bigger plan, start afresh.
        let mut other = Verdict::default();
        rates.check(2, 1, &limits(10), &mut other);
        assert_eq!(other.retry_after, None);
        let mut bigger = Verdict::default();
        rates.check(1, 1, &limits(20), &mut bigger);
        assert_eq!(bigger.retry_after, None);
    }

    #[test]
    fn headers_use_structured_fields() {
        let mut verdict = Verdict::default();
        verdict.policies.push(PolicyState {
            name: "second",
            quota: 10,
            window: 1,
            remaining: 0,
            reset: 1,
        });
        verdict.policies.push(PolicyState {
            name: "day",
            quota: 1000,
            window: 86_400,
            remaining: 990,
            reset: 3600,
        });
        verdict.refuse(1);
        let mut headers = HeaderMap::new();
        verdict.write_headers(&mut headers);
        assert_eq!(
            headers["ratelimit-policy"],
            "\"second\";q=10;w=1, \"day\";q=1000;w=86400"
        );
        assert_eq!(
            headers["ratelimit"],
            "\"second\";r=0;t=1, \"day\";r=990;t=3600"
        );
        assert_eq!(headers["retry-after"], "1");
    }
}
