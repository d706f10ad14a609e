//! Personal access tokens and publishing from CI: a member creates a token
//! on the agency's Tokens page (shown once), CI publishes a version with
//! it, and every bad token is refused before anything is stored.

use portico::auth::model::{Role, UserKind};
use portico::auth::service::{name_member, Person};
use portico::server::clock::Clock;
use reqwest::header::WWW_AUTHENTICATE;

use crate::helpers::{location, sign_in, Session, TestApp};

crate::on_both_backends!(
    a_token_is_shown_once_and_publishes_a_version,
    bad_tokens_are_refused,
    only_owners_revoke_other_members_tokens,
    a_document_with_errors_stores_nothing,
    portico_lists_and_describes_its_own_api,
);

/// A new version of the demo Train Travel API, in YAML.
const TRAINS_V2: &str = "openapi: 3.0.3
info:
  title: Train Travel API
  version: 2.0.0
paths:
  /stations:
    get:
      operationId: get-stations
      summary: Stations, now with platforms
      responses:
        '200':
          description: The stations.
";

/// The secrets on a page (`ptt_` and 49 letters and digits).
fn secrets_in(html: &str) -> Vec<String> {
    html.match_indices("ptt_")
        .filter_map(|(at, _)| {
            let candidate: String = html[at..].chars().take(53).collect();
            (candidate.len() == 53 && candidate[4..].chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(candidate)
        })
        .collect()
}

/// Creates a token through the form as `session` and reads its secret
/// from the page that follows.
pub async fn create_token(app: &TestApp, session: &Session, agency: &str, name: &str) -> String {
    let page = format!("/manage/{agency}/tokens");
    let response = app
        .post_form(session, &page, &[("name", name), ("days", "30")])
        .await;
    assert_eq!(response.status(), 303, "the form redirects");
    assert_eq!(location(&response), page);
    let (status, html) = app.page(session, &page).await;
    assert_eq!(status, 200);
    let secrets = secrets_in(&html);
    assert!(!secrets.is_empty(), "the new token is on the page: {html}");
    secrets[0].clone()
}

/// POSTs a document as CI would.
async fn publish(app: &TestApp, token: Option<&str>, path: &str, body: &str) -> reqwest::Response {
    let mut request = app
        .http
        .post(format!("{}/api/v1/agencies/{path}", app.portal))
        .header("content-type", "application/yaml")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request sent")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.db.pool())
        .await
        .expect("a count");
    n
}

async fn a_token_is_shown_once_and_publishes_a_version(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let refused = app
        .post_form(
            &owner,
            "/manage/demo-transport/tokens",
            &[("name", " "), ("days", "3650")],
        )
        .await;
    assert_eq!(refused.status(), 303);
    let (_, html) = app.page(&owner, "/manage/demo-transport/tokens").await;
    assert!(html.contains("Enter a name for the token"), "{html}");
    assert!(html.contains("in 7, 30, 90 or 365 days"), "{html}");
    assert_eq!(count(&app, "select count(*) from access_token").await, 0);

    let token = create_token(&app, &owner, "demo-transport", "release pipeline").await;
    let (_, html) = app.page(&owner, "/manage/demo-transport/tokens").await;
    assert!(!html.contains(&token), "the secret is shown only once");
    assert!(html.contains("release pipeline") && html.contains(&token[..12]));
    let (hash,): (String,) = sqlx::query_as("select hash from access_token")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_ne!(hash, token, "only a hash is stored");
    let (_, agency_page) = app.page(&owner, "/manage/demo-transport").await;
    assert!(agency_page.contains("href=\"/manage/demo-transport/tokens\""));

    let response = publish(
        &app,
        Some(&token),
        "demo-transport/apis/train-travel/versions?label=2.0.0",
        TRAINS_V2,
    )
    .await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["version"], "2.0.0");
    assert_eq!(body["operations"], 1);
    assert_eq!(body["api_created"], false);
    let api_link = body["links"]["api"].as_str().unwrap();
    assert!(
        api_link.ends_with("/apis/demo-transport/train-travel"),
        "{body}"
    );

    let (status, page) = app
        .get_text(&format!("{}/apis/demo-transport/train-travel", app.portal))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("2.0.0"),
        "the new version is on the API's page"
    );
    let (actor, user_id, target, detail): (String, Option<i64>, String, String) = sqlx::query_as(
        "select actor, actor_user_id, target, detail from audit_event \
         where action = 'version.publish' and target = 'demo-transport/train-travel'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("one publish on the record");
    assert_eq!(actor, format!("Owen Owner (token {})", &token[..12]));
    assert!(user_id.is_some());
    assert_eq!(target, "demo-transport/train-travel");
    assert!(detail.contains("2.0.0"));
    let (detail,): (String,) =
        sqlx::query_as("select detail from audit_event where action = 'token.create'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        detail.contains("release pipeline") && !detail.contains(&token) && !detail.contains(&hash)
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from access_token where last_used_at is not null"
        )
        .await,
        1
    );

    let again = publish(
        &app,
        Some(&token),
        "demo-transport/apis/train-travel/versions?label=2.0.0",
        TRAINS_V2,
    )
    .await;
    assert_eq!(again.status(), 409, "versions are never overwritten");
    assert_eq!(again.headers()["content-type"], "application/problem+json");
}

async fn bad_tokens_are_refused(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let token = create_token(&app, &owner, "demo-transport", "ci").await;
    let path = "demo-transport/apis/train-travel/versions";

    let none = publish(&app, None, path, TRAINS_V2).await;
    assert_eq!(none.status(), 401);
    assert!(none.headers()[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));

    let other = publish(
        &app,
        Some(&token),
        "demo-ipo/apis/data-sets/versions",
        TRAINS_V2,
    )
    .await;
    assert_eq!(other.status(), 403, "a token works only for its own agency");

    // An expired token, stored as the form would have stored it.
    let expired =
        portico::secret::Secret::generate(portico::secret::SecretKind::AccessToken).unwrap();
    sqlx::query(
        "insert into access_token (user_id, tenant_id, name, prefix, hash, created_at, \
         updated_at, expires_at) select user_id, tenant_id, 'old', $1, $2, \
         '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z', '2020-01-31T00:00:00Z' \
         from access_token limit 1",
    )
    .bind(expired.display_prefix())
    .bind(expired.hash())
    .execute(app.db.pool())
    .await
    .unwrap();
    let response = publish(&app, Some(expired.expose()), path, TRAINS_V2).await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("expired"));

    // A member who left the agency has dead tokens.
    sqlx::query("delete from membership where tenant_id = (select id from tenant where slug = 'demo-transport')")
        .execute(app.db.pool())
        .await
        .unwrap();
    let left = publish(&app, Some(&token), path, TRAINS_V2).await;
    assert_eq!(left.status(), 403);
    let owner = sign_in(&app, "owner").await; // the sign-in makes them owner again
    assert_ne!(
        publish(&app, Some(&token), path, "not: [a document")
            .await
            .status(),
        403
    );

    // Revoked through the form: dead at once.
    let (id,): (i64,) = sqlx::query_as("select id from access_token where name = 'ci'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let revoked = app
        .post_form(
            &owner,
            &format!("/manage/demo-transport/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    let response = publish(&app, Some(&token), path, TRAINS_V2).await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("revoked"));

    // A mistyped token is refused by its checksum, without the database:
    // it is still refused with 401 (not 503) once the database is gone.
    let mut mistyped = token.clone();
    let last = if mistyped.ends_with('a') { "b" } else { "a" };
    mistyped.replace_range(52.., last);
    app.db.pool().close().await;
    let response = publish(&app, Some(&mistyped), path, TRAINS_V2).await;
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("mistyped"));
}

async fn only_owners_revoke_other_members_tokens(app: TestApp) {
    let clock = Clock::system();
    let dana = Person {
        provider: "dev",
        subject: "developer",
        name: "Dana Developer",
        kind: UserKind::Individual,
    };
    name_member(&app.db, &clock, "demo-transport", &dana, Role::Maintainer)
        .await
        .unwrap();
    let maintainer = sign_in(&app, "developer").await;
    let owner = sign_in(&app, "owner").await;
    let owners_token = create_token(&app, &owner, "demo-transport", "owner's job").await;
    let maintainers_token =
        create_token(&app, &maintainer, "demo-transport", "maintainer's job").await;
    let id_of = |name: &'static str| {
        let pool = app.db.pool().clone();
        async move {
            let (id,): (i64,) = sqlx::query_as("select id from access_token where name = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
            id
        }
    };

    let (_, page) = app.page(&maintainer, "/manage/demo-transport/tokens").await;
    assert!(page.contains("maintainer&#x27;s job") || page.contains("maintainer's job"));
    assert!(
        !page.contains("owner&#x27;s job") && !page.contains("owner's job"),
        "a maintainer sees only their own"
    );
    let refused = app
        .post_form(
            &maintainer,
            &format!(
                "/manage/demo-transport/tokens/{}/revoke",
                id_of("owner's job").await
            ),
            &[],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let path = "demo-transport/apis/train-travel/versions?label=2.0.0";
    assert_eq!(
        publish(&app, Some(&owners_token), path, TRAINS_V2)
            .await
            .status(),
        201
    );

    let (_, page) = app.page(&owner, "/manage/demo-transport/tokens").await;
    assert!(page.contains("Other members"), "{page}");
    assert!(page.contains("Dana Developer"));
    let revoked = app
        .post_form(
            &owner,
            &format!(
                "/manage/demo-transport/tokens/{}/revoke",
                id_of("maintainer's job").await
            ),
            &[],
        )
        .await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(
        publish(&app, Some(&maintainers_token), path, TRAINS_V2)
            .await
            .status(),
        401
    );
    let (actor, detail): (String, String) =
        sqlx::query_as("select actor, detail from audit_event where action = 'token.revoke'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(actor, "Owen Owner");
    assert!(detail.contains("maintainer's job") && !detail.contains(&maintainers_token));
}

async fn a_document_with_errors_stores_nothing(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let token = create_token(&app, &owner, "demo-transport", "ci").await;
    let versions = count(&app, "select count(*) from api_version").await;
    let apis = count(&app, "select count(*) from api").await;
    let broken = "openapi: 3.0.3\ninfo:\n  title: Broken\npaths:\n  /a/{b}:\n    get:\n      responses:\n        '200':\n          description: ok\n";
    let response = publish(
        &app,
        Some(&token),
        "demo-transport/apis/broken/versions?publish=true",
        broken,
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    let errors = body["errors"].as_array().expect("the findings");
    assert_eq!(errors.len(), 2, "{body}");
    assert_eq!(errors[0]["pointer"], "/info");
    assert_eq!(errors[0]["line"], 2);
    assert!(
        errors[1]["message"].as_str().unwrap().contains("`{b}`"),
        "{body}"
    );
    assert_eq!(
        count(&app, "select count(*) from api_version").await,
        versions
    );
    assert_eq!(
        count(&app, "select count(*) from api").await,
        apis,
        "no API half-created"
    );
    assert_eq!(
        count(&app, "select count(*) from audit_event where action in ('version.publish', 'api.create') and actor like '%token%'").await,
        0
    );
}

async fn portico_lists_and_describes_its_own_api(app: TestApp) {
    let (status, text) = app
        .get_text(&format!("{}/api/v1/openapi.json", app.portal))
        .await;
    assert_eq!(status, 200);
    let prepared = portico::openapi::import::prepare(&text).expect("a valid document");
    assert_eq!(prepared.operations, 16);
    assert_eq!(prepared.openapi_version, "3.1.0");

    let (_, body) = app
        .get_json(&format!("{}/api/v1/apis?agency=portico", app.portal))
        .await;
    let api = &body["apis"][0];
    assert_eq!(api["name"], "Portico REST API", "{body}");
    assert_eq!(api["agency"]["name"], "Portico platform");
    assert_eq!(api["access_mode"], "open");
    assert_eq!(api["version"], "1.1.0");
    for page in [
        "/apis/portico/rest-api",
        "/apis/portico/rest-api/reference",
        "/apis/portico/rest-api/reference/operations/publishVersion",
        "/apis/portico/rest-api/reference/schemas/Published",
    ] {
        let (status, html) = app.get_text(&format!("{}{page}", app.portal)).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            html.contains("Portico REST API") || html.contains("publishVersion"),
            "{page}"
        );
    }
    // The try-it console's path: through the gateway to the portal's API.
    let (status, via_gateway) = app
        .get_json(&format!(
            "{}/portico/rest-api/apis?agency=demo-ipo",
            app.gateway
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(via_gateway["apis"][0]["agency"]["slug"], "demo-ipo");
}
