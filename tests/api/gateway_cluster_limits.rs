//! A gateway on Redis (`--redis-url`): its limits are shared with the
//! cluster's other nodes (here a second node's limiter in this process on
//! the same Redis), `/healthz` says so, and when Redis stops the calls keep
//! flowing under the local fallback until it is back.

use std::time::{Duration, Instant};

use crate::redis_server::RedisServer;
use portico::gateway::limits::{RateLimits, Verdict};
use portico::gateway::quota::Quotas;
use portico::gateway::shared_limits::SharedLimits;
use portico::gateway::snapshot::Limits;

use crate::gateway_support::{call, consumer, key_id, set_standard_plan, GATEWAY_PATH};
use crate::helpers::{fresh_database, spawn_configured, Backend, TestApp};

/// The gateway's `/healthz`: `status`, and `limits`.
async fn health(app: &TestApp) -> serde_json::Value {
    let (status, health) = app.get_json(&format!("{}/healthz", app.gateway)).await;
    assert_eq!(status, 200, "the gateway keeps answering: {health}");
    health
}

async fn limits_health(app: &TestApp) -> serde_json::Value {
    health(app).await["limits"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_on_redis_shares_quotas_and_rides_out_an_outage() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(Backend::Sqlite, &dir).await;
    let url = redis.url();
    let app = spawn_configured(dir, database, |config| config.redis_url = Some(url)).await;
    let limits = limits_health(&app).await;
    assert_eq!(limits["shared"], "redis", "{limits}");
    assert_eq!(limits["redis_reachable"], true, "{limits}");

    // A daily quota of 3, shared: one call through this gateway, two through
    // another node, and the gateway refuses the fourth.
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    set_standard_plan(&app, ["", "", "3", ""]).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    let key = key_id(&app, dev.app_id).await;
    let api = app.routes.resolve(GATEWAY_PATH).unwrap().api.api_id;
    let other = SharedLimits::connect(&redis.url(), RateLimits::default(), Quotas::default())
        .await
        .unwrap();
    let limits = Limits {
        per_day: Some(3),
        ..Limits::default()
    };
    for remaining in [1, 0] {
        let mut verdict = Verdict::default();
        let now = time::OffsetDateTime::now_utc();
        other.check(key, api, &limits, now, &mut verdict).await;
        assert_eq!(verdict.retry_after, None);
        assert_eq!(verdict.policies[0].remaining, remaining);
    }
    let refused = call(&app, GATEWAY_PATH, &dev.key).await;
    assert_eq!(refused.status(), 429, "the other node's calls count here");
    assert!(refused.headers()["ratelimit"]
        .to_str()
        .unwrap()
        .starts_with("\"day\";r=0;t="));
    drop(other);

    // Redis stops: calls keep flowing, decided here with this node's share.
    set_standard_plan(&app, ["10", "", "", ""]).await;
    redis.stop();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(call(&app, GATEWAY_PATH, &dev.key).await.status().as_u16());
    }
    let passed = statuses.iter().filter(|&&s| s == 200).count();
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 429),
        "{statuses:?}"
    );
    assert!((5..=12).contains(&passed), "{statuses:?}");
    let health = health(&app).await;
    assert_eq!(health["status"], "degraded", "{health}");
    let limits = &health["limits"];
    assert_eq!(limits["shared"], "local-share", "{health}");
    assert_eq!(limits["redis_reachable"], false, "{health}");
    assert!(limits["fallback_calls"].as_u64().unwrap() >= 12, "{health}");
    let metrics = app
        .http
        .get(format!("{}/metrics", app.gateway))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("portico_gateway_redis_up 0"), "{metrics}");
    assert!(metrics.contains("portico_gateway_live_nodes "), "{metrics}");

    // Redis is back: shared again within about two seconds.
    redis.run();
    let back = Instant::now();
    while limits_health(&app).await["shared"] != "redis" {
        assert!(
            back.elapsed() < Duration::from_secs(3),
            "Redis never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let fallback = limits_health(&app).await["fallback_calls"].clone();
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    assert_eq!(limits_health(&app).await["fallback_calls"], fallback);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_redis_url_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database(Backend::Sqlite, &dir).await;
    let mut config = portico::server::config::Config::for_tests(dir.path().to_path_buf(), database);
    config.redis_url = Some("http://not-redis".into());
    let Err(err) = portico::server::startup::Application::build(config).await else {
        panic!("a malformed Redis URL must not start");
    };
    assert!(format!("{err:#}").contains("--redis-url"), "{err:#}");
}
