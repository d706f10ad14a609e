//! The REST API of developers: a developer token made on the account's
//! Tokens page, then the whole self-service path over HTTP (application,
//! access request approved by the owner in the portal, keys created,
//! rotated, revoked), other users kept out, agency tokens refused, and bad
//! input named field by field with nothing written.

use portico::keys::service::{check_presented, KeyCheck};
use portico::server::clock::Clock;
use reqwest::header::{CACHE_CONTROL, LOCATION, WWW_AUTHENTICATE};
use serde_json::{json, Value};

use crate::helpers::{location, sign_in, Session, TestApp};

crate::on_both_backends!(
    a_developer_token_is_made_on_the_account_page_and_works_only_as_one,
    a_developer_goes_from_app_to_rotated_key_over_rest,
);

const TOKENS: &str = "/account/tokens";
pub const PURPOSE_TEXT: &str = "Showing train times to commuters in our journey planner.";

/// The secrets of a kind (`ptt_` or `ptc_`) in a text.
pub fn secrets_in(text: &str, prefix: &str) -> Vec<String> {
    text.match_indices(prefix)
        .filter_map(|(at, _)| {
            let candidate: String = text[at..].chars().take(53).collect();
            (candidate.len() == 53 && candidate[4..].chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(candidate)
        })
        .collect()
}

/// Creates a developer token through the account's form and reads its
/// secret from the page that follows.
pub async fn developer_token(app: &TestApp, session: &Session, name: &str) -> String {
    let response = app
        .post_form(session, TOKENS, &[("name", name), ("days", "30")])
        .await;
    assert_eq!(response.status(), 303, "the form redirects");
    assert_eq!(location(&response), TOKENS);
    let (status, html) = app.page(session, TOKENS).await;
    assert_eq!(status, 200, "{html}");
    let secrets = secrets_in(&html, "ptt_");
    assert!(!secrets.is_empty(), "the new token is on the page: {html}");
    secrets[0].clone()
}

/// Sends a request to the REST API with a token (and a JSON body).
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = app
        .http
        .request(method, format!("{}/api/v1{path}", app.portal))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, headers)
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.db.pool())
        .await
        .expect("a count");
    n
}

async fn a_developer_token_is_made_on_the_account_page_and_works_only_as_one(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let (_, account) = app.page(&developer, "/account").await;
    assert!(account.contains("href=\"/account/tokens\""), "{account}");

    // A bad form is sent back, and stores nothing.
    let refused = app
        .post_form(&developer, TOKENS, &[("name", ""), ("days", "3650")])
        .await;
    assert_eq!(location(&refused), TOKENS);
    let (_, html) = app.page(&developer, TOKENS).await;
    assert!(html.contains("Enter a name for the token"), "{html}");
    assert_eq!(count(&app, "select count(*) from access_token").await, 0);

    // The secret is shown once; only its hash is kept; no agency is its.
    let token = developer_token(&app, &developer, "my scripts").await;
    let (_, html) = app.page(&developer, TOKENS).await;
    assert!(!html.contains(&token), "the secret is shown only once");
    assert!(html.contains("my scripts") && html.contains(&token[..12]));
    let (tenant, hash): (Option<i64>, String) =
        sqlx::query_as("select tenant_id, hash from access_token")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(tenant, None, "a developer token belongs to no agency");
    assert_ne!(hash, token);
    let (tenant, detail): (Option<i64>, String) =
        sqlx::query_as("select tenant_id, detail from audit_event where action = 'token.create'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(tenant, None);
    assert!(detail.contains("my scripts") && !detail.contains(&token) && !detail.contains(&hash));

    let (status, body, _) = call(&app, reqwest::Method::GET, &token, "/apps", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "apps": [] }));

    // No token, or a mistyped one: 401, saying where to make one.
    let anonymous = app
        .http
        .get(format!("{}/api/v1/apps", app.portal))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key(WWW_AUTHENTICATE));
    let problem: Value = anonymous.json().await.unwrap();
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("/account/tokens"));
    let mut mistyped = token.clone();
    mistyped.replace_range(10..11, if &token[10..11] == "a" { "b" } else { "a" });
    let (status, body, _) = call(&app, reqwest::Method::GET, &mistyped, "/apps", None).await;
    assert_eq!(status, 401);
    assert!(
        body["detail"].as_str().unwrap().contains("mistyped"),
        "{body}"
    );

    // An agency's token is not a developer token, and the reverse.
    let owner = sign_in(&app, "owner").await;
    let agency_token =
        crate::tokens::create_token(&app, &owner, "demo-transport", "pipeline").await;
    let (status, body, headers) =
        call(&app, reqwest::Method::GET, &agency_token, "/apps", None).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(headers["content-type"], "application/problem+json");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("agency's publishing token") && detail.contains("/account/tokens"),
        "{detail}"
    );
    let published = app
        .http
        .post(format!(
            "{}/api/v1/agencies/demo-transport/apis/train-travel/versions",
            app.portal
        ))
        .bearer_auth(&token)
        .body("openapi: 3.1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 403);
    let body: Value = published.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains("developer token"),
        "{body}"
    );

    // Another user cannot revoke it; its owner can, and then it is dead.
    let (id,): (i64,) = sqlx::query_as("select id from access_token where name = 'my scripts'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let revoke = format!("{TOKENS}/{id}/revoke");
    assert_eq!(app.post_form(&owner, &revoke, &[]).await.status(), 404);
    let revoked = app.post_form(&developer, &revoke, &[]).await;
    assert_eq!(location(&revoked), TOKENS);
    let (status, body, headers) = call(&app, reqwest::Method::GET, &token, "/apps", None).await;
    assert_eq!(status, 401);
    assert!(headers.contains_key(WWW_AUTHENTICATE));
    assert!(
        body["detail"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_event where action = 'token.revoke'"
        )
        .await,
        1
    );
    let (_, html) = app.page(&developer, TOKENS).await;
    assert!(html.contains("Revoked"), "{html}");
}

async fn a_developer_goes_from_app_to_rotated_key_over_rest(app: TestApp) {
    use reqwest::Method;

    let owner = sign_in(&app, "owner").await;
    let developer = sign_in(&app, "developer").await;
    // The standard plan of Train Travel needs the owner's approval.
    let plan = app
        .post_form(
            &owner,
            "/manage/demo-transport/apis/train-travel/plans/standard",
            &[
                ("name", "Standard"),
                ("rate_per_second", "10"),
                ("rate_per_minute", "300"),
                ("approval", "manual"),
                ("open_for_requests", "yes"),
            ],
        )
        .await;
    assert_eq!(
        location(&plan),
        "/manage/demo-transport/apis/train-travel/plans",
        "the plan is saved"
    );
    let token = developer_token(&app, &developer, "scripts").await;

    // An application.
    let (status, created, headers) = call(
        &app,
        Method::POST,
        &token,
        "/apps",
        Some(json!({ "name": " Journey planner ", "description": "For commuters" })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["name"], "Journey planner");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(headers[LOCATION], format!("/api/v1/apps/{id}").as_str());
    let base = format!("/apps/{id}");

    // Access to the standard plan: pending until the owner decides.
    let (status, request, _) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/subscriptions"),
        Some(json!({
            "agency": "demo-transport", "api": "train-travel", "plan": "standard",
            "purpose": PURPOSE_TEXT, "accept_terms": true,
        })),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["plan_name"], "Standard");
    let subscription = request["id"].as_i64().unwrap();
    let approved = app
        .post_form(
            &owner,
            &format!("/manage/demo-transport/requests/{subscription}/approve"),
            &[("reason", "Welcome aboard")],
        )
        .await;
    assert_eq!(approved.status(), 303);
    let (status, request, _) = call(
        &app,
        Method::GET,
        &token,
        &format!("{base}/subscriptions/{subscription}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(request["status"], "approved");
    assert_eq!(request["decision_reason"], "Welcome aboard");
    let (_, list, _) = call(
        &app,
        Method::GET,
        &token,
        &format!("{base}/subscriptions"),
        None,
    )
    .await;
    assert_eq!(list["subscriptions"].as_array().unwrap().len(), 1);

    // A key: its secret once, in the create response only.
    let (status, key, _) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/keys"),
        Some(json!({ "name": "production", "expires_on": "2099-01-01" })),
    )
    .await;
    assert_eq!(status, 422, "two years at most: {key}");
    assert_eq!(key["errors"][0]["field"], "expires_on");
    let (status, key, headers) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/keys"),
        Some(json!({ "name": "production" })),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let secret = key["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("ptc_") && secret.len() == 53);
    assert_eq!(key["key"]["status"], "active");
    let old_id = key["key"]["id"].as_i64().unwrap();
    let clock = Clock::system();
    assert!(matches!(
        check_presented(app.db.pool(), &clock, &secret)
            .await
            .unwrap(),
        KeyCheck::Valid { .. }
    ));
    let (_, keys, _) = call(&app, Method::GET, &token, &format!("{base}/keys"), None).await;
    assert!(
        !keys.to_string().contains(&secret),
        "never again in a listing"
    );
    assert!(secrets_in(&keys.to_string(), "ptc_").is_empty());
    let (_, html) = app.page(&developer, &format!("/apps/{id}")).await;
    assert!(!html.contains(&secret), "nor on the application's page");

    // Rotate: a new secret; the old key works for the grace period.
    let (status, rotated, _) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/keys/{old_id}/rotate"),
        Some(json!({ "grace": "24h" })),
    )
    .await;
    assert_eq!(status, 201, "{rotated}");
    let new_secret = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert_eq!(rotated["replaced"]["status"], "rotating");
    assert_eq!(rotated["key"]["name"], "production");
    assert!(matches!(
        check_presented(app.db.pool(), &clock, &secret)
            .await
            .unwrap(),
        KeyCheck::Valid { .. }
    ));

    // Revoke the old one: it stops at once; the new one works.
    let (status, revoked, _) = call(
        &app,
        Method::POST,
        &token,
        &format!("{base}/keys/{old_id}/revoke"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["key"]["status"], "revoked");
    assert_eq!(
        check_presented(app.db.pool(), &clock, &secret)
            .await
            .unwrap(),
        KeyCheck::Revoked
    );
    assert!(matches!(
        check_presented(app.db.pool(), &clock, &new_secret)
            .await
            .unwrap(),
        KeyCheck::Valid { .. }
    ));
    let (_, keys, _) = call(&app, Method::GET, &token, &format!("{base}/keys"), None).await;
    let statuses: Vec<&str> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["active", "revoked"]);
    assert!(secrets_in(&keys.to_string(), "ptc_").is_empty());

    // Every change is on the record, as the token's user.
    let actor = "Dana Developer (token ";
    for action in [
        "app.create",
        "subscription.request",
        "key.create",
        "key.rotate",
        "key.revoke",
    ] {
        let (who,): (String,) = sqlx::query_as("select actor from audit_event where action = $1")
            .bind(action)
            .fetch_one(app.db.pool())
            .await
            .expect(action);
        assert!(who.starts_with(actor), "{action}: {who}");
    }

    // Another developer's token: that application is not there at all.
    let admin = sign_in(&app, "admin").await;
    let other = developer_token(&app, &admin, "theirs").await;
    let before = crate::developer_api_input::snapshot(&app).await;
    for (method, path, body) in [
        (Method::GET, base.clone(), None),
        (
            Method::PATCH,
            base.clone(),
            Some(json!({ "name": "Mine now" })),
        ),
        (Method::DELETE, base.clone(), None),
        (Method::GET, format!("{base}/keys"), None),
        (
            Method::POST,
            format!("{base}/keys"),
            Some(json!({ "name": "k" })),
        ),
        (
            Method::POST,
            format!("{base}/keys/{old_id}/rotate"),
            Some(json!({ "grace": "none" })),
        ),
        (Method::POST, format!("{base}/keys/{old_id}/revoke"), None),
        (Method::GET, format!("{base}/subscriptions"), None),
        (
            Method::GET,
            format!("{base}/subscriptions/{subscription}"),
            None,
        ),
    ] {
        let (status, body, _) = call(&app, method.clone(), &other, &path, body).await;
        assert_eq!(status, 404, "{method} {path}: {body}");
        assert!(!body.to_string().contains("Journey planner"), "{body}");
    }
    let (_, theirs, _) = call(&app, Method::GET, &other, "/apps", None).await;
    assert_eq!(theirs, json!({ "apps": [] }));
    assert_eq!(crate::developer_api_input::snapshot(&app).await, before);

    // Rename, then delete: its keys revoked, its access ended.
    let (status, renamed, _) = call(
        &app,
        Method::PATCH,
        &token,
        &base,
        Some(json!({ "name": "Trip planner" })),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["name"], "Trip planner");
    assert_eq!(renamed["description"], "For commuters", "kept");
    assert_eq!(renamed["working_keys"], 1);
    let (status, deleted, _) = call(&app, Method::DELETE, &token, &base, None).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["keys_revoked"], 1);
    assert_eq!(deleted["subscriptions_ended"], 1);
    let (status, _, _) = call(&app, Method::GET, &token, &base, None).await;
    assert_eq!(status, 404);
    assert_eq!(
        check_presented(app.db.pool(), &clock, &new_secret)
            .await
            .unwrap(),
        KeyCheck::Unknown
    );
}
