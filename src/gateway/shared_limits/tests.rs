//! Two gateway "nodes" (two handles, each with its own local limiters) on
//! one real redis-server.

#[path = "redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::*;
use crate::usage::repo::QuotaRow;
use redis_server::RedisServer;

const KEY: i64 = 7;
const API: i64 = 3;

async fn node(server: &RedisServer) -> SharedLimits {
    SharedLimits::connect(&server.url(), RateLimits::default(), Quotas::default())
        .await
        .expect("a node")
}

async fn call(node: &SharedLimits, limits: &Limits) -> Verdict {
    let mut verdict = Verdict::default();
    node.check(KEY, API, limits, OffsetDateTime::now_utc(), &mut verdict)
        .await;
    verdict
}

fn policy<'a>(verdict: &'a Verdict, name: &str) -> &'a PolicyState {
    verdict
        .policies
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("a {name} policy in {verdict:?}"))
}

/// Waits until every node has seen all of them in its heartbeat.
async fn until_all_live(nodes: &[&SharedLimits]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while nodes
        .iter()
        .any(|n| !n.is_up() || n.live_nodes() != nodes.len() as u32)
    {
        assert!(Instant::now() < deadline, "the nodes never saw each other");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `count` calls at once, spread over the nodes in turn: how many passed.
async fn burst(nodes: &[&SharedLimits], count: usize, limits: Limits) -> (usize, Duration) {
    let started = Instant::now();
    let handles: Vec<_> = (0..count)
        .map(|n| {
            let node = nodes[n % nodes.len()].clone();
            tokio::spawn(async move { call(&node, &limits).await })
        })
        .collect();
    let mut passed = 0;
    for handle in handles {
        passed += usize::from(handle.await.expect("a call").retry_after.is_none());
    }
    let took = started.elapsed();
    eprintln!("{passed} of {count} calls passed in {took:?}");
    (passed, took)
}

fn per_second(n: u32) -> Limits {
    Limits {
        per_second: Some(n),
        ..Limits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_ten_per_second() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (a, b) = (node(&server).await, node(&server).await);
    let (passed, took) = burst(&[&a, &b], 30, per_second(10)).await;
    // GCRA lets one more through every 100 ms: exact when the burst is quick.
    let allowed = 10 + (took.as_millis() / 100) as usize;
    assert!((10..=allowed).contains(&passed), "{passed} in {took:?}");
    if took < Duration::from_millis(100) {
        assert_eq!(passed, 10, "exactly the limit across both nodes");
    }
    assert_eq!((a.fallback_calls(), b.fallback_calls()), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minute_limits_are_shared() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (a, b) = (node(&server).await, node(&server).await);
    let limits = Limits {
        per_minute: Some(5),
        ..Limits::default()
    };
    for n in 0..5u64 {
        let verdict = call(if n % 2 == 0 { &a } else { &b }, &limits).await;
        assert_eq!(verdict.retry_after, None, "call {n}");
        let minute = policy(&verdict, "minute");
        assert_eq!((minute.quota, minute.window), (5, 60));
        assert_eq!(minute.remaining, 4 - n, "call {n}");
        assert_eq!(minute.reset, 12 * (n + 1), "one call back every 12 s");
    }
    let refused = call(&b, &limits).await;
    let wait = refused
        .retry_after
        .expect("the sixth call in a minute is refused");
    assert!((11..=12).contains(&wait), "{wait}");
    assert_eq!(policy(&refused, "minute").remaining, 0);
    assert_eq!(call(&a, &limits).await.retry_after, Some(wait));
}

fn day_row(used: i64, now: OffsetDateTime) -> QuotaRow {
    QuotaRow {
        key_id: KEY,
        api_id: API,
        period: "day".into(),
        window_start: crate::usage::service::day_window(now),
        used,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_quota_is_shared_and_seeded_from_the_local_count() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let now = OffsetDateTime::now_utc();
    // Node a loaded 3 calls of today from the database at its start.
    let quotas = Quotas::default();
    quotas.load(&[day_row(3, now)], now);
    let a = SharedLimits::connect(&server.url(), RateLimits::default(), quotas.clone())
        .await
        .expect("a node");
    let b = node(&server).await;
    let limits = Limits {
        per_day: Some(5),
        ..Limits::default()
    };
    let first = call(&a, &limits).await;
    assert_eq!(first.retry_after, None);
    assert_eq!(policy(&first, "day").remaining, 1, "3 stored + this call");
    let second = call(&b, &limits).await;
    assert_eq!(second.retry_after, None);
    assert_eq!(policy(&second, "day").remaining, 0, "b sees a's count");
    for node in [&b, &a] {
        let refused = call(node, &limits).await;
        let reset = policy(&refused, "day").reset;
        assert_eq!(refused.retry_after, Some(reset), "until midnight UTC");
        assert!(reset > 0 && reset <= 86_400);
    }
    // Each node counted its own passing call for the durable flush.
    let flushed = quotas.take_unflushed(now);
    let day = flushed
        .iter()
        .find(|r| r.period == "day")
        .expect("a day row");
    assert_eq!(day.used, 1);
    let flushed_b = b.inner.quotas.take_unflushed(now);
    assert_eq!(
        flushed_b.iter().map(|r| r.used).sum::<i64>(),
        2,
        "day and month"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_calls_consume_nothing() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let a = node(&server).await;
    let tight = Limits {
        per_second: Some(100),
        per_minute: Some(100),
        per_day: Some(2),
        per_month: Some(1000),
    };
    for _ in 0..2 {
        assert_eq!(call(&a, &tight).await.retry_after, None);
    }
    for _ in 0..3 {
        let refused = call(&a, &tight).await;
        assert!(refused.retry_after.is_some(), "over the daily quota");
        // The rates and the month would have let it through.
        assert_eq!(policy(&refused, "minute").remaining, 97);
        assert_eq!(policy(&refused, "month").remaining, 997);
    }
    // The owner raises the quota: the refused calls used nothing.
    let raised = Limits {
        per_day: Some(10),
        ..tight
    };
    let verdict = call(&a, &raised).await;
    assert_eq!(verdict.retry_after, None);
    assert_eq!(policy(&verdict, "minute").remaining, 97);
    assert_eq!(policy(&verdict, "day").remaining, 7);
    assert_eq!(policy(&verdict, "month").remaining, 997);
    // Refused by the rate: the quotas are not counted either.
    let one = Limits {
        per_second: Some(1),
        ..raised
    };
    let rate_refused = call(&a, &one).await;
    assert_eq!(rate_refused.retry_after, Some(1));
    assert_eq!(policy(&rate_refused, "second").remaining, 0);
    assert_eq!(policy(&rate_refused, "day").remaining, 6);
    let again = call(&a, &raised).await;
    assert_eq!(
        policy(&again, "day").remaining,
        6,
        "the refused call left no trace"
    );
}

/// The local path's verdicts for the same sequence of calls.
fn local_call(rates: &RateLimits, quotas: &Quotas, limits: &Limits) -> Verdict {
    let mut verdict = Verdict::default();
    rates.check(KEY, API, limits, &mut verdict);
    quotas.check_and_count(KEY, API, limits, OffsetDateTime::now_utc(), &mut verdict);
    verdict
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_match_the_local_path() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let a = node(&server).await;
    let (rates, quotas) = (RateLimits::default(), Quotas::default());
    let limits = Limits {
        per_second: Some(3),
        per_minute: Some(100),
        per_day: Some(1000),
        per_month: Some(50_000),
    };
    // Three calls pass, the fourth is refused by the second's rate: the
    // same verdicts and headers on both paths.
    for n in 0..4 {
        let (shared, local) = both(&a, &rates, &quotas, &limits).await;
        assert_eq!(shared, local, "call {n}");
        let (mut sh, mut lh) = (Default::default(), Default::default());
        shared.write_headers(&mut sh);
        local.write_headers(&mut lh);
        assert_eq!(sh, lh, "call {n}");
        assert_eq!(shared.retry_after.is_some(), n == 3, "call {n}");
    }
    // The one difference, on purpose: the local limiters let the refused
    // call use a minute's cell (governor checks each rate on its own),
    // while the shared limits consumed nothing for it.
    let (shared, local) = both(&a, &rates, &quotas, &limits).await;
    assert_eq!(policy(&shared, "minute").remaining, 96);
    assert_eq!(policy(&local, "minute").remaining, 95);
    assert_eq!(shared.retry_after, local.retry_after);
}

/// One call on each path; the day's and month's resets count seconds to
/// their end, so a second that ticks between the two calls is let go.
async fn both(
    node: &SharedLimits,
    rates: &RateLimits,
    quotas: &Quotas,
    limits: &Limits,
) -> (Verdict, Verdict) {
    let shared = call(node, limits).await;
    let mut local = local_call(rates, quotas, limits);
    for (l, s) in local.policies.iter_mut().zip(&shared.policies) {
        if l.window >= 86_400 && l.reset.abs_diff(s.reset) <= 1 {
            l.reset = s.reset;
        }
    }
    (shared, local)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_means_local_shares_then_shared_again() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let (a, b) = (node(&server).await, node(&server).await);
    until_all_live(&[&a, &b]).await;

    server.stop();
    // Each node gets its share: 10/s over 2 nodes, 5/s each.
    for node in [&a, &b] {
        let (passed, took) = burst(&[node], 10, per_second(10)).await;
        assert!(took < Duration::from_millis(200), "no call waits on Redis");
        assert!(passed == 5 || (passed == 6 && took >= Duration::from_millis(200)));
        assert!(!node.is_up());
        assert_eq!(node.live_nodes(), 2, "the last count seen");
        assert!(node.fallback_calls() >= 10);
    }
    let (fallback_a, fallback_b) = (a.fallback_calls(), b.fallback_calls());

    server.run();
    let back = Instant::now();
    until_all_live(&[&a, &b]).await;
    assert!(
        back.elapsed() < Duration::from_millis(2500),
        "{:?}",
        back.elapsed()
    );
    let (passed, took) = burst(&[&a, &b], 30, per_second(10)).await;
    let allowed = 10 + (took.as_millis() / 100) as usize;
    assert!((10..=allowed).contains(&passed), "{passed} in {took:?}");
    assert_eq!(
        (a.fallback_calls(), b.fallback_calls()),
        (fallback_a, fallback_b)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_at_start_is_not_an_error_but_a_bad_url_is() {
    assert!(
        SharedLimits::connect("http://nowhere", RateLimits::default(), Quotas::default())
            .await
            .is_err()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("redis://127.0.0.1:{port}/");
    let lone = SharedLimits::connect(&url, RateLimits::default(), Quotas::default())
        .await
        .expect("starts in the fallback");
    assert!(!lone.is_up());
    assert_eq!(lone.live_nodes(), 1);
    let (passed, took) = burst(&[&lone], 12, per_second(10)).await;
    let allowed = 10 + (took.as_millis() / 100) as usize;
    assert!(
        (10..=allowed).contains(&passed),
        "alone, the whole limit: {passed} in {took:?}"
    );
    assert_eq!(lone.fallback_calls(), 12);
}
