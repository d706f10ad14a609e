//! Every route has an access rule, and every rule holds: the anonymous are
//! sent to sign in (pages) or get 401 (data), the wrong role and the wrong
//! agency get 403; state-changing requests need the session's CSRF token.

use std::collections::BTreeSet;

use portico::auth::access::Need;
use portico::server::portal::{rules, PAGE_RULES, SERVER_FN_RULES};
use reqwest::header::{COOKIE, LOCATION, ORIGIN};

use crate::helpers::{sign_in, Session, TestApp};

crate::on_both_backends!(every_route_has_a_rule_and_every_rule_holds);

/// The path with its parameters filled in.
fn concrete(pattern: &str, agency: &str) -> String {
    pattern
        .split('/')
        .map(|segment| match segment {
            "{agency}" => agency.to_string(),
            s if s.starts_with('{') => "x".to_string(),
            s => s.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_data(path: &str) -> bool {
    path.starts_with("/fn/") || path.starts_with("/api/")
}

/// Sends GET, or POST (with the session's token) where GET is not allowed.
async fn call(app: &TestApp, path: &str, session: Option<&Session>) -> reqwest::Response {
    let url = format!("{}{path}", app.portal);
    let mut request = app.http.get(&url);
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
    }
    let response = request.send().await.expect("request sent");
    if response.status() != 405 {
        return response;
    }
    let mut request = app.http.post(&url);
    let mut form = vec![];
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
        form.push(("csrf_token", session.csrf.clone()));
    }
    request.form(&form).send().await.expect("request sent")
}

/// Sends GET with a bearer token, or POST with `{}` where GET is not allowed.
async fn with_token(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    let url = format!("{}{path}", app.portal);
    let response = app.http.get(&url).bearer_auth(token).send().await;
    let response = response.expect("request sent");
    if response.status() != 405 {
        return response;
    }
    let request = app.http.post(&url).bearer_auth(token).body("{}");
    request.send().await.expect("request sent")
}

async fn every_route_has_a_rule_and_every_rule_holds(app: TestApp) {
    let rules = rules(true);

    // Completeness: every page and server function has a rule, and no rule
    // names a page or function that does not exist.
    let pages: BTreeSet<String> = portico::server::portal::route_list()
        .iter()
        .map(|route| route.path().to_string())
        .collect();
    let functions: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    for path in pages.iter().chain(&functions) {
        assert!(
            rules.get(path).is_some(),
            "{path} has no access rule: add one in src/server/portal.rs"
        );
    }
    for (path, _) in PAGE_RULES {
        assert!(
            pages.contains(*path),
            "PAGE_RULES names {path}, which is not a page"
        );
    }
    for (path, _) in SERVER_FN_RULES {
        assert!(
            functions.contains(*path),
            "SERVER_FN_RULES names {path}, which is not a server function"
        );
    }

    let developer = sign_in(&app, "developer").await;
    let owner = sign_in(&app, "owner").await; // of demo-transport
    let admin = sign_in(&app, "admin").await;
    let mut checked = 0;
    for (pattern, need) in &rules.0 {
        // The agency in the path is one the owner does not belong to.
        let path = concrete(pattern, "demo-ipo");
        let anonymous = call(&app, &path, None).await;
        let status = anonymous.status().as_u16();
        match need {
            // The refusal page answers 403 to everyone: that is its job.
            Need::Anyone if path == "/forbidden" => {
                assert_eq!(status, 403);
                continue;
            }
            Need::Anyone => {
                assert!(
                    status != 401 && status != 403,
                    "{path}: anonymous refused with {status}"
                );
                continue;
            }
            _ if is_data(&path) => assert_eq!(status, 401, "{path}: anonymous"),
            _ => {
                assert_eq!(status, 303, "{path}: anonymous");
                let location = anonymous.headers()[LOCATION].to_str().unwrap().to_string();
                assert!(location.starts_with("/sign-in?next="), "{path}: {location}");
            }
        }
        let expect = |session: &str, allowed: bool, status: u16| {
            // Allowed: past the access rule. The empty form this test sends
            // may still be refused as invalid (422) or a made-up id as 400/404.
            if allowed {
                assert!(
                    status != 401 && status != 403 && status < 500,
                    "{path}: {session} refused with {status}"
                );
            } else {
                assert_eq!(status, 403, "{path}: {session} must be refused");
            }
        };
        match need {
            Need::Anyone => unreachable!(),
            Need::SignedIn => {
                for (name, session) in [
                    ("developer", &developer),
                    ("owner", &owner),
                    ("admin", &admin),
                ] {
                    expect(
                        name,
                        true,
                        call(&app, &path, Some(session)).await.status().as_u16(),
                    );
                }
            }
            Need::Admin => {
                expect(
                    "developer",
                    false,
                    call(&app, &path, Some(&developer)).await.status().as_u16(),
                );
                expect(
                    "owner",
                    false,
                    call(&app, &path, Some(&owner)).await.status().as_u16(),
                );
                expect(
                    "admin",
                    true,
                    call(&app, &path, Some(&admin)).await.status().as_u16(),
                );
            }
            Need::Agency(_) => {
                expect(
                    "developer",
                    false,
                    call(&app, &path, Some(&developer)).await.status().as_u16(),
                );
                expect(
                    "admin",
                    false,
                    call(&app, &path, Some(&admin)).await.status().as_u16(),
                );
                expect(
                    "owner of another agency",
                    false,
                    call(&app, &path, Some(&owner)).await.status().as_u16(),
                );
                let own = concrete(pattern, "demo-transport");
                expect(
                    "owner",
                    true,
                    call(&app, &own, Some(&owner)).await.status().as_u16(),
                );
            }
            Need::AgencyArgument(_) => {
                let other = format!("{path}?agency=demo-ipo");
                let own = format!("{path}?agency=demo-transport");
                expect(
                    "developer",
                    false,
                    call(&app, &other, Some(&developer)).await.status().as_u16(),
                );
                expect(
                    "admin",
                    false,
                    call(&app, &own, Some(&admin)).await.status().as_u16(),
                );
                expect(
                    "owner of another agency",
                    false,
                    call(&app, &other, Some(&owner)).await.status().as_u16(),
                );
                expect(
                    "owner",
                    true,
                    call(&app, &own, Some(&owner)).await.status().as_u16(),
                );
            }
            Need::AgencyToken => {
                // Not a session: a session alone is still no token (401),
                // another agency's token is refused (403), the agency's
                // own token gets past the rule.
                let send = |path: String, token: Option<String>| {
                    let mut request = app.http.post(format!("{}{path}", app.portal)).body("{}");
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    async move { request.send().await.expect("request sent") }
                };
                let refused = call(&app, &path, Some(&owner)).await;
                assert_eq!(refused.status(), 401, "{path}: a session is not a token");
                assert!(
                    refused.headers().contains_key("www-authenticate"),
                    "{path}: says which scheme it takes"
                );
                let token =
                    crate::tokens::create_token(&app, &owner, "demo-transport", "access").await;
                expect(
                    "a token of another agency",
                    false,
                    send(path.clone(), Some(token.clone()))
                        .await
                        .status()
                        .as_u16(),
                );
                let own = concrete(pattern, "demo-transport");
                expect(
                    "a token of the agency",
                    true,
                    send(own, Some(token)).await.status().as_u16(),
                );
            }
            Need::DeveloperToken => {
                // Not a session (401), not an agency's token (403): the
                // developer's own token gets past the rule.
                let refused = call(&app, &path, Some(&developer)).await;
                assert_eq!(refused.status(), 401, "{path}: a session is not a token");
                assert!(
                    refused.headers().contains_key("www-authenticate"),
                    "{path}: says which scheme it takes"
                );
                let agency_token =
                    crate::tokens::create_token(&app, &owner, "demo-transport", "agency").await;
                let refused = with_token(&app, &path, &agency_token).await;
                assert_eq!(refused.status(), 403, "{path}: an agency's token");
                let body = refused.text().await.unwrap();
                assert!(body.contains("/account/tokens"), "{path}: {body}");
                let token = crate::developer_api::developer_token(&app, &developer, "access").await;
                expect(
                    "a developer token",
                    true,
                    with_token(&app, &path, &token).await.status().as_u16(),
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} guarded routes were checked");

    // A refused page is the refusal page, not an error or someone's data.
    let (status, html) = {
        let response = call(&app, "/admin", Some(&developer)).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 403);
    assert!(
        html.contains("You do not have access to this page"),
        "{html}"
    );
    assert!(
        !html.contains("Platform admins"),
        "the admin page's content leaked"
    );

    // CSRF: a signed-in POST needs the session's token and a same-site origin.
    let sign_out = format!("{}/sign-out", app.portal);
    let without_token = app
        .http
        .post(&sign_out)
        .header(COOKIE, &owner.cookie)
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        without_token.status(),
        403,
        "a POST without the token is refused"
    );
    let wrong_token = app
        .http
        .post(&sign_out)
        .header(COOKIE, &owner.cookie)
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status(), 403);
    let cross_site = app
        .http
        .post(&sign_out)
        .header(COOKIE, &owner.cookie)
        .header(ORIGIN, "http://evil.example")
        .form(&[("csrf_token", owner.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403, "another site's form is refused");
    let still = call(&app, "/fn/account", Some(&owner)).await;
    assert_eq!(
        still.status(),
        200,
        "refused sign-outs left the session alone"
    );
    let signed_out = app
        .http
        .post(&sign_out)
        .header(COOKIE, &owner.cookie)
        .form(&[("csrf_token", owner.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    let after = call(&app, "/fn/account", Some(&owner)).await;
    assert_eq!(after.status(), 401, "the session ended with the sign-out");
}

/// The idle timeout lives in the cookie and the row's expiry; the absolute
/// one is checked on every request against the time of the sign-in.
mod absolute_timeout {
    use super::call;
    use crate::helpers::{sign_in, TestApp};

    crate::on_both_backends!(a_session_ends_twelve_hours_after_its_sign_in_however_busy);

    /// A session signed in 13 hours ago is ended, even though it is in use.
    async fn a_session_ends_twelve_hours_after_its_sign_in_however_busy(app: TestApp) {
        let session = sign_in(&app, "developer").await;
        assert_eq!(
            call(&app, "/fn/account", Some(&session)).await.status(),
            200
        );
        let id = session
            .cookie
            .trim_start_matches("portico_session=")
            .to_string();
        let (data,): (String,) = sqlx::query_as("select data from web_session where id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .expect("the session is stored");
        let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
        let signed_in_at = data["signed_in_at"]
            .as_i64()
            .expect("the sign-in time is kept");
        data["signed_in_at"] = serde_json::json!(signed_in_at - 13 * 3600);
        sqlx::query("update web_session set data = $1 where id = $2")
            .bind(data.to_string())
            .bind(&id)
            .execute(app.db.pool())
            .await
            .unwrap();
        assert_eq!(
            call(&app, "/fn/account", Some(&session)).await.status(),
            401,
            "a session past 12 hours is over"
        );
        let (left,): (i64,) = sqlx::query_as("select count(*) from web_session where id = $1")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        assert_eq!(left, 0, "the ended session is deleted, not kept");
    }
}
