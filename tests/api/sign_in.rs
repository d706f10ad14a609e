//! Signing in end to end, hop by hop, against real identity providers:
//! Singpass and Corppass (MockPass), a plain OpenID Connect provider and one
//! with the FAPI 2.0 profile (oidc-provider); and sign-ins that must fail
//! safely: a forged or replayed state, a provider that is down, a visitor
//! who cancels, and a provider that misbehaves on purpose (wrong nonce,
//! expired or wrongly signed ID token). A failed sign-in ends on the sign-in
//! page with a sentence, stores nobody and shows no token.

use portico::auth::oidc::failure_sentence;
use reqwest::Url;
use serde_json::Value;

use crate::helpers::{self, Backend};
use crate::providers::{
    self, holds_jwt, input_value, query, query_names, unescape, Browser, FreePort, Portal, Provider,
};

/// MockPass's default persona (S8979373D) as Singpass names it.
const SINGPASS_SUBJECT: &str = "s=S8979373D,u=a9865837-7bd7-46ac-bef4-42a76a946424";
/// The same persona at Corppass.
const CORPPASS_SUBJECT: &str = "s=S8979373D,u=a9865837-7bd7-46ac-bef4-42a76a946424,c=SG";
/// The client secret of the plain OpenID Connect provider: characters that
/// client_secret_basic must form-encode.
const CLIENT_SECRET: &str = "portico secret:+/%&=";

// ------------------------------------------------------------ configuration

fn mockpass_toml(port: u16) -> String {
    format!(
        r#"
[[provider]]
id = "singpass"
name = "Singpass"
kind = "individual"
issuer = "http://127.0.0.1:{port}/singpass/v2"
client_id = "portico-singpass"
client_auth = "private_key_jwt"
scopes = ["openid"]

[[provider]]
id = "corppass"
name = "Corppass"
kind = "business"
issuer = "http://127.0.0.1:{port}/corppass/v2"
client_id = "portico-corppass"
client_auth = "private_key_jwt"
scopes = ["openid"]
name_claim = "userInfo.CPUID_FullName"
"#
    )
}

fn generic_toml(id: &str, issuer: &str) -> String {
    format!(
        r#"
[[provider]]
id = "{id}"
name = "Test identity provider"
kind = "individual"
issuer = "{issuer}"
client_id = "portico"
client_secret = "{}"
client_auth = "client_secret_basic"
"#,
        CLIENT_SECRET.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn fapi2_toml(port: u16) -> String {
    format!(
        r#"
[[provider]]
id = "fapi"
name = "FAPI provider"
kind = "business"
issuer = "http://127.0.0.1:{port}"
client_id = "portico"
client_auth = "private_key_jwt"
profile = "fapi2"
"#
    )
}

/// oidc-provider's settings for Portico's plain OpenID Connect provider `id`.
fn generic_settings(portal: &Portal, id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("OIDC_PROFILE", "generic".into()),
        ("OIDC_CLIENT_ID", "portico".into()),
        ("OIDC_CLIENT_SECRET", CLIENT_SECRET.into()),
        ("OIDC_REDIRECT_URIS", portal.callback(id)),
        ("OIDC_POST_LOGOUT_REDIRECT_URIS", portal.signed_out()),
        ("OIDC_SUBJECT", "alice".into()),
        ("OIDC_NAME", "Alice Tan".into()),
        ("OIDC_EMAIL", "alice@example.com".into()),
    ]
}

// ------------------------------------------------------------ what is stored

/// (id, kind, display name, email) of every user.
type UserRow = (i64, String, String, Option<String>);
/// (user id, provider, subject, claims) of every identity.
type IdentityRow = (i64, String, String, String);

async fn users(portal: &Portal) -> Vec<UserRow> {
    sqlx::query_as("select id, kind, display_name, email from user_account order by id")
        .fetch_all(portal.db.pool())
        .await
        .expect("users read")
}

async fn identities(portal: &Portal) -> Vec<IdentityRow> {
    sqlx::query_as("select user_id, provider, subject, claims from user_identity order by id")
        .fetch_all(portal.db.pool())
        .await
        .expect("identities read")
}

fn claims(identity: &IdentityRow) -> Value {
    serde_json::from_str(&identity.3).expect("claims stored as JSON")
}

// ------------------------------------------------------------ the hops

/// `GET /sign-in/{id}` (with `next`): Portico sends the browser to the
/// provider. The URL it sends it to.
async fn start(browser: &Browser, portal: &Portal, id: &str, next: Option<&str>) -> Url {
    let mut url = Url::parse(&format!("{}/sign-in/{id}", portal.portal)).unwrap();
    if let Some(next) = next {
        url.query_pairs_mut().append_pair("next", next);
    }
    browser.redirected(url.as_str(), 303).await
}

/// Checks an authorization request in the browser's URL: code flow with
/// PKCE (S256), a state and a nonce, back to Portico's callback.
fn assert_authorization_request(url: &Url, client_id: &str, callback: &str, scope: &str) {
    assert_eq!(
        query(url, "response_type").as_deref(),
        Some("code"),
        "{url}"
    );
    assert_eq!(query(url, "client_id").as_deref(), Some(client_id), "{url}");
    assert_eq!(
        query(url, "redirect_uri").as_deref(),
        Some(callback),
        "{url}"
    );
    assert_eq!(query(url, "scope").as_deref(), Some(scope), "{url}");
    assert_eq!(
        query(url, "code_challenge_method").as_deref(),
        Some("S256"),
        "{url}"
    );
    let challenge = query(url, "code_challenge").expect("a PKCE code challenge");
    assert_eq!(challenge.len(), 43, "a SHA-256 challenge, base64url: {url}");
    let state = query(url, "state").expect("a state");
    let nonce = query(url, "nonce").expect("a nonce");
    assert!(state.len() >= 16 && nonce.len() >= 16, "{url}");
    assert_ne!(state, nonce, "state and nonce are separate secrets");
}

/// MockPass signs its default persona in at once: back to the callback.
async fn through_mockpass(browser: &Browser, portal: &Portal, id: &str, authorize: &Url) -> Url {
    let callback = browser.redirected(authorize.as_str(), 302).await;
    assert!(
        callback.as_str().starts_with(&portal.callback(id)),
        "{callback}"
    );
    assert_eq!(query(&callback, "state"), query(authorize, "state"));
    assert!(query(&callback, "code").is_some(), "{callback}");
    callback
}

/// At oidc-provider: the interaction page, then its form. `Some(subject)`
/// signs that person in; `None` presses Cancel. Back to the callback.
async fn through_oidc_provider(
    browser: &Browser,
    portal: &Portal,
    id: &str,
    authorize: &Url,
    person: Option<(&str, &str, &str)>,
) -> Url {
    let interaction = browser.redirected(authorize.as_str(), 303).await;
    assert!(
        interaction.path().starts_with("/interaction/"),
        "{interaction}"
    );
    let form = browser.page(interaction.as_str()).await;
    let login = format!("{}/login", interaction.path());
    assert!(form.contains(&format!("action=\"{login}\"")), "{form}");
    let resume = match person {
        Some((subject, name, email)) => {
            browser
                .form_redirected(
                    interaction.join(&login).unwrap().as_str(),
                    &[("subject", subject), ("name", name), ("email", email)],
                    303,
                )
                .await
        }
        None => {
            let abort = format!("{}/abort", interaction.path());
            assert!(form.contains(&format!("action=\"{abort}\"")), "{form}");
            browser
                .form_redirected(interaction.join(&abort).unwrap().as_str(), &[], 303)
                .await
        }
    };
    let callback = browser.redirected(resume.as_str(), 303).await;
    assert!(
        callback.as_str().starts_with(&portal.callback(id)),
        "{callback}"
    );
    // A pushed request's state never passes through the browser on the way out.
    match query(authorize, "state") {
        Some(state) => assert_eq!(query(&callback, "state"), Some(state)),
        None => assert!(query(&callback, "state").is_some(), "{callback}"),
    }
    callback
}

/// The callback: where Portico sends the browser next.
async fn finish(browser: &Browser, callback: &Url) -> Url {
    browser.redirected(callback.as_str(), 303).await
}

/// A failed sign-in: the sign-in page with the code, whose sentence says
/// what went wrong, and no token anywhere on it.
async fn assert_refused(browser: &Browser, portal: &Portal, landed: &Url, code: &str) {
    assert_eq!(
        landed.as_str(),
        format!("{}/sign-in?problem={code}", portal.portal),
        "the sign-in ends on the sign-in page with problem={code}"
    );
    let page = browser.page(landed.as_str()).await;
    let sentence = failure_sentence(code).expect("a sentence for the code");
    assert!(
        unescape(&page).contains(sentence),
        "the page says: {sentence}\n{page}"
    );
    assert!(!holds_jwt(&page), "no token on the page: {page}");
    let account = browser
        .redirected(&format!("{}/account", portal.portal), 303)
        .await;
    assert_eq!(account.path(), "/sign-in", "nobody is signed in");
}

/// Nobody was stored.
async fn assert_nobody(portal: &Portal) {
    assert_eq!(users(portal).await, Vec::<UserRow>::new());
    assert_eq!(identities(portal).await, Vec::<IdentityRow>::new());
}

// ------------------------------------------------------------ Singpass and Corppass

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn singpass_signs_an_individual_in_once_and_finds_them_again() {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let issuer = format!("http://127.0.0.1:{port}/singpass/v2");
    let portal = Portal::start(Backend::Sqlite, &mockpass_toml(port))
        .await
        .expect("SQLite always runs");
    let _mockpass = Provider::mockpass(free, &portal.jwks_url()).await;
    assert_nobody(&portal).await;

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "singpass", None).await;
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{issuer}/authorize?")),
        "{authorize}"
    );
    assert_authorization_request(
        &authorize,
        "portico-singpass",
        &portal.callback("singpass"),
        "openid",
    );
    let before = browser
        .cookie(&portal.portal, "portico_session")
        .expect("the pending sign-in is kept in a session");

    let callback = through_mockpass(&browser, &portal, "singpass", &authorize).await;
    let landed = finish(&browser, &callback).await;
    assert_eq!(landed.as_str(), format!("{}/account", portal.portal));
    let after = browser
        .cookie(&portal.portal, "portico_session")
        .expect("a session");
    assert_ne!(before, after, "signing in gives the session a new id");

    let account = browser.page(landed.as_str()).await;
    assert!(account.contains("Singpass user"), "{account}");
    assert!(account.contains("Individual developer"), "{account}");
    assert!(account.contains(SINGPASS_SUBJECT), "{account}");
    assert!(!holds_jwt(&account), "no token on the page");

    let stored = users(&portal).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let (user_id, kind, name, email) = stored[0].clone();
    assert_eq!(
        (kind.as_str(), name.as_str(), email),
        ("individual", "Singpass user", None)
    );
    let linked = identities(&portal).await;
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert_eq!(
        (linked[0].0, linked[0].1.as_str(), linked[0].2.as_str()),
        (user_id, "singpass", SINGPASS_SUBJECT)
    );
    let first = claims(&linked[0]);
    assert_eq!(first["iss"], issuer.as_str());
    assert_eq!(first["aud"], "portico-singpass");
    assert_eq!(first["nonce"], query(&authorize, "nonce").unwrap().as_str());

    // Again, from another browser and on to a page of the portal: the same
    // user, with the claims of this sign-in.
    let other = Browser::new();
    let authorize = start(&other, &portal, "singpass", Some("/apis?tag=animals")).await;
    let callback = through_mockpass(&other, &portal, "singpass", &authorize).await;
    let landed = finish(&other, &callback).await;
    assert_eq!(
        landed.as_str(),
        format!("{}/apis?tag=animals", portal.portal)
    );
    assert_eq!(users(&portal).await.len(), 1, "no second user");
    let linked = identities(&portal).await;
    assert_eq!(linked.len(), 1, "no second identity");
    assert_eq!(linked[0].0, user_id);
    let second = claims(&linked[0]);
    assert_eq!(
        second["nonce"],
        query(&authorize, "nonce").unwrap().as_str()
    );
    assert_ne!(second["nonce"], first["nonce"], "the claims are refreshed");
    let viewer: Value = other
        .get(&format!("{}/fn/viewer", portal.portal))
        .await
        .json()
        .await
        .expect("the viewer as JSON");
    assert_eq!(viewer["name"], "Singpass user", "{viewer}");
    assert_eq!(viewer["kind"], "individual", "{viewer}");

    // Only a path of the portal may follow a sign-in.
    let third = Browser::new();
    let authorize = start(&third, &portal, "singpass", Some("//evil.example/")).await;
    let callback = through_mockpass(&third, &portal, "singpass", &authorize).await;
    let landed = finish(&third, &callback).await;
    assert_eq!(landed.as_str(), format!("{}/account", portal.portal));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corppass_signs_business_staff_in_with_their_name() {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let portal = Portal::start(Backend::Sqlite, &mockpass_toml(port))
        .await
        .expect("SQLite always runs");
    let _mockpass = Provider::mockpass(free, &portal.jwks_url()).await;

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "corppass", None).await;
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("http://127.0.0.1:{port}/corppass/v2/authorize?")),
        "{authorize}"
    );
    assert_authorization_request(
        &authorize,
        "portico-corppass",
        &portal.callback("corppass"),
        "openid",
    );
    let callback = through_mockpass(&browser, &portal, "corppass", &authorize).await;
    let landed = finish(&browser, &callback).await;
    assert_eq!(landed.as_str(), format!("{}/account", portal.portal));

    let account = browser.page(landed.as_str()).await;
    assert!(account.contains("Name of S8979373D"), "{account}");
    assert!(account.contains("Business or agency staff"), "{account}");

    let stored = users(&portal).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        (stored[0].1.as_str(), stored[0].2.as_str()),
        ("business", "Name of S8979373D")
    );
    let linked = identities(&portal).await;
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert_eq!(
        (linked[0].0, linked[0].1.as_str(), linked[0].2.as_str()),
        (stored[0].0, "corppass", CORPPASS_SUBJECT)
    );
    let stored_claims = claims(&linked[0]);
    assert_eq!(stored_claims["aud"], "portico-corppass");
    assert_eq!(stored_claims["entityInfo"]["CPEntID"], "123456789A");
}

// ------------------------------------------------------------ oidc-provider

/// A plain OpenID Connect provider (client_secret_basic): sign in through its
/// form, then sign out here and there.
async fn signs_in_and_out_with_a_plain_provider(backend: Backend) {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let issuer = format!("http://127.0.0.1:{port}");
    let Some(portal) = Portal::start(backend, &generic_toml("idp", &issuer)).await else {
        return;
    };
    let provider = Provider::oidc_provider(free, &generic_settings(&portal, "idp")).await;
    assert_eq!(provider.base, issuer);

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "idp", None).await;
    assert!(
        authorize.as_str().starts_with(&format!("{issuer}/auth?")),
        "{authorize}"
    );
    assert_authorization_request(
        &authorize,
        "portico",
        &portal.callback("idp"),
        "openid profile email",
    );
    let callback = through_oidc_provider(
        &browser,
        &portal,
        "idp",
        &authorize,
        Some(("alice", "Alice Tan", "alice@example.com")),
    )
    .await;
    assert_eq!(query(&callback, "iss").as_deref(), Some(issuer.as_str()));
    let landed = finish(&browser, &callback).await;
    assert_eq!(
        landed.as_str(),
        format!("{}/account", portal.portal),
        "provider stderr: {}",
        provider.stderr()
    );

    let account = browser.page(landed.as_str()).await;
    assert!(account.contains("Alice Tan"), "{account}");
    assert!(account.contains("alice@example.com"), "{account}");
    let stored = users(&portal).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        (
            stored[0].1.as_str(),
            stored[0].2.as_str(),
            stored[0].3.as_deref()
        ),
        ("individual", "Alice Tan", Some("alice@example.com"))
    );
    let linked = identities(&portal).await;
    assert_eq!(
        (linked[0].0, linked[0].1.as_str(), linked[0].2.as_str()),
        (stored[0].0, "idp", "alice")
    );

    // Signing out is a form with the session's token: without it, refused.
    let csrf = input_value(&account, "csrf_token").expect("the sign-out form's token");
    let sign_out = format!("{}/sign-out", portal.portal);
    let refused = browser.post_form(&sign_out, &[]).await;
    assert_eq!(refused.status(), 403, "a sign-out without the token");
    browser.page(&format!("{}/account", portal.portal)).await;
    let end_session = browser
        .form_redirected(&sign_out, &[("csrf_token", &csrf)], 303)
        .await;
    assert!(
        end_session
            .as_str()
            .starts_with(&format!("{issuer}/session/end?")),
        "{end_session}"
    );
    assert_eq!(
        query(&end_session, "post_logout_redirect_uri"),
        Some(portal.signed_out())
    );
    assert_eq!(query(&end_session, "client_id").as_deref(), Some("portico"));
    assert!(query(&end_session, "id_token_hint").is_some());
    let to_sign_in = browser
        .redirected(&format!("{}/account", portal.portal), 303)
        .await;
    assert_eq!(to_sign_in.path(), "/sign-in", "signed out of Portico");

    // The provider asks, then sends the browser back to the portal.
    let confirm = browser.page(end_session.as_str()).await;
    let xsrf = input_value(&confirm, "xsrf").expect("the provider's sign-out form");
    let back = browser
        .form_redirected(
            &format!("{issuer}/session/end/confirm"),
            &[("xsrf", &xsrf), ("logout", "yes")],
            303,
        )
        .await;
    assert!(
        back.as_str().starts_with(&portal.signed_out()),
        "{back} (provider stderr: {})",
        provider.stderr()
    );
    browser.page(back.as_str()).await;

    // Signed out at the provider too: the next sign-in asks again.
    let authorize = start(&browser, &portal, "idp", None).await;
    let next = browser.redirected(authorize.as_str(), 303).await;
    assert!(next.path().starts_with("/interaction/"), "{next}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_provider_signs_in_and_out_on_sqlite() {
    signs_in_and_out_with_a_plain_provider(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_provider_signs_in_and_out_on_postgres() {
    signs_in_and_out_with_a_plain_provider(Backend::Postgres).await;
}

/// FAPI 2.0: the request is pushed (PAR), the client authenticates with a
/// signed assertion and the token is bound to Portico's DPoP key.
async fn signs_in_with_fapi2(dpop_nonce: bool) {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let issuer = format!("http://127.0.0.1:{port}");
    let portal = Portal::start(Backend::Sqlite, &fapi2_toml(port))
        .await
        .expect("SQLite always runs");
    let provider = Provider::oidc_provider(
        free,
        &[
            ("OIDC_PROFILE", "fapi2".into()),
            ("OIDC_CLIENT_ID", "portico".into()),
            ("OIDC_CLIENT_JWKS_URI", portal.jwks_url()),
            ("OIDC_REDIRECT_URIS", portal.callback("fapi")),
            ("OIDC_DPOP_NONCE", dpop_nonce.to_string()),
        ],
    )
    .await;

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "fapi", None).await;
    assert!(
        authorize.as_str().starts_with(&format!("{issuer}/auth?")),
        "{authorize}"
    );
    assert_eq!(
        query_names(&authorize),
        ["client_id", "request_uri"],
        "the browser carries only the pushed request's URI: {authorize}"
    );
    assert!(
        query(&authorize, "request_uri")
            .unwrap()
            .starts_with("urn:ietf:params:oauth:request_uri:"),
        "{authorize}"
    );
    let callback = through_oidc_provider(
        &browser,
        &portal,
        "fapi",
        &authorize,
        Some(("bob", "Bob Lim", "bob@agency.example")),
    )
    .await;
    let landed = finish(&browser, &callback).await;
    assert_eq!(
        landed.as_str(),
        format!("{}/account", portal.portal),
        "provider stderr: {}",
        provider.stderr()
    );
    let account = browser.page(landed.as_str()).await;
    assert!(account.contains("Bob Lim"), "{account}");
    assert!(account.contains("Business or agency staff"), "{account}");
    let linked = identities(&portal).await;
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert_eq!(
        (linked[0].1.as_str(), linked[0].2.as_str()),
        ("fapi", "bob")
    );
    assert_eq!(claims(&linked[0])["iss"], issuer.as_str());
    if dpop_nonce {
        assert!(
            provider.stderr_shows("use_dpop_nonce").await,
            "the provider asked for a nonce, and Portico sent one the second time"
        );
    } else {
        let stderr = provider.stderr();
        assert!(!stderr.contains(".error"), "nothing refused: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fapi2_signs_in_with_par_dpop_and_a_signed_assertion() {
    signs_in_with_fapi2(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fapi2_signs_in_when_the_provider_demands_dpop_nonces() {
    signs_in_with_fapi2(true).await;
}

// ------------------------------------------------------------ failing safely

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_state_signs_nobody_in() {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let portal = Portal::start(Backend::Sqlite, &mockpass_toml(port))
        .await
        .expect("SQLite always runs");
    let _mockpass = Provider::mockpass(free, &portal.jwks_url()).await;

    // A callback this browser never started.
    let stranger = Browser::new();
    let forged = format!(
        "{}?code=forged-code&state=never-issued",
        portal.callback("singpass")
    );
    let landed = finish(&stranger, &Url::parse(&forged).unwrap()).await;
    assert_refused(&stranger, &portal, &landed, "state").await;

    // A real code from the provider with another state: refused, and the
    // pending sign-in is used up, so the genuine answer fails too.
    let browser = Browser::new();
    let authorize = start(&browser, &portal, "singpass", None).await;
    let callback = through_mockpass(&browser, &portal, "singpass", &authorize).await;
    let mut tampered = callback.clone();
    tampered
        .query_pairs_mut()
        .clear()
        .append_pair("code", &query(&callback, "code").unwrap())
        .append_pair("state", "not-the-state-that-was-issued");
    let landed = finish(&browser, &tampered).await;
    assert_refused(&browser, &portal, &landed, "state").await;
    let page = browser.page(landed.as_str()).await;
    assert!(!page.contains(&query(&callback, "code").unwrap()));
    let landed = finish(&browser, &callback).await;
    assert_refused(&browser, &portal, &landed, "state").await;

    // A callback of another provider with this one's state.
    let authorize = start(&browser, &portal, "singpass", None).await;
    let callback = through_mockpass(&browser, &portal, "singpass", &authorize).await;
    let elsewhere = callback
        .as_str()
        .replace("/sign-in/singpass/", "/sign-in/corppass/");
    let landed = finish(&browser, &Url::parse(&elsewhere).unwrap()).await;
    assert_refused(&browser, &portal, &landed, "state").await;
    assert_nobody(&portal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_callback_signs_nobody_in_again() {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let portal = Portal::start(Backend::Sqlite, &mockpass_toml(port))
        .await
        .expect("SQLite always runs");
    let _mockpass = Provider::mockpass(free, &portal.jwks_url()).await;

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "singpass", None).await;
    let callback = through_mockpass(&browser, &portal, "singpass", &authorize).await;
    let landed = finish(&browser, &callback).await;
    assert_eq!(landed.path(), "/account");
    let before = identities(&portal).await;
    assert_eq!(before.len(), 1);

    // MockPass would exchange the code again: only the state stops it.
    let landed = finish(&browser, &callback).await;
    assert_eq!(
        landed.as_str(),
        format!("{}/sign-in?problem=state", portal.portal)
    );
    let page = browser.page(landed.as_str()).await;
    let sentence = failure_sentence("state").unwrap();
    assert!(unescape(&page).contains(sentence), "{page}");
    assert!(!holds_jwt(&page), "no token on the page");
    assert!(!page.contains(&query(&callback, "code").unwrap()));

    // Nor does the URL sign in another browser that got hold of it.
    let thief = Browser::new();
    let landed = finish(&thief, &callback).await;
    assert_refused(&thief, &portal, &landed, "state").await;

    assert_eq!(users(&portal).await.len(), 1, "nobody new");
    assert_eq!(
        identities(&portal).await,
        before,
        "the stored claims are those of the one sign-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_is_down_is_reported_as_unavailable() {
    if !providers::available() {
        return;
    }
    let closed = FreePort::new();
    let free = FreePort::new();
    let port = free.port();
    let toml = format!(
        "{}{}",
        mockpass_toml(port),
        generic_toml("down", &format!("http://127.0.0.1:{}", closed.port()))
    );
    let portal = Portal::start(Backend::Sqlite, &toml)
        .await
        .expect("SQLite always runs");
    // Nothing listens there from now on.
    drop(closed);

    let browser = Browser::new();
    let landed = start(&browser, &portal, "down", None).await;
    assert_refused(&browser, &portal, &landed, "unavailable").await;

    // Gone between sending the visitor there and their coming back.
    let mockpass = Provider::mockpass(free, &portal.jwks_url()).await;
    let authorize = start(&browser, &portal, "singpass", None).await;
    let callback = through_mockpass(&browser, &portal, "singpass", &authorize).await;
    drop(mockpass);
    let landed = finish(&browser, &callback).await;
    assert_refused(&browser, &portal, &landed, "unavailable").await;
    assert_nobody(&portal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_at_the_provider_is_reported_as_denied() {
    if !providers::available() {
        return;
    }
    let free = FreePort::new();
    let port = free.port();
    let issuer = format!("http://127.0.0.1:{port}");
    let portal = Portal::start(Backend::Sqlite, &generic_toml("idp", &issuer))
        .await
        .expect("SQLite always runs");
    let _provider = Provider::oidc_provider(free, &generic_settings(&portal, "idp")).await;

    let browser = Browser::new();
    let authorize = start(&browser, &portal, "idp", None).await;
    let callback = through_oidc_provider(&browser, &portal, "idp", &authorize, None).await;
    assert_eq!(
        query(&callback, "error").as_deref(),
        Some("access_denied"),
        "{callback}"
    );
    assert_eq!(query(&callback, "code"), None);
    let landed = finish(&browser, &callback).await;
    assert_refused(&browser, &portal, &landed, "denied").await;
    assert_nobody(&portal).await;
}

/// A provider that misbehaves on purpose, in this process.
mod hostile {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    use axum::extract::{Form, Query, State};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use josekit::jwk::alg::ec::EcCurve;
    use josekit::jwk::Jwk;
    use josekit::jws::{JwsHeader, ES256};
    use josekit::jwt::{self, JwtPayload};
    use serde_json::{json, Value};

    /// What is wrong with the ID token.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Flaw {
        /// Nothing: the provider behaves (so that the others show that it
        /// is the flaw, and only the flaw, that Portico refuses).
        None,
        /// The nonce is not the one Portico sent.
        WrongNonce,
        /// It expired an hour ago.
        Expired,
        /// Signed by a key that is not in the provider's JWKS (under the
        /// `kid` of one that is).
        ForeignKey,
        /// Issued to another client.
        WrongAudience,
        /// Issued by someone else.
        WrongIssuer,
    }

    struct Inner {
        issuer: String,
        flaw: Flaw,
        key: Jwk,
        foreign: Jwk,
        nonces: Mutex<HashMap<String, String>>,
        token_requests: AtomicUsize,
    }

    /// The running provider; stops when dropped.
    pub struct Hostile {
        pub issuer: String,
        inner: Arc<Inner>,
        task: tokio::task::JoinHandle<()>,
    }

    impl Drop for Hostile {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    impl Hostile {
        /// How many times Portico asked for tokens.
        pub fn token_requests(&self) -> usize {
            self.inner.token_requests.load(Ordering::SeqCst)
        }
    }

    pub async fn start(flaw: Flaw) -> Hostile {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the hostile provider");
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let mut key = Jwk::generate_ec_key(EcCurve::P256).unwrap();
        key.set_key_id("hostile-1");
        key.set_key_use("sig");
        key.set_algorithm("ES256");
        let inner = Arc::new(Inner {
            issuer: issuer.clone(),
            flaw,
            key,
            foreign: Jwk::generate_ec_key(EcCurve::P256).unwrap(),
            nonces: Mutex::new(HashMap::new()),
            token_requests: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Hostile {
            issuer,
            inner,
            task,
        }
    }

    async fn discovery(State(inner): State<Arc<Inner>>) -> Json<Value> {
        let issuer = &inner.issuer;
        Json(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }))
    }

    async fn jwks(State(inner): State<Arc<Inner>>) -> Json<Value> {
        let mut public = inner.key.to_public_key().unwrap();
        public.set_key_id("hostile-1");
        public.set_key_use("sig");
        public.set_algorithm("ES256");
        Json(json!({ "keys": [Value::Object(public.as_ref().clone())] }))
    }

    /// Signs anyone in at once: back with a code and the state given.
    async fn authorize(
        State(inner): State<Arc<Inner>>,
        Query(params): Query<HashMap<String, String>>,
    ) -> Response {
        let code = uuid::Uuid::new_v4().simple().to_string();
        inner.nonces.lock().unwrap().insert(
            code.clone(),
            params.get("nonce").cloned().unwrap_or_default(),
        );
        let mut back = url::Url::parse(&params["redirect_uri"]).unwrap();
        back.query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &params["state"]);
        (
            http::StatusCode::FOUND,
            [(http::header::LOCATION, back.to_string())],
        )
            .into_response()
    }

    async fn token(
        State(inner): State<Arc<Inner>>,
        Form(form): Form<HashMap<String, String>>,
    ) -> Response {
        inner.token_requests.fetch_add(1, Ordering::SeqCst);
        let nonce = form
            .get("code")
            .and_then(|code| inner.nonces.lock().unwrap().remove(code));
        let Some(nonce) = nonce else {
            return (
                http::StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        };
        let now = SystemTime::now();
        let hour = Duration::from_secs(3600);
        let mut payload = JwtPayload::new();
        payload.set_issuer(match inner.flaw {
            Flaw::WrongIssuer => "http://127.0.0.1:1".to_string(),
            _ => inner.issuer.clone(),
        });
        payload.set_subject("mallory");
        payload.set_audience(vec![match inner.flaw {
            Flaw::WrongAudience => "someone-else",
            _ => "portico",
        }]);
        if inner.flaw == Flaw::Expired {
            payload.set_issued_at(&(now - 2 * hour));
            payload.set_expires_at(&(now - hour));
        } else {
            payload.set_issued_at(&now);
            payload.set_expires_at(&(now + Duration::from_secs(300)));
        }
        let nonce = match inner.flaw {
            Flaw::WrongNonce => "a-nonce-portico-never-sent".to_string(),
            _ => nonce,
        };
        payload.set_claim("nonce", Some(json!(nonce))).unwrap();
        payload
            .set_claim("name", Some(json!("Mallory Hostile")))
            .unwrap();
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id("hostile-1");
        let key = match inner.flaw {
            Flaw::ForeignKey => &inner.foreign,
            _ => &inner.key,
        };
        let signer = ES256.signer_from_jwk(key).unwrap();
        let id_token = jwt::encode_with_signer(&payload, &header, &signer).unwrap();
        Json(json!({
            "access_token": "hostile-access-token",
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }))
        .into_response()
    }
}

/// Signs in at a provider with `flaw`: where the callback sends the browser.
async fn sign_in_at_hostile(flaw: hostile::Flaw) -> (Portal, Browser, Url) {
    let provider = hostile::start(flaw).await;
    let portal = Portal::start(Backend::Sqlite, &generic_toml("hostile", &provider.issuer))
        .await
        .expect("SQLite always runs");
    let browser = Browser::new();
    let authorize = start(&browser, &portal, "hostile", None).await;
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{}/authorize?", provider.issuer)),
        "{authorize}"
    );
    assert_authorization_request(
        &authorize,
        "portico",
        &portal.callback("hostile"),
        "openid profile email",
    );
    let callback = browser.redirected(authorize.as_str(), 302).await;
    let landed = finish(&browser, &callback).await;
    assert_eq!(
        provider.token_requests(),
        1,
        "Portico exchanged the code, then judged the ID token"
    );
    (portal, browser, landed)
}

async fn assert_rejected(flaw: hostile::Flaw) {
    let (portal, browser, landed) = sign_in_at_hostile(flaw).await;
    assert_refused(&browser, &portal, &landed, "rejected").await;
    assert_nobody(&portal).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_misbehaving_provider_signs_in_when_it_behaves() {
    let (portal, browser, landed) = sign_in_at_hostile(hostile::Flaw::None).await;
    assert_eq!(landed.as_str(), format!("{}/account", portal.portal));
    let account = browser.page(landed.as_str()).await;
    assert!(account.contains("Mallory Hostile"), "{account}");
    let linked = identities(&portal).await;
    assert_eq!(
        (linked[0].1.as_str(), linked[0].2.as_str()),
        ("hostile", "mallory")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_with_another_nonce_is_rejected() {
    assert_rejected(hostile::Flaw::WrongNonce).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_id_token_is_rejected() {
    assert_rejected(hostile::Flaw::Expired).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_signed_by_a_key_not_in_the_jwks_is_rejected() {
    assert_rejected(hostile::Flaw::ForeignKey).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_for_another_client_is_rejected() {
    assert_rejected(hostile::Flaw::WrongAudience).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_token_from_another_issuer_is_rejected() {
    assert_rejected(hostile::Flaw::WrongIssuer).await;
}

// ------------------------------------------------------------ Portico's keys

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jwks_has_a_signing_and_an_encryption_key_without_private_parts() {
    let app = helpers::spawn(Backend::Sqlite)
        .await
        .expect("SQLite always runs");
    let response = app
        .http
        .get(format!("{}/.well-known/jwks.json", app.portal))
        .send()
        .await
        .expect("the JWKS");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{:?}",
        response.headers()
    );
    let jwks: Value = response.json().await.expect("JSON");
    let keys = jwks["keys"].as_array().expect("a key list");
    assert_eq!(keys.len(), 2, "{jwks}");
    let signing: Vec<&Value> = keys.iter().filter(|key| key["use"] == "sig").collect();
    let encryption: Vec<&Value> = keys.iter().filter(|key| key["use"] == "enc").collect();
    assert_eq!(signing.len(), 1, "{jwks}");
    assert_eq!(encryption.len(), 1, "{jwks}");
    assert_eq!(signing[0]["alg"], "ES256");
    assert_eq!(encryption[0]["alg"], "ECDH-ES+A256KW");
    for key in keys {
        assert_eq!(key["kty"], "EC", "{key}");
        assert_eq!(key["crv"], "P-256", "{key}");
        assert!(key["x"].is_string() && key["y"].is_string(), "{key}");
        assert!(key["kid"].as_str().is_some_and(|kid| !kid.is_empty()));
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(key.get(private).is_none(), "no {private} in {key}");
        }
    }
    assert_ne!(signing[0]["kid"], encryption[0]["kid"]);
    assert_ne!(
        signing[0]["x"], encryption[0]["x"],
        "two different keys, one for each use"
    );
}
