//! Developers' applications and their API keys, through the HTML forms as
//! the demo developer: a key is shown once and stored as a hash only,
//! rotation keeps the old key for its grace period, revocation is at once,
//! another developer finds nothing, and deleting an application says what
//! it will do, then revokes its keys and ends its access requests.

use portico::keys::service::{check_presented, KeyCheck};
use portico::secret::{Secret, SecretKind};
use portico::server::clock::Clock;
use time::{Duration, OffsetDateTime};

use crate::helpers::{location, sign_in, Session, TestApp};

crate::on_both_backends!(
    a_key_is_shown_once_and_stored_as_a_hash,
    a_rotated_key_works_for_its_grace_period_and_a_revoked_one_stops,
    another_developer_finds_nothing,
    deleting_an_app_says_what_it_does_then_does_it,
    bad_expiry_dates_and_an_eleventh_key_are_refused,
);

/// The API keys on a page (`ptc_` and 49 letters and digits).
fn keys_in(html: &str) -> Vec<String> {
    html.match_indices("ptc_")
        .filter_map(|(at, _)| {
            let candidate: String = html[at..].chars().take(53).collect();
            (candidate.len() == 53 && candidate[4..].chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(candidate)
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(app.db.pool()).await.unwrap();
    n
}

/// Creates an application through the form; returns its page's path.
async fn create_app(app: &TestApp, session: &Session, name: &str) -> String {
    let response = app
        .post_form(session, "/apps", &[("name", name), ("description", "")])
        .await;
    assert_eq!(response.status(), 303);
    let to = location(&response);
    assert!(to.starts_with("/apps/"), "{to}");
    to
}

/// Posts a key form (create or rotate) and reads the secret shown once.
async fn new_key(app: &TestApp, session: &Session, path: &str, fields: &[(&str, &str)]) -> String {
    let response = app.post_form(session, path, fields).await;
    assert_eq!(response.status(), 303, "{path}");
    let (status, html) = app.page(session, &location(&response)).await;
    assert_eq!(status, 200);
    let mut keys = keys_in(&html);
    keys.dedup();
    // Shown in the page, and in the page's data for hydration.
    assert_eq!(keys.len(), 1, "one new key on the page: {html}");
    keys[0].clone()
}

async fn check(app: &TestApp, clock: &Clock, key: &str) -> KeyCheck {
    check_presented(app.db.pool(), clock, key).await.unwrap()
}

fn app_id(path: &str) -> i64 {
    path.trim_start_matches("/apps/").parse().unwrap()
}

async fn a_key_is_shown_once_and_stored_as_a_hash(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let refused = app
        .post_form(
            &developer,
            "/apps",
            &[("name", " "), ("description", "kept")],
        )
        .await;
    assert_eq!(location(&refused), "/apps");
    let (_, html) = app.page(&developer, "/apps").await;
    assert!(
        html.contains("id=\"name-error\""),
        "the error is beside the field: {html}"
    );
    assert!(html.contains("Enter a name for the application"), "{html}");
    assert!(html.contains(">kept</textarea>"), "what was typed is kept");
    assert_eq!(count(&app, "select count(*) from app").await, 0);

    let page = create_app(&app, &developer, "Bus arrivals").await;
    let (_, list) = app.page(&developer, "/apps").await;
    assert!(list.contains(&format!("href=\"{page}\"")) && list.contains("Bus arrivals"));
    let (_, account) = app.page(&developer, "/account").await;
    assert!(
        account.contains("href=\"/apps\""),
        "linked from the account page"
    );

    let key = new_key(
        &app,
        &developer,
        &format!("{page}/keys"),
        &[("key_name", "server"), ("expires_on", "")],
    )
    .await;
    let (_, again) = app.page(&developer, &page).await;
    assert!(keys_in(&again).is_empty(), "the secret is shown only once");
    assert!(again.contains("server") && again.contains(&key[..12]) && again.contains("Active"));

    let secret = Secret::parse(&key).expect("the key parses, checksum and all");
    assert_eq!(secret.kind(), SecretKind::ApiKey);
    let (hash, stored): (String, String) = sqlx::query_as(
        "select hash, prefix || '|' || name || '|' || created_at || '|' || updated_at || '|' \
         || coalesce(expires_at, '') || '|' || coalesce(last_used_at, '') || '|' \
         || coalesce(revoked_at, '') from api_key",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(hash, secret.hash(), "the SHA-256 is what is stored");
    // Every text column of the row: the secret is in none of them.
    let stored = format!("{hash}|{stored}");
    assert!(
        !stored.contains(&key) && !stored.contains(&key[12..]),
        "no plaintext: {stored}"
    );
    let (detail,): (String,) =
        sqlx::query_as("select detail from audit_event where action = 'key.create'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(
        detail.contains("server")
            && !detail.contains(&key[12..])
            && !detail.contains(&secret.hash())
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_event where action = 'app.create'"
        )
        .await,
        1
    );

    let (key_id,): (i64,) = sqlx::query_as("select id from api_key")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        check(&app, &Clock::system(), &key).await,
        KeyCheck::Valid {
            key_id,
            app_id: app_id(&page)
        }
    );
    // A mistyped key is refused without the database: a closed pool answers.
    let closed = portico::db::Db::connect("sqlite::memory:").await.unwrap();
    closed.pool().close().await;
    // The last character (of the checksum) changed: to 'x', unless it
    // was 'x' already (one key in 62), when the key would still be valid.
    let other = if key.ends_with('x') { 'y' } else { 'x' };
    let mistyped = format!("{}{other}", &key[..52]);
    let refused = check_presented(closed.pool(), &Clock::system(), &mistyped)
        .await
        .unwrap();
    assert!(matches!(refused, KeyCheck::Malformed(_)), "{refused:?}");
    let unknown = Secret::generate(SecretKind::ApiKey).unwrap();
    assert_eq!(
        check(&app, &Clock::system(), unknown.expose()).await,
        KeyCheck::Unknown
    );
}

async fn a_rotated_key_works_for_its_grace_period_and_a_revoked_one_stops(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let page = create_app(&app, &developer, "Parking").await;
    let old = new_key(
        &app,
        &developer,
        &format!("{page}/keys"),
        &[("key_name", "web"), ("expires_on", "")],
    )
    .await;
    let (old_id,): (i64,) = sqlx::query_as("select id from api_key")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let rotate = format!("{page}/keys/{old_id}/rotate");
    let new = new_key(&app, &developer, &rotate, &[("grace", "24h")]).await;
    assert_ne!(new, old);

    let now = Clock::system();
    assert!(
        matches!(check(&app, &now, &old).await, KeyCheck::Valid { .. }),
        "the old key works in its grace period"
    );
    assert!(matches!(
        check(&app, &now, &new).await,
        KeyCheck::Valid { .. }
    ));
    let (_, html) = app.page(&developer, &page).await;
    assert!(html.contains("Expiring after rotation"), "{html}");
    let after =
        Clock::fixed(OffsetDateTime::now_utc() + Duration::hours(24) + Duration::minutes(1));
    assert_eq!(
        check(&app, &after, &old).await,
        KeyCheck::Expired,
        "after 24 hours the old key is expired"
    );
    assert!(matches!(
        check(&app, &after, &new).await,
        KeyCheck::Valid { .. }
    ));
    let before = Clock::fixed(OffsetDateTime::now_utc() + Duration::hours(23));
    assert!(matches!(
        check(&app, &before, &old).await,
        KeyCheck::Valid { .. }
    ));

    // A rotated key is not rotated twice.
    let again = app.post_form(&developer, &rotate, &[("grace", "1h")]).await;
    assert_eq!(location(&again), page);
    let (_, html) = app.page(&developer, &page).await;
    assert!(html.contains("Only an active key can be rotated"), "{html}");
    assert_eq!(count(&app, "select count(*) from api_key").await, 2);

    let (new_id,): (i64,) = sqlx::query_as("select id from api_key where replaced_by is null")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let revoked = app
        .post_form(&developer, &format!("{page}/keys/{new_id}/revoke"), &[])
        .await;
    assert_eq!(location(&revoked), page);
    assert_eq!(
        check(&app, &now, &new).await,
        KeyCheck::Revoked,
        "revoked at once"
    );
    let (_, html) = app.page(&developer, &page).await;
    assert!(
        html.contains("revoked: it no longer works") && html.contains("Revoked"),
        "{html}"
    );
    for action in ["key.create", "key.rotate", "key.revoke"] {
        let sql = format!("select count(*) from audit_event where action = '{action}'");
        assert_eq!(count(&app, &sql).await, 1, "{action}");
    }
}

async fn another_developer_finds_nothing(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let page = create_app(&app, &developer, "Private project").await;
    let key = new_key(
        &app,
        &developer,
        &format!("{page}/keys"),
        &[("key_name", "k"), ("expires_on", "")],
    )
    .await;
    let (key_id,): (i64,) = sqlx::query_as("select id from api_key")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let other = sign_in(&app, "owner").await;
    for path in [
        page.clone(),
        format!("{page}/delete"),
        format!("/fn/app_page?app={}", app_id(&page)),
    ] {
        let (status, html) = app.page(&other, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !html.contains("Private project"),
            "{path} shows nothing of it"
        );
    }
    let posts: [(String, Vec<(&str, &str)>); 5] = [
        (page.clone(), vec![("name", "Taken"), ("description", "")]),
        (
            format!("{page}/keys"),
            vec![("key_name", "theirs"), ("expires_on", "")],
        ),
        (
            format!("{page}/keys/{key_id}/rotate"),
            vec![("grace", "none")],
        ),
        (format!("{page}/keys/{key_id}/revoke"), vec![]),
        (format!("{page}/delete"), vec![]),
    ];
    for (path, fields) in posts {
        let response = app.post_form(&other, &path, &fields).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let (_, theirs) = app.page(&other, "/apps").await;
    assert!(!theirs.contains("Private project"));
    assert_eq!(count(&app, "select count(*) from api_key").await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from app where name = 'Private project' and deleted_at is null"
        )
        .await,
        1
    );
    assert!(matches!(
        check(&app, &Clock::system(), &key).await,
        KeyCheck::Valid { .. }
    ));
}

async fn deleting_an_app_says_what_it_does_then_does_it(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let page = create_app(&app, &developer, "Short-lived").await;
    let id = app_id(&page);
    let mut keys = Vec::new();
    for name in ["one", "two"] {
        keys.push(
            new_key(
                &app,
                &developer,
                &format!("{page}/keys"),
                &[("key_name", name), ("expires_on", "")],
            )
            .await,
        );
    }
    // An access request, as the access pages would have made it.
    let (plan_id, api_id): (i64, i64) =
        sqlx::query_as("select id, api_id from plan order by id limit 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    sqlx::query(
        "insert into subscription (app_id, plan_id, api_id, status, purpose, created_at, updated_at) \
         values ($1, $2, $3, 'approved', 'testing', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
    )
    .bind(id)
    .bind(plan_id)
    .bind(api_id)
    .execute(app.db.pool())
    .await
    .unwrap();

    let (status, html) = app.page(&developer, &format!("{page}/delete")).await;
    assert_eq!(status, 200);
    assert!(html.contains("revoke its 2 keys that work now"), "{html}");
    assert!(
        html.contains("end its 1 access request (pending or approved)"),
        "{html}"
    );

    let deleted = app
        .post_form(&developer, &format!("{page}/delete"), &[])
        .await;
    assert_eq!(location(&deleted), "/apps");
    let (_, list) = app.page(&developer, "/apps").await;
    assert!(
        list.contains("deleted: 2 keys revoked, 1 access request ended"),
        "{list}"
    );
    assert!(!list.contains(&format!("href=\"{page}\"")));
    assert_eq!(app.page(&developer, &page).await.0, 404);
    assert_eq!(
        count(
            &app,
            "select count(*) from api_key where revoked_at is null"
        )
        .await,
        0
    );
    for key in &keys {
        assert!(!matches!(
            check(&app, &Clock::system(), key).await,
            KeyCheck::Valid { .. }
        ));
    }
    let (status, reason): (String, String) =
        sqlx::query_as("select status, decision_reason from subscription where app_id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("revoked", "application deleted")
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from audit_event where action = 'app.delete'"
        )
        .await,
        1
    );
}

async fn bad_expiry_dates_and_an_eleventh_key_are_refused(app: TestApp) {
    let developer = sign_in(&app, "developer").await;
    let page = create_app(&app, &developer, "Many keys").await;
    let keys = format!("{page}/keys");
    let today = OffsetDateTime::now_utc().date();
    for (date, message) in [
        (
            (today - Duration::days(1)).to_string(),
            "cannot expire in the past",
        ),
        (
            (today + Duration::days(800)).to_string(),
            "at most 2 years from today",
        ),
        ("31/12/2026".to_string(), "as a real date"),
    ] {
        let response = app
            .post_form(
                &developer,
                &keys,
                &[("key_name", "dated"), ("expires_on", &date)],
            )
            .await;
        assert_eq!(location(&response), page);
        let (_, html) = app.page(&developer, &page).await;
        assert!(
            html.contains("id=\"expires_on-error\"") && html.contains(message),
            "{date}: {html}"
        );
        assert!(keys_in(&html).is_empty());
    }
    assert_eq!(
        count(&app, "select count(*) from api_key").await,
        0,
        "nothing stored"
    );

    let in_a_year = (today + Duration::days(365)).to_string();
    new_key(
        &app,
        &developer,
        &keys,
        &[("key_name", "dated"), ("expires_on", &in_a_year)],
    )
    .await;
    let (_, html) = app.page(&developer, &page).await;
    assert!(html.contains(&format!("{in_a_year} 23:59 UTC")), "{html}");
    for n in 2..=10 {
        new_key(
            &app,
            &developer,
            &keys,
            &[("key_name", &format!("key {n}")), ("expires_on", "")],
        )
        .await;
    }
    let refused = app
        .post_form(
            &developer,
            &keys,
            &[("key_name", "eleventh"), ("expires_on", "")],
        )
        .await;
    assert_eq!(location(&refused), page);
    let (_, html) = app.page(&developer, &page).await;
    assert!(
        html.contains("has 10 active keys, the most it may have"),
        "{html}"
    );
    assert!(keys_in(&html).is_empty());
    assert_eq!(count(&app, "select count(*) from api_key").await, 10);
}
