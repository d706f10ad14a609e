//! The gateway's key checks, through the portal's real forms: each kind of
//! bad key gets 401 with `WWW-Authenticate`, a key without an approved
//! subscription 403, a revocation or rotation applies to the very next
//! call, and a good call reaches the upstream without the key and with a
//! JWT that verifies against the gateway's JWKS.

use josekit::jwk::Jwk;
use josekit::jws::ES256;
use portico::secret::{Secret, SecretKind};

use crate::gateway_support::{call, consumer, key_id, problem, GATEWAY_PATH};
use crate::helpers::{location, sign_in, TestApp};

crate::on_both_backends!(
    bad_keys_get_401_and_a_revocation_applies_to_the_next_call,
    keys_without_an_approved_subscription_get_403,
    calls_reach_the_upstream_with_a_verifiable_identity_and_no_key,
    keys_made_and_revoked_over_rest_apply_at_once,
    an_owner_revokes_a_leaked_key_and_the_next_call_gets_401,
);

async fn refused_with(app: &TestApp, key: &str, words: &str) {
    let response = call(app, GATEWAY_PATH, key).await;
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer realm="),
        "401 says how to authenticate"
    );
    let (status, body) = problem(response).await;
    assert_eq!(status, 401, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains(words), "{detail}");
    assert!(!detail.contains(key), "a problem never repeats the key");
}

async fn bad_keys_get_401_and_a_revocation_applies_to_the_next_call(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);

    // No key at all.
    let bare = app
        .http
        .get(format!("{}{GATEWAY_PATH}", app.gateway))
        .send()
        .await
        .unwrap();
    assert!(bare.headers().contains_key("www-authenticate"));
    let (status, body) = problem(bare).await;
    assert_eq!(status, 401);
    assert!(body["detail"].as_str().unwrap().contains("x-api-key"));

    // Mistyped: the checksum fails, before any lookup.
    let mut mistyped = dev.key.clone();
    let last = if mistyped.ends_with('A') { "B" } else { "A" };
    mistyped.replace_range(52.., last);
    refused_with(&app, &mistyped, "mistyped").await;
    refused_with(&app, "ptc_short", "not complete").await;
    // Well formed, but no such key.
    let unknown = Secret::generate(SecretKind::ApiKey).unwrap();
    refused_with(&app, unknown.expose(), "not known").await;

    // The key also works as a bearer token.
    let bearer = app
        .http
        .get(format!("{}{GATEWAY_PATH}", app.gateway))
        .bearer_auth(&dev.key)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);

    // Rotated with no grace period: the old key is expired at once.
    let old_id = key_id(&app, dev.app_id).await;
    let rotated = crate::gateway_support::new_key(
        &app,
        &dev.session,
        &format!("{}/keys/{old_id}/rotate", dev.page),
        &[("grace", "none")],
    )
    .await;
    refused_with(&app, &dev.key, "expired").await;
    assert_eq!(call(&app, GATEWAY_PATH, &rotated).await.status(), 200);

    // Revoked through the developer's form: the very next call is refused.
    crate::gateway_support::revoke_key(&app, &dev, key_id(&app, dev.app_id).await).await;
    refused_with(&app, &rotated, "revoked").await;
}

async fn keys_without_an_approved_subscription_get_403(app: TestApp) {
    let unsubscribed = consumer(&app, "No plan yet", None).await;
    let (status, body) = problem(call(&app, GATEWAY_PATH, &unsubscribed.key).await).await;
    assert_eq!(status, 403);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("demo-transport/train-travel"));

    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    // Approved for trains, not for pets.
    let (status, _) = problem(call(&app, "/demo-animals/petstore/pets", &dev.key).await).await;
    assert_eq!(status, 403);

    // The owner revokes the access through the queue's form: the next
    // call is refused.
    let owner = sign_in(&app, "owner").await;
    let (id,): (i64,) = sqlx::query_as("select id from subscription where app_id = $1")
        .bind(dev.app_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let revoked = app
        .post_form(
            &owner,
            &format!("/manage/demo-transport/requests/{id}/revoke"),
            &[("reason", "The pilot has ended.")],
        )
        .await;
    assert_eq!(revoked.status(), 303, "{}", location(&revoked));
    let (status, _) = problem(call(&app, GATEWAY_PATH, &dev.key).await).await;
    assert_eq!(status, 403);
}

async fn calls_reach_the_upstream_with_a_verifiable_identity_and_no_key(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    let response = app
        .http
        .get(format!("{}{GATEWAY_PATH}?country=DE", app.gateway))
        .bearer_auth(&dev.key)
        .header("x-portico-identity", "forged")
        .header("host", "api.example.test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["ratelimit-policy"]
        .to_str()
        .unwrap()
        .contains("\"second\";q=10;w=1"));
    assert!(response.headers().contains_key("ratelimit"));
    let echo: serde_json::Value = response.json().await.unwrap();
    let headers = &echo["headers"];
    assert_eq!(echo["path"], "/stations");
    assert!(
        headers.get("authorization").is_none(),
        "the key is stripped"
    );
    assert!(headers.get("x-api-key").is_none());
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert_eq!(headers["x-forwarded-host"], "api.example.test");
    assert!(headers["forwarded"]
        .as_str()
        .unwrap()
        .starts_with("for=127.0.0.1;proto=http"));

    // The identity token verifies against the gateway's JWKS.
    let token = headers["x-portico-identity"].as_str().unwrap();
    assert_ne!(token, "forged");
    let (status, jwks) = app
        .get_json(&format!("{}/.well-known/jwks.json", app.gateway))
        .await;
    assert_eq!(status, 200);
    let key = jwks["keys"][0].as_object().unwrap().clone();
    assert!(!key.contains_key("d"), "only the public half is served");
    let verifier = ES256
        .verifier_from_jwk(&Jwk::from_map(key).unwrap())
        .unwrap();
    let (claims, _) = josekit::jwt::decode_with_verifier(token, &verifier).unwrap();
    assert_eq!(claims.audience(), Some(vec!["demo-transport/train-travel"]));
    assert_eq!(claims.claim("api").unwrap(), "demo-transport/train-travel");
    assert_eq!(
        claims.claim("app_id").unwrap(),
        &serde_json::json!(dev.app_id)
    );
    let key_id = key_id(&app, dev.app_id).await;
    assert_eq!(claims.claim("key_id").unwrap(), &serde_json::json!(key_id));
    assert_eq!(claims.claim("plan").unwrap(), "standard");
    let developer = crate::access_requests::user_id(&app, "developer").await;
    assert_eq!(
        claims.claim("owner_user_id").unwrap(),
        &serde_json::json!(developer)
    );
    let issued = claims.issued_at().unwrap();
    let expires = claims.expires_at().unwrap();
    assert_eq!(expires.duration_since(issued).unwrap().as_secs(), 60);
    assert!(expires > std::time::SystemTime::now());
}

/// The REST API changes keys through the same services as the forms, so
/// the gateway learns of each change before the API answers.
async fn keys_made_and_revoked_over_rest_apply_at_once(app: TestApp) {
    use crate::developer_api::{call as rest, developer_token};
    use reqwest::Method;
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    let token = developer_token(&app, &dev.session, "CI").await;
    let keys = format!("/apps/{}/keys", dev.app_id);

    let body = serde_json::json!({ "name": "From CI" });
    let (status, made, _) = rest(&app, Method::POST, &token, &keys, Some(body)).await;
    assert_eq!(status, 201, "{made}");
    let secret = made["secret"].as_str().unwrap().to_owned();
    assert_eq!(call(&app, GATEWAY_PATH, &secret).await.status(), 200);

    let id = made["key"]["id"].as_i64().unwrap();
    let revoke = format!("{keys}/{id}/revoke");
    let (status, _, _) = rest(&app, Method::POST, &token, &revoke, None).await;
    assert_eq!(status, 200);
    refused_with(&app, &secret, "revoked").await;

    // Deleting the application ends its other key too.
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    let whole = format!("/apps/{}", dev.app_id);
    let (status, _, _) = rest(&app, Method::DELETE, &token, &whole, None).await;
    assert_eq!(status, 200);
    let (status, _) = problem(call(&app, GATEWAY_PATH, &dev.key).await).await;
    assert_eq!(status, 401);
}

/// The golden path's last step: the agency's owner revokes a consumer's
/// key from the request queue, with a reason the developer is told.
async fn an_owner_revokes_a_leaked_key_and_the_next_call_gets_401(app: TestApp) {
    let dev = consumer(&app, "Journey planner", Some("standard")).await;
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);
    let (subscription,): (i64,) = sqlx::query_as("select id from subscription where app_id = $1")
        .bind(dev.app_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let key = key_id(&app, dev.app_id).await;
    let owner = sign_in(&app, "owner").await;
    let queue = "/manage/demo-transport/requests";
    let (_, html) = app.page(&owner, queue).await;
    assert!(html.contains("Revoke key test (ptc_"), "{html}");
    let path = format!("{queue}/{subscription}/keys/{key}/revoke");

    // A reason is needed, and nothing changes without one.
    let refused = app.post_form(&owner, &path, &[("reason", " ")]).await;
    assert_eq!(location(&refused), queue);
    let (_, html) = app.page(&owner, queue).await;
    assert!(html.contains("Give a reason for revoking"), "{html}");
    assert_eq!(call(&app, GATEWAY_PATH, &dev.key).await.status(), 200);

    // A developer is no owner of the agency.
    let forged = app
        .post_form(&dev.session, &path, &[("reason", "Mine")])
        .await;
    assert_eq!(forged.status(), 403);

    let reason = "The key was published in a public repository.";
    let revoked = app.post_form(&owner, &path, &[("reason", reason)]).await;
    assert_eq!(location(&revoked), queue);
    let (status, body) = problem(call(&app, GATEWAY_PATH, &dev.key).await).await;
    assert_eq!(status, 401, "{body}");

    // The developer is told why; the audit log names the agency's owner.
    let (_, notes) = app.page(&dev.session, "/notifications").await;
    assert!(notes.contains(reason), "{notes}");
    let (action, tenant): (String, Option<i64>) = sqlx::query_as(
        "select action, tenant_id from audit_event where action = 'key.revoke' order by id desc",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(action, "key.revoke");
    assert!(tenant.is_some(), "the event belongs to the agency");
    // Revoking it again changes nothing and says so.
    let again = app.post_form(&owner, &path, &[("reason", reason)]).await;
    assert_eq!(location(&again), queue);
    let (_, html) = app.page(&owner, queue).await;
    assert!(
        !html.contains("Revoke key test (ptc_"),
        "a revoked key is no longer offered"
    );
}
