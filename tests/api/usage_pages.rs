//! Usage as people see it: calls through the real gateway show on the
//! application's page (totals, SVG charts, the table of their figures,
//! quota used) and on the API's usage page for its agency, and download
//! as CSV; each only for those who may see it.

use std::time::Duration;

use crate::gateway_support::{call, consumer, key_id, GATEWAY_PATH};
use crate::helpers::{sign_in, Session, TestApp};

crate::on_both_backends!(
    a_developer_sees_their_calls_on_the_application_page,
    an_owner_sees_an_apis_calls_and_its_top_consumers,
);

const API_USAGE: &str = "/manage/demo-transport/apis/train-travel/usage";

/// Loads `path` until its total of calls reads `calls` (the test gateway
/// flushes usage every 200 ms), and returns the page.
async fn page_with_calls(app: &TestApp, session: &Session, path: &str, calls: i64) -> String {
    let wanted = format!("data-figure=\"requests\">{calls}<");
    let mut last = String::new();
    for _ in 0..50 {
        let (status, html) = app.page(session, path).await;
        assert_eq!(status, 200, "{path}: {html}");
        if html.contains(&wanted) {
            return html;
        }
        last = html;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never showed {calls} calls: {last}");
}

/// GETs a CSV: its status, content type and lines.
async fn csv(app: &TestApp, session: &Session, path: &str) -> (u16, String, Vec<String>) {
    let response = app
        .http
        .get(format!("{}{path}", app.portal))
        .header(reqwest::header::COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.unwrap();
    (status, kind, text.lines().map(str::to_string).collect())
}

/// The sum of the `requests` column of a usage CSV.
fn calls_in(lines: &[String]) -> i64 {
    lines[1..]
        .iter()
        .map(|line| line.split(',').nth(1).unwrap().parse::<i64>().unwrap())
        .sum()
}

async fn a_developer_sees_their_calls_on_the_application_page(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    for _ in 0..3 {
        assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    }
    let html = page_with_calls(&app, &dev.session, &dev.page, 3).await;
    assert!(html.contains("role=\"img\""), "charts are images");
    assert!(html.contains("3 calls in the last hour, 0 of them errors"));
    assert_eq!(
        html.matches("chart__bar--2xx\" x=").count(),
        1,
        "one minute with calls"
    );
    assert!(html.contains("The figures of both charts as a table"));
    // Quota used: the standard plan allows 10,000 calls a day.
    assert!(html.contains("Quota used"));
    assert!(html.contains("3 of 10000"), "{html}");
    assert!(html.contains("aria-current=\"page\">Last hour<"));

    let (_, day) = app
        .page(&dev.session, &format!("{}?span=day", dev.page))
        .await;
    assert!(day.contains("aria-current=\"page\">Last 24 hours<"));
    assert!(day.contains("data-figure=\"requests\">3<"));

    // Narrowed to the key, and to a key that is not the application's.
    let key = key_id(&app, dev.app_id).await;
    let (_, one) = app
        .page(&dev.session, &format!("{}?key={key}", dev.page))
        .await;
    assert!(one.contains("data-figure=\"requests\">3<"));
    let base = format!("{}/usage.csv", dev.page);
    let (status, kind, lines) = csv(&app, &dev.session, &format!("{base}?key={key}")).await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert_eq!(lines.len(), 61, "a header and 60 minutes");
    assert!(lines[0].starts_with("start,requests,status_2xx"));
    assert_eq!(calls_in(&lines), 3);
    let (_, _, month) = csv(&app, &dev.session, &format!("{base}?span=month")).await;
    assert_eq!((month.len(), calls_in(&month)), (31, 3));
    let (status, _, _) = csv(&app, &dev.session, &format!("{base}?key={}", key + 100)).await;
    assert_eq!(status, 404);

    // Another user finds no such application.
    let other = sign_in(&app, "owner").await;
    let (status, _, _) = csv(&app, &other, &base).await;
    assert_eq!(status, 404);
}

async fn an_owner_sees_an_apis_calls_and_its_top_consumers(app: TestApp) {
    let busy = consumer(&app, "Busy planner", Some("standard")).await;
    let quiet = consumer(&app, "Quiet planner", Some("standard")).await;
    for _ in 0..4 {
        assert_eq!(call(&app, GATEWAY_PATH, &busy.key).await.status(), 200);
    }
    assert_eq!(call(&app, GATEWAY_PATH, &quiet.key).await.status(), 200);
    // A call with no valid key counts for the API, but for no consumer.
    assert_eq!(call(&app, GATEWAY_PATH, "ptc_nonsense").await.status(), 401);

    let owner = sign_in(&app, "owner").await;
    let html = page_with_calls(&app, &owner, API_USAGE, 6).await;
    assert!(html.contains("Top consumers"));
    let busy_at = html.find(">Busy planner<").expect("the busy consumer");
    let quiet_at = html.find(">Quiet planner<").expect("the quiet consumer");
    assert!(busy_at < quiet_at, "the busiest first");
    assert!(html.contains("6 calls in the last hour, 1 of them errors"));

    let narrowed = format!("{API_USAGE}?app={}", busy.app_id);
    let html = page_with_calls(&app, &owner, &narrowed, 4).await;
    assert!(html.contains("Calls of \u{201c}Busy planner\u{201d}"));

    let (status, _, lines) = csv(
        &app,
        &owner,
        &format!("{API_USAGE}.csv?app={}", quiet.app_id),
    )
    .await;
    assert_eq!((status, calls_in(&lines)), (200, 1));
    let (status, _, lines) = csv(&app, &owner, &format!("{API_USAGE}.csv?span=day")).await;
    assert_eq!((status, lines.len(), calls_in(&lines)), (200, 25, 6));
    let (status, _, _) = csv(&app, &owner, &format!("{API_USAGE}.csv?app=999999")).await;
    assert_eq!(status, 404);

    // A developer is no member of the agency.
    let (status, _, _) = csv(&app, &busy.session, &format!("{API_USAGE}.csv")).await;
    assert_eq!(status, 403);
}
