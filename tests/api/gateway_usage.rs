//! Usage recorded by the gateway: one event per call, errors included,
//! written per minute in batches and read back through `portico::usage`;
//! and the failures the gateway answers itself (502, 413).

use std::time::Duration;

use portico::usage::model::{Scope, Span};
use portico::usage::service::{quota_used, series};

use crate::gateway_support::{call, consumer, key_id, problem, GATEWAY_PATH};
use crate::helpers::TestApp;

crate::on_both_backends!(
    usage_is_written_per_minute_with_errors,
    an_upstream_that_is_down_is_a_502,
    large_request_bodies_get_413,
);

async fn api_id(app: &TestApp) -> i64 {
    let (id,): (i64,) = sqlx::query_as("select id from api where slug = 'train-travel'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    id
}

/// Waits until the usage of `scope` over the last hour has `requests`
/// calls (the test configuration flushes every 200 ms).
async fn hour_of(app: &TestApp, scope: Scope, requests: i64) -> portico::usage::model::Series {
    for _ in 0..50 {
        let now = time::OffsetDateTime::now_utc();
        let found = series(app.db.pool(), scope, Span::Hour, now).await.unwrap();
        if found.total.requests >= requests {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no usage of {scope:?} written within 5 seconds");
}

async fn usage_is_written_per_minute_with_errors(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    let no_plan = consumer(&app, "No plan yet", None).await;
    for _ in 0..3 {
        assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    }
    assert_eq!(call(&app, GATEWAY_PATH, &no_plan.key).await.status(), 403);
    assert_eq!(call(&app, GATEWAY_PATH, "ptc_nonsense").await.status(), 401);

    let key = key_id(&app, dev.app_id).await;
    let series = hour_of(&app, Scope::Key(key), 3).await;
    assert_eq!(series.points.len(), 60);
    assert_eq!(series.total.requests, 3);
    assert_eq!(series.total.errors, 0);
    assert_eq!(series.total.by_class, [3, 0, 0, 0]);
    assert!(series.total.p50_ms.is_some() && series.total.p95_ms.is_some());
    assert_eq!(
        series.points.iter().map(|p| p.requests).sum::<i64>(),
        3,
        "the calls are in the series' minutes"
    );
    let refused = hour_of(&app, Scope::App(no_plan.app_id), 1).await;
    assert_eq!((refused.total.errors, refused.total.by_class[2]), (1, 1));
    // Per API: the 200s, the 403 and the 401 (which has no key).
    let api = hour_of(&app, Scope::Api(api_id(&app).await), 5).await;
    assert_eq!(api.total.by_class, [3, 0, 2, 0]);
    let day = series_of(&app, Scope::App(dev.app_id), Span::Day).await;
    assert_eq!((day.points.len(), day.total.requests), (24, 3));
    let month = series_of(&app, Scope::App(dev.app_id), Span::Month).await;
    assert_eq!((month.points.len(), month.total.requests), (30, 3));

    let now = time::OffsetDateTime::now_utc();
    let used = quota_used(app.db.pool(), key, api_id(&app).await, now)
        .await
        .unwrap();
    assert_eq!((used.day, used.month), (3, 3));
    // The key's last use shows on the application's page.
    let (last_used,): (Option<String>,) =
        sqlx::query_as("select last_used_at from api_key where id = $1")
            .bind(key)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(last_used.is_some());
}

async fn series_of(app: &TestApp, scope: Scope, span: Span) -> portico::usage::model::Series {
    series(app.db.pool(), scope, span, time::OffsetDateTime::now_utc())
        .await
        .unwrap()
}

async fn an_upstream_that_is_down_is_a_502(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sqlx::query("update api set upstream_url = $1 where slug = 'train-travel'")
        .bind(format!("http://127.0.0.1:{port}"))
        .execute(app.db.pool())
        .await
        .unwrap();
    app.routes.reload(&app.db).await.unwrap();
    let response = call(&app, GATEWAY_PATH, &dev.key).await;
    assert!(response.headers().contains_key("ratelimit"));
    let (status, body) = problem(response).await;
    assert_eq!(status, 502);
    assert_eq!(body["detail"], "The API's upstream could not be reached.");
    let key = key_id(&app, dev.app_id).await;
    let series = hour_of(&app, Scope::Key(key), 1).await;
    assert_eq!((series.total.errors, series.total.by_class[3]), (1, 1));
}

async fn large_request_bodies_get_413(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    let limit = app.config.gateway_max_body_bytes as usize;
    let url = format!("{}/demo-transport/train-travel/bookings", app.gateway);
    let fits = app
        .http
        .post(&url)
        .header("x-api-key", &dev.key)
        .body(vec![b'x'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(fits.status(), 200);
    let (status, body) = problem(
        app.http
            .post(&url)
            .header("x-api-key", &dev.key)
            .body(vec![b'x'; limit + 1])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 413);
    assert!(body["detail"].as_str().unwrap().contains("larger"));
}
