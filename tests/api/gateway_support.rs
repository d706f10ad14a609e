//! What the gateway tests share: a developer with an application that has
//! an approved plan and a key, made through the portal's real forms, and a
//! call through the gateway.

use crate::helpers::{location, sign_in, Session, TestApp};

/// The demo API whose standard plan (10/s, auto-approved) the tests use.
pub const API_PAGE: &str = "/apis/demo-transport/train-travel";
pub const GATEWAY_PATH: &str = "/demo-transport/train-travel/stations";
pub const PLANS: &str = "/manage/demo-transport/apis/train-travel/plans";
const PURPOSE: &str = "Showing train times to commuters in our journey planner.";

/// A developer's application and a key for it.
pub struct Consumer {
    pub session: Session,
    /// `/apps/{id}`.
    pub page: String,
    pub app_id: i64,
    pub key: String,
}

/// The API keys on a page (`ptc_` and 49 letters and digits).
fn keys_in(html: &str) -> Vec<String> {
    let mut keys: Vec<String> = html
        .match_indices("ptc_")
        .filter_map(|(at, _)| {
            let candidate: String = html[at..].chars().take(53).collect();
            (candidate.len() == 53 && candidate[4..].chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(candidate)
        })
        .collect();
    keys.dedup();
    keys
}

/// Posts a key form (create or rotate) and reads the secret shown once.
pub async fn new_key(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
) -> String {
    let response = app.post_form(session, path, fields).await;
    assert_eq!(response.status(), 303, "{path}");
    let (status, html) = app.page(session, &location(&response)).await;
    assert_eq!(status, 200);
    let keys = keys_in(&html);
    assert_eq!(keys.len(), 1, "one new key on the page");
    keys[0].clone()
}

/// The developer's new application with a key, subscribed to the API's
/// `plan` when one is named (auto plans approve at once).
pub async fn consumer(app: &TestApp, name: &str, plan: Option<&str>) -> Consumer {
    let session = sign_in(app, "developer").await;
    let created = app
        .post_form(&session, "/apps", &[("name", name), ("description", "")])
        .await;
    assert_eq!(created.status(), 303);
    let page = location(&created);
    let app_id: i64 = page.trim_start_matches("/apps/").parse().unwrap();
    if let Some(plan) = plan {
        let id = app_id.to_string();
        let form = [
            ("plan", plan),
            ("app", id.as_str()),
            ("purpose", PURPOSE),
            ("accept_terms", "yes"),
        ];
        let sent = app
            .post_form(&session, &format!("{API_PAGE}/access"), &form)
            .await;
        assert_eq!(sent.status(), 303);
    }
    let key = new_key(
        app,
        &session,
        &format!("{page}/keys"),
        &[("key_name", "test"), ("expires_on", "")],
    )
    .await;
    Consumer {
        session,
        page,
        app_id,
        key,
    }
}

/// GET through the gateway with the key in `x-api-key`.
pub async fn call(app: &TestApp, path: &str, key: &str) -> reqwest::Response {
    app.http
        .get(format!("{}{path}", app.gateway))
        .header("x-api-key", key)
        .send()
        .await
        .expect("gateway call sent")
}

/// A problem's status and body, checking its content type.
pub async fn problem(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "status {status}"
    );
    (status, response.json().await.expect("a problem body"))
}

/// The key's id, by its application (the newest key).
pub async fn key_id(app: &TestApp, app_id: i64) -> i64 {
    let (id,): (i64,) =
        sqlx::query_as("select id from api_key where app_id = $1 order by id desc limit 1")
            .bind(app_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    id
}

/// Revokes the key `key_id` through the developer's form.
pub async fn revoke_key(app: &TestApp, dev: &Consumer, key_id: i64) {
    let revoked = app
        .post_form(
            &dev.session,
            &format!("{}/keys/{key_id}/revoke", dev.page),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), 303);
}

/// Sets the standard plan's limits (per second, per minute, per day, per
/// month; empty: none) through the owner's plan form.
pub async fn set_standard_plan(app: &TestApp, limits: [&str; 4]) {
    let [per_second, per_minute, per_day, per_month] = limits;
    let owner = sign_in(app, "owner").await;
    let form = [
        ("name", "Standard"),
        ("description", "For building and running most applications."),
        ("rate_per_second", per_second),
        ("rate_per_minute", per_minute),
        ("quota_per_day", per_day),
        ("quota_per_month", per_month),
        ("approval", "auto"),
        ("open_for_requests", "yes"),
    ];
    let sent = app
        .post_form(&owner, &format!("{PLANS}/standard"), &form)
        .await;
    assert_eq!(sent.status(), 303);
    // Saved: back to the list (a form with errors goes to `?plan=`).
    assert_eq!(location(&sent), PLANS, "the plan form is accepted");
}
