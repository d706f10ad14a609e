//! Bad input to the developer REST API, each case the issue names (unknown
//! plan, duplicate request, key of another user's application, expiry in
//! the past, oversize text) and a few more: the right status, the field at
//! fault in the problem's `errors`, and the database exactly as before.

use reqwest::Method;
use serde_json::{json, Value};

use crate::developer_api::{call, developer_token, PURPOSE_TEXT};
use crate::helpers::{sign_in, TestApp};

/// A request (method, path, body), the status it gets, and the fields it names.
type Case<'a> = ((Method, &'a str, Value), u16, Vec<&'a str>);

crate::on_both_backends!(bad_input_is_named_by_field_and_writes_nothing);

/// Everything a request of the developer API could write: rows of each
/// table, and the applications' names and descriptions.
pub async fn snapshot(app: &TestApp) -> Vec<String> {
    let mut seen = Vec::new();
    for table in [
        "app",
        "api_key",
        "subscription",
        "audit_event",
        "notification",
        "terms_acceptance",
    ] {
        let (n,): (i64,) = sqlx::query_as(&format!("select count(*) from {table}"))
            .fetch_one(app.db.pool())
            .await
            .expect("a count");
        seen.push(format!("{table}: {n}"));
    }
    let apps: Vec<(i64, String, String, Option<String>)> =
        sqlx::query_as("select id, name, description, deleted_at from app order by id")
            .fetch_all(app.db.pool())
            .await
            .expect("the applications");
    seen.extend(apps.into_iter().map(|row| format!("{row:?}")));
    let keys: Vec<(i64, Option<String>, Option<String>)> =
        sqlx::query_as("select id, revoked_at, expires_at from api_key order by id")
            .fetch_all(app.db.pool())
            .await
            .expect("the keys");
    seen.extend(keys.into_iter().map(|row| format!("{row:?}")));
    seen
}

/// Sends a bad request and checks its status and the fields it names.
async fn refused(
    app: &TestApp,
    token: &str,
    (method, path, body): (Method, &str, Value),
    status: u16,
    fields: &[&str],
) -> Value {
    let (got, problem, headers) = call(app, method.clone(), token, path, Some(body)).await;
    assert_eq!(got, status, "{method} {path}: {problem}");
    assert_eq!(
        headers["content-type"], "application/problem+json",
        "{method} {path}"
    );
    let named: Vec<&str> = problem["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(named, fields, "{method} {path}: {problem}");
    for error in problem["errors"].as_array().into_iter().flatten() {
        assert!(!error["message"].as_str().unwrap_or_default().is_empty());
    }
    problem
}

async fn bad_input_is_named_by_field_and_writes_nothing(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let token = developer_token(&app, &developer, "scripts").await;
    let (status, created, _) = call(
        &app,
        Method::POST,
        &token,
        "/apps",
        Some(json!({ "name": "Journey planner" })),
    )
    .await;
    assert_eq!(status, 201);
    let base = format!("/apps/{}", created["id"]);
    let request = |plan: &str| {
        json!({ "agency": "demo-transport", "api": "train-travel", "plan": plan,
                "purpose": PURPOSE_TEXT, "accept_terms": true })
    };
    let (status, _, _) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/subscriptions"),
        Some(request("standard")),
    )
    .await;
    assert_eq!(status, 201, "the first request is taken");
    // Another user's application, for its keys.
    let admin = sign_in(&app, "admin").await;
    let theirs = developer_token(&app, &admin, "theirs").await;
    let (_, their_app, _) = call(
        &app,
        Method::POST,
        &theirs,
        "/apps",
        Some(json!({ "name": "Their app" })),
    )
    .await;
    let their_keys = format!("/apps/{}/keys", their_app["id"]);

    let before = snapshot(&app).await;
    let long = |n: usize| "x".repeat(n);
    let subscriptions = format!("{base}/subscriptions");
    let keys = format!("{base}/keys");
    let rotate = format!("{base}/keys/1/rotate");
    let revoke = format!("{base}/keys/999999/revoke");
    let cases: Vec<Case> = vec![
        // Applications: a name, and text within its limits.
        ((Method::POST, "/apps", json!({})), 422, vec!["name"]),
        (
            (
                Method::POST,
                "/apps",
                json!({ "name": long(81), "description": long(1001) }),
            ),
            422,
            vec!["name", "description"],
        ),
        (
            (Method::PATCH, &base, json!({ "name": "  " })),
            422,
            vec!["name"],
        ),
        (
            (Method::PATCH, &base, json!({ "description": long(1001) })),
            422,
            vec!["description"],
        ),
        // Access requests.
        (
            (Method::POST, &subscriptions, request("gold")),
            404,
            vec!["plan"],
        ),
        (
            (Method::POST, &subscriptions, request("standard")),
            409,
            vec!["app"],
        ),
        (
            (
                Method::POST,
                &subscriptions,
                json!({ "agency": "demo-transport", "api": "no-such-api", "plan": "standard", "purpose": PURPOSE_TEXT }),
            ),
            404,
            vec!["api"],
        ),
        (
            (Method::POST, &subscriptions, json!({ "plan": "standard" })),
            422,
            vec!["agency", "api"],
        ),
        (
            (
                Method::POST,
                &subscriptions,
                json!({ "agency": "demo-ipo", "api": "data-sets", "plan": "standard", "purpose": long(2001) }),
            ),
            422,
            vec!["purpose"],
        ),
        (
            (
                Method::POST,
                &subscriptions,
                json!({ "agency": "demo-ipo", "api": "data-sets", "plan": "", "purpose": "trains" }),
            ),
            422,
            vec!["plan", "purpose"],
        ),
        // Keys.
        (
            (
                Method::POST,
                &keys,
                json!({ "name": "k", "expires_on": "2020-01-01" }),
            ),
            422,
            vec!["expires_on"],
        ),
        (
            (
                Method::POST,
                &keys,
                json!({ "name": long(81), "expires_on": "someday" }),
            ),
            422,
            vec!["name", "expires_on"],
        ),
        (
            (Method::POST, &their_keys, json!({ "name": "mine" })),
            404,
            vec![],
        ),
        (
            (Method::POST, &rotate, json!({ "grace": "forever" })),
            422,
            vec!["grace"],
        ),
        ((Method::POST, &revoke, json!({})), 404, vec![]),
        // Bodies that do not fit.
        ((Method::POST, "/apps", json!({ "name": 5 })), 422, vec![]),
        (
            (
                Method::POST,
                "/apps",
                json!({ "name": "A", "colour": "red" }),
            ),
            422,
            vec![],
        ),
    ];
    for (request, status, fields) in cases {
        refused(&app, &token, request, status, &fields).await;
    }
    let not_json = app
        .http
        .post(format!("{}/api/v1/apps", app.portal))
        .bearer_auth(&token)
        .body("{name")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(snapshot(&app).await, before, "nothing was written");

    // With terms of use on, a request must accept them.
    sqlx::query(
        "insert into platform_setting (id, portal_name, terms_md, terms_version, updated_at) \
         values (1, 'Portico', 'Use the APIs fairly.', 2, '2026-01-01T00:00:00Z')",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let before = snapshot(&app).await;
    let unaccepted = json!({ "agency": "demo-ipo", "api": "data-sets", "plan": "standard", "purpose": PURPOSE_TEXT });
    refused(
        &app,
        &token,
        (Method::POST, &subscriptions, unaccepted),
        422,
        &["accept_terms"],
    )
    .await;
    assert_eq!(snapshot(&app).await, before, "nothing was written");
}
