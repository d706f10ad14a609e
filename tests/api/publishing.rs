//! Publishing from the browser, through the same HTML forms a maintainer
//! sends with JavaScript off: create an API from a real OpenAPI document
//! (multipart upload), change its settings and lifecycle, add versions,
//! write guides; every change on the audit log, the catalogue following.

use reqwest::header::{CONTENT_TYPE, COOKIE};
use serde_json::Value;

use crate::helpers::{location, sign_in, Session, TestApp};

crate::on_both_backends!(
    an_owner_publishes_an_api_from_a_document_and_runs_its_lifecycle,
    a_document_with_errors_comes_back_with_every_finding_and_stores_nothing,
    guides_are_sanitised_and_follow_their_apis_visibility,
    another_agencys_owner_is_refused_everywhere,
);

const USPTO: &str = include_str!("../../src/demo/specs/uspto.json");
const PETSTORE: &str = include_str!("../../src/demo/specs/petstore.json");

/// POSTs a multipart form (with a file field `document` when given) as the
/// signed-in person, their CSRF token added.
async fn post_multipart(
    app: &TestApp,
    session: &Session,
    path: &str,
    fields: &[(&str, &str)],
    document: Option<&str>,
) -> reqwest::Response {
    let boundary = "portico-test-boundary-7d1f0a";
    let mut body = String::new();
    let mut part = |name: &str, file: bool, value: &str| {
        body.push_str(&format!("--{boundary}\r\n"));
        if file {
            body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"openapi.json\"\r\n\
                 Content-Type: application/json\r\n\r\n"
            ));
        } else {
            body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            ));
        }
        body.push_str(value);
        body.push_str("\r\n");
    };
    part("csrf_token", false, &session.csrf);
    for (name, value) in fields {
        part(name, false, value);
    }
    // A browser sends an empty file part when no file was chosen.
    part("document", true, document.unwrap_or(""));
    body.push_str(&format!("--{boundary}--\r\n"));
    app.http
        .post(format!("{}{path}", app.portal))
        .header(COOKIE, &session.cookie)
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("form sent")
}

/// Creates an API of demo-transport from a document; returns where the
/// form led.
async fn create(app: &TestApp, owner: &Session, name: &str, slug: &str, text: &str) -> String {
    let response = post_multipart(
        app,
        owner,
        "/manage/demo-transport/apis",
        &[
            ("name", name),
            ("slug", slug),
            ("visibility", "public"),
            ("upstream_url", "http://127.0.0.1:9/upstream"),
            ("document_url", ""),
        ],
        Some(text),
    )
    .await;
    assert_eq!(response.status(), 303);
    location(&response)
}

/// Sends the settings form with `changes` over the API's current settings.
async fn save_settings(
    app: &TestApp,
    owner: &Session,
    api: &str,
    changes: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![
        ("name", "Data Set API"),
        ("summary", "Search the USPTO's data sets."),
        ("overview_md", "# Start here\n\nCall `/fields` first."),
        ("visibility", "public"),
        ("lifecycle", "draft"),
        ("sunset_at", ""),
        ("upstream_url", "http://127.0.0.1:9/upstream"),
        ("access_mode", "key"),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    app.post_form(
        owner,
        &format!("/manage/demo-transport/apis/{api}/settings"),
        &fields,
    )
    .await
}

async fn events(app: &TestApp, action: &str) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("select target, detail from audit_event where action = $1 order by id")
            .bind(action)
            .fetch_all(app.db.pool())
            .await
            .expect("the audit log reads");
    rows.into_iter()
        .map(|(target, detail)| (target, serde_json::from_str(&detail).expect("JSON detail")))
        .collect()
}

async fn listed(app: &TestApp, slug: &str) -> bool {
    let (status, body) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    assert_eq!(status, 200);
    body["apis"]
        .as_array()
        .expect("a list of APIs")
        .iter()
        .any(|api| api["slug"] == slug)
}

async fn lifecycle(app: &TestApp, slug: &str) -> (String, Option<String>) {
    sqlx::query_as("select lifecycle, sunset_at from api where slug = $1")
        .bind(slug)
        .fetch_one(app.db.pool())
        .await
        .expect("the API exists")
}

async fn an_owner_publishes_an_api_from_a_document_and_runs_its_lifecycle(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let (status, form) = app.page(&owner, "/manage/demo-transport/apis/new").await;
    assert_eq!(status, 200);
    assert!(form.contains(r#"enctype="multipart/form-data""#), "{form}");
    assert!(form.contains(r#"type="file""#));

    // No slug typed: it comes from the name.
    let to = create(&app, &owner, "Data Set API", "", USPTO).await;
    assert_eq!(to, "/manage/demo-transport/apis/data-set-api");
    let (status, page) = app.page(&owner, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("was created as a draft"), "{page}");
    assert!(
        page.contains("<h1 class=\"heading-xl\">Data Set API</h1>"),
        "{page}"
    );
    let (_, agency) = app.page(&owner, "/manage/demo-transport").await;
    assert!(agency.contains("href=\"/manage/demo-transport/apis/data-set-api\""));
    assert!(agency.contains("href=\"/manage/demo-transport/apis/new\""));
    assert!(!listed(&app, "data-set-api").await, "a draft is not listed");
    let created = events(&app, "api.create").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, "demo-transport/data-set-api");
    assert_eq!(events(&app, "version.publish").await.len(), 1);

    // Publishing it lists it; each change is on the record, before and after.
    let response = save_settings(&app, &owner, "data-set-api", &[("lifecycle", "published")]).await;
    assert_eq!(location(&response), to);
    assert!(listed(&app, "data-set-api").await, "published and public");
    let updates = events(&app, "api.update").await;
    let last = &updates.last().expect("an api.update").1["changes"];
    assert_eq!(
        last["lifecycle"],
        serde_json::json!({"before": "draft", "after": "published"})
    );
    assert_eq!(last["summary"]["after"], "Search the USPTO's data sets.");
    assert!(
        last.get("name").is_none(),
        "unchanged fields are not listed: {last}"
    );
    let (status, gateway) = app
        .get_text(&format!(
            "{}/demo-transport/data-set-api/fields",
            app.gateway
        ))
        .await;
    assert_ne!(status, 404, "the gateway routes it at once: {gateway}");

    // Deprecating needs a sunset date, not in the past.
    for (sunset, error) in [
        ("", "Enter the sunset date"),
        ("2000-01-01", "today or in the future"),
    ] {
        let response = save_settings(
            &app,
            &owner,
            "data-set-api",
            &[("lifecycle", "deprecated"), ("sunset_at", sunset)],
        )
        .await;
        assert_eq!(location(&response), to);
        let (_, page) = app.page(&owner, &to).await;
        assert!(page.contains(error), "{page}");
        assert!(
            page.contains("id=\"sunset_at-error\""),
            "the error is beside its field"
        );
        assert_eq!(lifecycle(&app, "data-set-api").await.0, "published");
    }
    save_settings(
        &app,
        &owner,
        "data-set-api",
        &[("lifecycle", "deprecated"), ("sunset_at", "2099-12-31")],
    )
    .await;
    assert_eq!(
        lifecycle(&app, "data-set-api").await,
        ("deprecated".into(), Some("2099-12-31".into()))
    );
    let (_, public) = app
        .get_text(&format!("{}/apis/demo-transport/data-set-api", app.portal))
        .await;
    assert!(
        public.contains("It stops answering on 2099-12-31."),
        "{public}"
    );
    assert!(
        listed(&app, "data-set-api").await,
        "a deprecated API stays listed"
    );

    // A second version becomes the default; its label cannot be reused.
    let versions = "/manage/demo-transport/apis/data-set-api/versions";
    let response = post_multipart(&app, &owner, versions, &[("label", "2.0")], Some(USPTO)).await;
    assert_eq!(response.status(), 303);
    let (_, page) = app.page(&owner, &to).await;
    assert!(page.contains("Version 2.0 was added"), "{page}");
    let response = post_multipart(&app, &owner, versions, &[("label", "2.0")], Some(USPTO)).await;
    assert_eq!(response.status(), 303);
    let (_, page) = app.page(&owner, &to).await;
    assert!(page.contains("already has a version"), "{page}");
    assert_eq!(events(&app, "version.publish").await.len(), 2);

    // The first version becomes the default again.
    let response = app
        .post_form(
            &owner,
            "/manage/demo-transport/apis/data-set-api/default-version",
            &[("label", "1.0.0")],
        )
        .await;
    assert_eq!(response.status(), 303);
    let defaults = events(&app, "version.default").await;
    assert_eq!(defaults.len(), 1);
    assert_eq!(
        defaults[0].1,
        serde_json::json!({"before": "2.0", "after": "1.0.0"})
    );

    // Retired: off the catalogue and the gateway.
    save_settings(&app, &owner, "data-set-api", &[("lifecycle", "retired")]).await;
    assert!(!listed(&app, "data-set-api").await);
    let (status, _) = app
        .get_text(&format!(
            "{}/demo-transport/data-set-api/fields",
            app.gateway
        ))
        .await;
    assert_eq!(status, 404, "a retired API has no gateway route");
}

async fn a_document_with_errors_comes_back_with_every_finding_and_stores_nothing(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    // The pet store's own document, broken twice.
    let mut document: Value = serde_json::from_str(PETSTORE).unwrap();
    document["info"].as_object_mut().unwrap().remove("version");
    let paths = document["paths"].as_object_mut().unwrap();
    let get_pet = paths
        .remove("/pet/{petId}")
        .expect("the pet store has /pet/{petId}");
    paths.insert("/pet/{id}".into(), get_pet);
    let broken = serde_json::to_string_pretty(&document).unwrap();
    let apis_before = count(&app, "api").await;
    let events_before = count(&app, "audit_event").await;

    let to = create(&app, &owner, "Broken Pets", "broken-pets", &broken).await;
    assert_eq!(to, "/manage/demo-transport/apis/new");
    let (_, page) = app.page(&owner, &to).await;
    assert!(page.contains("There is a problem"), "{page}");
    assert!(page.contains("was not imported"), "{page}");
    assert!(page.contains("/info: add `info.version`"), "{page}");
    assert!(
        page.contains("/paths/~1pet~1{id}"),
        "every finding, with where: {page}"
    );
    assert!(page.contains("choose the file again"), "{page}");
    assert!(
        page.contains("value=\"broken-pets\""),
        "what was typed is kept"
    );
    assert_eq!(count(&app, "api").await, apis_before, "no API stored");
    assert_eq!(
        count(&app, "audit_event").await,
        events_before,
        "nothing recorded"
    );

    // Neither a file nor a URL; a URL of another scheme.
    let response = post_multipart(
        &app,
        &owner,
        "/manage/demo-transport/apis",
        &[
            ("name", "Pets"),
            ("visibility", "public"),
            ("document_url", "file:///etc/passwd"),
        ],
        None,
    )
    .await;
    assert_eq!(location(&response), to);
    let (_, page) = app.page(&owner, &to).await;
    assert!(
        page.contains("must start with http:// or https://"),
        "{page}"
    );
    assert_eq!(count(&app, "api").await, apis_before);
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("select count(*) from {table}"))
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    n
}

async fn guides_are_sanitised_and_follow_their_apis_visibility(app: TestApp) {
    let owner = sign_in(&app, "owner").await;
    let developer = sign_in(&app, "developer").await;
    create(&app, &owner, "Data Set API", "patent-data", USPTO).await;
    save_settings(&app, &owner, "patent-data", &[("lifecycle", "published")]).await;

    let (status, editor) = app
        .page(&owner, "/manage/demo-transport/apis/patent-data/guides/new")
        .await;
    assert_eq!(status, 200);
    assert!(editor.contains("Write a guide"), "{editor}");
    let body = "# Getting started\n\nAsk for a key.\n\n<script>alert('owned')</script>\n\n\
                [click](javascript:alert(1)) <img src=x onerror=alert(2)>";
    let response = app
        .post_form(
            &owner,
            "/manage/demo-transport/apis/patent-data/guides",
            &[
                ("title", "Getting started"),
                ("slug", ""),
                ("body_md", body),
            ],
        )
        .await;
    assert_eq!(
        location(&response),
        "/manage/demo-transport/apis/patent-data"
    );
    let guide = format!(
        "{}/apis/demo-transport/patent-data/guides/getting-started",
        app.portal
    );
    let (status, html) = app.get_text(&guide).await;
    assert_eq!(status, 200);
    assert!(html.contains("<h2>Getting started</h2>"), "{html}");
    assert!(!html.contains("alert('owned')</script>"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    let (_, api_page) = app
        .get_text(&format!("{}/apis/demo-transport/patent-data", app.portal))
        .await;
    assert!(api_page.contains("href=\"/apis/demo-transport/patent-data/guides/getting-started\""));

    // Edit and delete, each on the record.
    let edit = "/manage/demo-transport/apis/patent-data/guides/getting-started";
    let (status, editor) = app.page(&owner, edit).await;
    assert_eq!(status, 200);
    assert!(editor.contains("Ask for a key."), "{editor}");
    app.post_form(
        &owner,
        &format!("{edit}/update"),
        &[
            ("title", "First steps"),
            ("slug", "getting-started"),
            ("body_md", "Ask for a key."),
        ],
    )
    .await;
    let updates = events(&app, "guide.update").await;
    assert_eq!(
        updates[0].1["changes"]["title"],
        serde_json::json!({"before": "Getting started", "after": "First steps"})
    );
    assert_eq!(events(&app, "guide.create").await.len(), 1);

    // Private: gone for visitors everywhere, still there for the agency.
    save_settings(
        &app,
        &owner,
        "patent-data",
        &[("lifecycle", "published"), ("visibility", "private")],
    )
    .await;
    let (_, catalogue) = app.page(&developer, "/apis").await;
    assert!(
        !catalogue.contains("/apis/demo-transport/patent-data\""),
        "{catalogue}"
    );
    assert!(!listed(&app, "patent-data").await);
    for who in [None, Some(&developer)] {
        for path in [
            "/apis/demo-transport/patent-data",
            "/apis/demo-transport/patent-data/guides/getting-started",
        ] {
            let status = match who {
                Some(session) => app.page(session, path).await.0,
                None => app.get_text(&format!("{}{path}", app.portal)).await.0,
            };
            assert_eq!(status, 404, "{path}");
        }
    }
    let (status, preview) = app.page(&owner, "/apis/demo-transport/patent-data").await;
    assert_eq!(status, 200, "the agency previews its private API");
    assert!(preview.contains("A preview"), "{preview}");

    app.post_form(&owner, &format!("{edit}/delete"), &[]).await;
    assert_eq!(events(&app, "guide.delete").await.len(), 1);
    assert_eq!(app.page(&owner, edit).await.0, 404);
}

async fn another_agencys_owner_is_refused_everywhere(app: TestApp) {
    // The demo owner owns demo-transport, not demo-ipo (whose API is data-sets).
    let owner = sign_in(&app, "owner").await;
    let events_before = count(&app, "audit_event").await;
    for path in [
        "/manage/demo-ipo/apis/new",
        "/manage/demo-ipo/apis/data-sets",
        "/manage/demo-ipo/apis/data-sets/guides/new",
        "/manage/demo-ipo/apis/data-sets/guides/x",
        "/fn/manage_new_api?agency=demo-ipo",
        "/fn/manage_api?agency=demo-ipo&api=data-sets",
        "/fn/manage_guide?agency=demo-ipo&api=data-sets",
    ] {
        assert_eq!(app.page(&owner, path).await.0, 403, "{path}");
    }
    for path in [
        "/manage/demo-ipo/apis/data-sets/settings",
        "/manage/demo-ipo/apis/data-sets/default-version",
        "/manage/demo-ipo/apis/data-sets/guides",
        "/manage/demo-ipo/apis/data-sets/guides/x/update",
        "/manage/demo-ipo/apis/data-sets/guides/x/delete",
    ] {
        let response = app
            .post_form(&owner, path, &[("lifecycle", "retired"), ("label", "x")])
            .await;
        assert_eq!(response.status(), 403, "{path}");
    }
    for path in [
        "/manage/demo-ipo/apis",
        "/manage/demo-ipo/apis/data-sets/versions",
    ] {
        let response =
            post_multipart(&app, &owner, path, &[("name", "Taken over")], Some(USPTO)).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    assert_eq!(
        count(&app, "audit_event").await,
        events_before,
        "nothing happened"
    );
}
