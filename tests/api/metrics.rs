//! `/metrics` on both listeners: the families Prometheus scrapes, counted
//! from real calls, and who may read them.

use crate::gateway_support::{call, consumer, set_standard_plan, GATEWAY_PATH};
use crate::helpers::{spawn_configured, TestApp};

crate::on_both_backends!(metrics_count_real_calls);

/// The value of a sample line `name{labels} value` (or `name value`).
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{series} in:\n{page}"))
        .parse()
        .unwrap()
}

async fn metrics_count_real_calls(app: TestApp) {
    let dev = consumer(&app, "Metrics reader", Some("standard")).await;
    // A 1-call daily quota: the first call passes, the second is refused by it.
    set_standard_plan(&app, ["", "", "1", ""]).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 429);
    assert_eq!(call(&app, GATEWAY_PATH, "ptc_nonsense").await.status(), 401);

    let (status, page) = app.get_text(&format!("{}/metrics", app.gateway)).await;
    assert_eq!(status, 200);
    assert_eq!(
        sample(&page, "portico_gateway_requests_total{class=\"2xx\"}"),
        1.0
    );
    assert_eq!(
        sample(&page, "portico_gateway_requests_total{class=\"4xx\"}"),
        2.0
    );
    assert_eq!(
        sample(&page, "portico_gateway_limited_total{limit=\"quota\"}"),
        1.0
    );
    assert_eq!(
        sample(&page, "portico_gateway_limited_total{limit=\"rate\"}"),
        0.0
    );
    assert_eq!(
        sample(&page, "portico_gateway_request_duration_seconds_count"),
        3.0
    );
    assert!(sample(&page, "portico_gateway_snapshot_keys") >= 1.0);
    assert!(sample(&page, "portico_gateway_routes") >= 1.0);
    assert_eq!(sample(&page, "portico_gateway_database_up"), 1.0);
    assert_eq!(sample(&page, "portico_gateway_degraded"), 0.0);
    assert_eq!(sample(&page, "portico_gateway_snapshot_age_seconds"), 0.0);
    assert_eq!(sample(&page, "portico_gateway_usage_dropped_total"), 0.0);
    assert!(page.contains("# TYPE portico_gateway_request_duration_seconds histogram"));

    let (status, page) = app.get_text(&format!("{}/metrics", app.portal)).await;
    assert_eq!(status, 200);
    // The sign-in, forms and pages of `consumer` went through the portal.
    assert!(sample(&page, "portico_portal_requests_total{class=\"3xx\"}") >= 3.0);
    assert_eq!(sample(&page, "portico_portal_database_up"), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_is_required_once_set() {
    let dir = tempfile::tempdir().unwrap();
    let url = portico::db::sqlite_url(&dir.path().join("portico.db"));
    let app = spawn_configured(dir, Some(url), |config| {
        config.metrics_token = Some("scrape-me".into());
    })
    .await;
    for base in [&app.portal, &app.gateway] {
        let url = format!("{base}/metrics");
        let refused = app.http.get(&url).send().await.unwrap();
        assert_eq!(refused.status(), 401, "{url}");
        let wrong = app
            .http
            .get(&url)
            .bearer_auth("guess")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{url}");
        let allowed = app
            .http
            .get(&url)
            .bearer_auth("scrape-me")
            .send()
            .await
            .unwrap();
        assert_eq!(allowed.status(), 200, "{url}");
        assert!(allowed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
    }
}
