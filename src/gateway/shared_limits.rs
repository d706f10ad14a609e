//! Rate limits and quotas shared by every gateway node of a cluster, in Redis.
//!
//! Without Redis each node limits on its own (`super::limits`,
//! `super::quota`), so a 10/s plan would be 10/s per node. With
//! `--redis-url`, every call is decided by one Lua script (`limit.lua`, run
//! with EVALSHA) in one round trip:
//!
//! - **Atomic.** Redis runs a script alone, so the GCRA step (read the
//!   theoretical arrival time, compare, write the next one) and the quota
//!   counters have no read-then-write race between nodes.
//! - **Redis's clock.** The script takes the time from `TIME`, so the nodes'
//!   clocks do not matter to rates or to where a day or month ends.
//!   Arrival times are kept in microseconds, as a plan above 1000/s would
//!   have no interval in milliseconds.
//! - **All or nothing.** The script checks every limit first and writes only
//!   when all pass: a refused call consumes nothing, not even the rates it
//!   would have passed (the local limiters do consume those).
//! - **Same answers.** It computes `remaining` and `reset` as the local
//!   limiters do (governor's GCRA with a burst equal to the limit), so the
//!   `RateLimit` headers do not change when a cluster grows.
//! - **Seeds.** The durable quota counts live in the database
//!   (`quota_usage`), written from each node's [`Quotas`]. The node passes
//!   its own count of the current day and month; the script starts a counter
//!   that Redis does not have (first call, or Redis lost its data) from it,
//!   and never lets a counter stay below it. Every call that passes is also
//!   counted in the local [`Quotas`] for that durable flush.
//! - **Fallback.** When Redis does not answer (refused, or no answer within
//!   [`RESPONSE_TIMEOUT`]), the node is marked down and decides locally with
//!   its share of each limit: the limit divided by the live nodes, rounded
//!   up. Nodes say they are alive every second in the sorted set
//!   `portico:nodes` (scored with Redis's time); live means seen in the last
//!   five seconds. While down, calls never wait on Redis: only the heartbeat
//!   tries it again, every second, and marks it up when it answers.
//!   The gateway's `/healthz` (`limits`, and `degraded` while Redis is
//!   down) and `/metrics` (`portico_gateway_redis_up`, `_live_nodes`,
//!   `_limiter_fallback_total`) show [`SharedLimits::is_up`],
//!   [`SharedLimits::live_nodes`] and [`SharedLimits::fallback_calls`].
//!
//! What is not exact: the shares are only as fair as the last count of live
//! nodes, and a node's local quota count (the database at start plus its own
//! calls) does not see the other nodes' calls, so quotas are stricter than
//! the plan during an outage. After Redis loses its data, a quota restarts
//! from one node's view of the database, which misses the other nodes'
//! calls since their last flush. The keys of a (key, API) are built inside
//! the script, so it runs on one Redis (or a primary), not Redis Cluster;
//! Redis 5 or later (scripts that call `TIME` replicate their effects).

mod link;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context as _;
use redis::{Client, Script};
use time::OffsetDateTime;

use super::limits::{PolicyState, RateLimits, Verdict};
use super::quota::Quotas;
use super::snapshot::Limits;
pub use link::RESPONSE_TIMEOUT;
use link::{is_unreachable, run_heartbeat, Link};

/// A clonable handle on the shared limits of this node.
#[derive(Clone)]
pub struct SharedLimits {
    inner: Arc<Inner>,
}

struct Inner {
    /// The heartbeat task holds it weakly: it ends with the last handle.
    link: Arc<Link>,
    fallback_calls: AtomicU64,
    script_failed: AtomicBool,
    limit: Script,
    /// The local limiters: the fallback, and the quota counts to flush.
    rates: RateLimits,
    quotas: Quotas,
}

/// One limit's answer from the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    None,
    Passed,
    Refused,
}

impl SharedLimits {
    /// Checks the URL (a malformed one is an error), tries Redis once, and
    /// starts the heartbeat. An unreachable Redis is not an error: the node
    /// starts in the fallback and keeps trying.
    pub async fn connect(url: &str, rates: RateLimits, quotas: Quotas) -> anyhow::Result<Self> {
        let client = Client::open(url).context(
            "--redis-url (PORTICO_REDIS_URL) is not a Redis URL this build accepts: use redis://HOST:PORT/ or redis://:PASSWORD@HOST:PORT/DB (rediss:// is not built in)",
        )?;
        let link = Arc::new(Link::new(client));
        link.beat().await;
        if !link.is_up() {
            tracing::warn!(
                "Redis is unreachable at start: rate limits and quotas are decided on this node with its share until it answers"
            );
        }
        tokio::spawn(run_heartbeat(Arc::downgrade(&link)));
        let inner = Arc::new(Inner {
            link,
            fallback_calls: AtomicU64::new(0),
            script_failed: AtomicBool::new(false),
            limit: Script::new(include_str!("shared_limits/limit.lua")),
            rates,
            quotas,
        });
        Ok(Self { inner })
    }

    /// Whether calls are decided in Redis now.
    pub fn is_up(&self) -> bool {
        self.inner.link.is_up()
    }

    /// The live gateway nodes last seen in Redis (1 if never seen).
    pub fn live_nodes(&self) -> u32 {
        self.inner.link.live_nodes()
    }

    /// Calls decided on this node because Redis was down.
    pub fn fallback_calls(&self) -> u64 {
        self.inner.fallback_calls.load(Ordering::Relaxed)
    }

    /// Counts one call of the key on the API against the plan's limits,
    /// in Redis when it is up, else locally with this node's share. Returns
    /// whether a rate (not only a quota) refused it, for the metrics.
    pub async fn check(
        &self,
        key_id: i64,
        api_id: i64,
        limits: &Limits,
        now: OffsetDateTime,
        verdict: &mut Verdict,
    ) -> bool {
        if let Some(answer) = self.inner.check_shared(key_id, api_id, limits, now).await {
            let by_rate = fill(&answer, limits, verdict);
            if verdict.retry_after.is_none() {
                self.inner.quotas.count(key_id, api_id, now);
            }
            return by_rate;
        }
        self.inner.fallback_calls.fetch_add(1, Ordering::Relaxed);
        let share = share(limits, self.live_nodes());
        self.inner.rates.check(key_id, api_id, &share, verdict);
        let by_rate = verdict.retry_after.is_some();
        self.inner
            .quotas
            .check_and_count(key_id, api_id, &share, now, verdict);
        by_rate
    }
}

/// Each limit divided by the live nodes, rounded up.
fn share(limits: &Limits, nodes: u32) -> Limits {
    let nodes = nodes.max(1);
    Limits {
        per_second: limits.per_second.map(|n| n.div_ceil(nodes)),
        per_minute: limits.per_minute.map(|n| n.div_ceil(nodes)),
        per_day: limits.per_day.map(|n| n.div_ceil(u64::from(nodes))),
        per_month: limits.per_month.map(|n| n.div_ceil(u64::from(nodes))),
    }
}

/// The script's answer as the local limiters would have written it; whether
/// a rate refused the call.
fn fill(answer: &[(State, u64, u64)], limits: &Limits, verdict: &mut Verdict) -> bool {
    let mut by_rate = false;
    let quotas = [
        ("second", 1, limits.per_second.map(u64::from)),
        ("minute", 60, limits.per_minute.map(u64::from)),
        ("day", 86_400, limits.per_day),
        ("month", 2_592_000, limits.per_month),
    ];
    for ((name, window, quota), &(state, remaining, reset)) in quotas.into_iter().zip(answer) {
        let Some(quota) = quota else { continue };
        if state == State::None {
            continue;
        }
        if state == State::Refused {
            verdict.refuse(reset);
            by_rate |= window < 86_400;
        }
        verdict.policies.push(PolicyState {
            name,
            quota,
            window,
            remaining,
            reset,
        });
    }
    by_rate
}

/// A rate of 0 has no limiter locally either (0 or none: no limit), but a
/// quota of 0 refuses every call (-1: no quota).
fn rate_arg(n: Option<u32>) -> u32 {
    n.unwrap_or(0)
}

fn quota_arg(n: Option<u64>) -> i64 {
    n.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX))
}

impl Inner {
    /// The script's answer, or `None` when the call must be decided locally.
    async fn check_shared(
        &self,
        key_id: i64,
        api_id: i64,
        limits: &Limits,
        now: OffsetDateTime,
    ) -> Option<Vec<(State, u64, u64)>> {
        let (generation, mut connection) = self.link.current()?;
        let (day, day_used, month, month_used) = self.quotas.seeds(key_id, api_id, now);
        let mut invocation = self.limit.key(format!("portico:rl:{key_id}:{api_id}"));
        invocation
            .arg(rate_arg(limits.per_second))
            .arg(rate_arg(limits.per_minute))
            .arg(quota_arg(limits.per_day))
            .arg(quota_arg(limits.per_month))
            .arg(day)
            .arg(day_used)
            .arg(month)
            .arg(month_used);
        let result = tokio::time::timeout(
            RESPONSE_TIMEOUT,
            invocation.invoke_async::<Vec<i64>>(&mut connection),
        )
        .await;
        match result {
            Ok(Ok(values)) if values.len() == 12 => Some(
                values
                    .chunks_exact(3)
                    .map(|c| {
                        let state = match c[0] {
                            1 => State::Passed,
                            2 => State::Refused,
                            _ => State::None,
                        };
                        let positive = |v: i64| u64::try_from(v).unwrap_or(0);
                        (state, positive(c[1]), positive(c[2]))
                    })
                    .collect(),
            ),
            Ok(Ok(values)) => {
                self.script_error(&format!("{} values instead of 12", values.len()));
                None
            }
            Ok(Err(err)) if is_unreachable(&err) => {
                self.link.mark_down(generation, &err.to_string());
                None
            }
            Ok(Err(err)) => {
                self.script_error(&err.to_string());
                None
            }
            Err(_) => {
                self.link.mark_down(generation, "no answer in time");
                None
            }
        }
    }

    /// A script that fails for another reason than the connection is a bug:
    /// logged once, and such calls are decided locally.
    fn script_error(&self, error: &str) {
        if !self.script_failed.swap(true, Ordering::AcqRel) {
            tracing::error!(
                error,
                "the shared rate-limit script failed: calls are decided on this node"
            );
        }
    }
}

#[cfg(test)]
mod tests;
