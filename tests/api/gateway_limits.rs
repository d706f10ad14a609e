//! The gateway's limits: the 11th call within a second of a 10/s plan gets
//! 429 with `Retry-After` and the RateLimit fields, a plan's new limits
//! apply to its subscriptions at once, and a daily quota survives a
//! restart on the same database.

use crate::gateway_support::{call, consumer, problem, set_standard_plan, GATEWAY_PATH};
use crate::helpers::TestApp;

crate::on_both_backends!(
    the_eleventh_call_within_a_second_gets_429,
    plan_changes_apply_and_quotas_survive_a_restart,
);

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("a {name} header"))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn the_eleventh_call_within_a_second_gets_429(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    // Twenty calls at once: the standard plan allows a burst of 10, then
    // one call every 100 ms. On a busy machine the calls can take longer
    // than 100 ms to arrive, so one refilled call may pass too.
    let url = format!("{}{GATEWAY_PATH}", app.gateway);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let request = app.http.get(&url).header("x-api-key", &dev.key);
            tokio::spawn(async move { request.send().await.unwrap() })
        })
        .collect();
    let mut passed = 0;
    let mut refused = Vec::new();
    for handle in calls {
        let response = handle.await.unwrap();
        match response.status().as_u16() {
            200 => {
                passed += 1;
                assert!(header(&response, "ratelimit").contains("\"second\";r="));
            }
            429 => refused.push(response),
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        (10..=11).contains(&passed) && passed + refused.len() == 20,
        "{passed} of 20 calls passed a 10/s plan"
    );
    let response = refused.pop().unwrap();
    let retry: u64 = header(&response, "retry-after").parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    let policy = header(&response, "ratelimit-policy");
    assert!(policy.contains("\"second\";q=10;w=1"), "{policy}");
    assert!(policy.contains("\"minute\";q=300;w=60"), "{policy}");
    assert!(policy.contains("\"day\";q=10000;w=86400"), "{policy}");
    assert!(header(&response, "ratelimit").contains("\"second\";r=0;t="));
    let (status, body) = problem(response).await;
    assert_eq!(status, 429);
    assert!(body["detail"].as_str().unwrap().contains("Try again in"));

    // A second later the key works again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
}

async fn plan_changes_apply_and_quotas_survive_a_restart(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    // The owner cuts the plan to 3 calls a day: the existing subscription
    // follows at once (the call above counts).
    set_standard_plan(&app, ["", "", "3", ""]).await;
    for n in 2..=3 {
        let response = call(&app, GATEWAY_PATH, &dev.key).await;
        assert_eq!(response.status(), 200, "call {n}");
        let policy = header(&response, "ratelimit-policy");
        assert_eq!(policy, "\"day\";q=3;w=86400");
        let state = header(&response, "ratelimit");
        assert!(
            state.starts_with(&format!("\"day\";r={};t=", 3 - n)),
            "{state}"
        );
    }
    let over = call(&app, GATEWAY_PATH, &dev.key).await;
    assert_eq!(over.status(), 429);
    let retry: u64 = header(&over, "retry-after").parse().unwrap();
    assert!(retry > 0 && retry <= 86_400, "until midnight UTC: {retry}");

    // Restarted on the same database: the day's count holds.
    let app = app.restart().await;
    let again = call(&app, GATEWAY_PATH, &dev.key).await;
    assert_eq!(again.status(), 429, "the quota survives a restart");
    assert!(header(&again, "ratelimit").starts_with("\"day\";r=0;t="));

    // The owner raises the quota: the next call passes.
    set_standard_plan(&app, ["", "", "5", ""]).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
}
