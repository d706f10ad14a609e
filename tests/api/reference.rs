//! The reference pages: every page of a document browses, nothing an agency
//! writes runs as script, the console calls the gateway and nothing else,
//! versions and missing pages answer as a visitor expects.

use portico::catalogue::repo;
use portico::catalogue::slug::Slug;
use portico::openapi::import::{import, ImportRequest};
use portico::openapi::operations::Index;
use portico::reference::pages::encode;
use portico::server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::TestApp;

crate::on_both_backends!(
    demo_pages_show_operations_and_schemas,
    nothing_an_agency_writes_runs_as_script,
    the_console_calls_an_open_api_through_the_gateway,
    the_console_says_what_to_fix,
    older_versions_stay_readable,
    missing_pages_say_what_is_missing
);

/// Fetches a page that must exist and be plain server HTML.
async fn page(app: &TestApp, path: &str) -> String {
    let (status, html) = app.get_text(&format!("{}{path}", app.portal)).await;
    assert_eq!(status, 200, "{path}: {html}");
    assert!(html.contains("<h1"), "{path} has no heading");
    assert!(
        !html.to_lowercase().contains("<script"),
        "{path}: reference pages carry no script at all"
    );
    html
}

/// Browses the index, every tag, operation and named schema of an API's
/// default version; returns how many pages it read.
pub async fn browse_every_page(app: &TestApp, agency: &str, api: &str) -> usize {
    let pool = app.db.pool();
    let listed = repo::find_listed(pool, agency, api)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{api} is listed"));
    let version = repo::find_version(pool, listed.id, None)
        .await
        .unwrap()
        .unwrap();
    let text = repo::document_text(pool, version.id)
        .await
        .unwrap()
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let index = Index::of(&doc);
    let base = format!("/apis/{agency}/{api}/reference");
    page(app, &base).await;
    let mut pages = 1;
    for tag in &index.tags {
        let html = page(app, &format!("{base}/tags/{}", encode(&tag.slug))).await;
        assert!(html.contains("Operations"), "{base} tag {}", tag.slug);
        pages += 1;
    }
    for op in &index.operations {
        let html = page(app, &format!("{base}/operations/{}", encode(&op.slug))).await;
        let badge = format!(">{}</span>", op.method.to_uppercase());
        assert!(html.contains(&badge), "{base} {}: no method", op.slug);
        assert!(
            html.contains("id=\"try-it\""),
            "{base} {}: no console",
            op.slug
        );
        assert!(
            html.contains("data-sample=\"sample-curl\""),
            "{base} {}",
            op.slug
        );
        pages += 1;
    }
    for name in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flat_map(|s| s.keys())
    {
        page(app, &format!("{base}/schemas/{}", encode(name))).await;
        pages += 1;
    }
    pages
}

async fn demo_pages_show_operations_and_schemas(app: TestApp) {
    let pages = browse_every_page(&app, "demo-animals", "petstore").await;
    assert!(pages > 20, "{pages}");
    let html = page(
        &app,
        "/apis/demo-animals/petstore/reference/operations/addPet",
    )
    .await;
    for expected in [
        "Add a new pet to the store",
        "<code class=\"path\">/pet</code>",
        "Request body",
        "photoUrls",
        "OAuth 2.0 (implicit).",
        "send your API key in the x-api-key header",
        "-H 'x-api-key: YOUR_API_KEY'",
        "\"name\": \"doggie\"",
        "requests.request(",
        "await fetch(",
    ] {
        assert!(html.contains(expected), "addPet lacks {expected}");
    }
    // A schema that contains itself links to its own page, once.
    let html = page(&app, "/apis/demo-animals/petstore/reference/schemas/Pet").await;
    assert!(html.contains("href=\"/apis/demo-animals/petstore/reference/schemas/Category\""));
    // The API page links into the reference for the browser to load.
    let (_, html) = app
        .get_text(&format!("{}/apis/demo-animals/petstore", app.portal))
        .await;
    assert!(
        html.contains("href=\"/apis/demo-animals/petstore/reference/tags/pet\" rel=\"external\""),
        "{html}"
    );
}

async fn nothing_an_agency_writes_runs_as_script(app: TestApp) {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "</title><script>alert(1)</script>", "version": "1",
                 "description": "<img src=x onerror=alert(1)> [x](javascript:alert(1))"},
        "tags": [{"name": "<svg onload=alert(1)>", "description": "<script>alert(2)</script>"}],
        "paths": {"/x/{id}": {"get": {
            "operationId": "<script>x</script>",
            "tags": ["<svg onload=alert(1)>"],
            "summary": "<script>alert(3)</script>",
            "description": "<iframe src=javascript:alert(1)></iframe>",
            "x-code": "<script>alert(4)</script>",
            "parameters": [{"name": "id", "in": "path", "required": true,
                "description": "<a href=\"javascript:alert(7)\">x</a>",
                "schema": {"type": "string", "enum": ["<script>alert(5)</script>"],
                           "example": "\"><script>alert(6)</script>"}}],
            "responses": {"200": {"description": "<script>alert(8)</script>",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/<b>"},
                    "example": {"k": "</code><script>alert(9)</script>"}}}}}
        }}},
        "components": {"schemas": {"<b>": {"type": "object", "title": "<script>alert(10)</script>",
            "properties": {"<img src=x onerror=alert(11)>": {"type": "string",
                "default": "<script>alert(12)</script>", "pattern": "<script>"}}}}}
    });
    import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &Slug::parse("demo-ipo").unwrap(),
            api: &Slug::parse("hostile").unwrap(),
            label: None,
            text: &doc.to_string(),
            publish: true,
            actor: None,
        },
    )
    .await
    .unwrap();
    let pages = browse_every_page(&app, "demo-ipo", "hostile").await;
    assert_eq!(pages, 4);
    let mut all = String::new();
    for path in [
        "/apis/demo-ipo/hostile",
        "/apis/demo-ipo/hostile/reference",
        "/apis/demo-ipo/hostile/reference/tags/svg-onload-alert-1",
        "/apis/demo-ipo/hostile/reference/operations/script-x-script",
        "/apis/demo-ipo/hostile/reference/schemas/%3Cb%3E",
    ] {
        let (status, html) = app.get_text(&format!("{}{path}", app.portal)).await;
        assert_eq!(status, 200, "{path}");
        all.push_str(&html);
    }
    let lower = all.to_lowercase();
    // The hydrated API page has the portal's own scripts, as many as any
    // other API page; the reference pages have none.
    let (_, plain) = app
        .get_text(&format!("{}/apis/demo-animals/petstore", app.portal))
        .await;
    let own_scripts = plain.to_lowercase().matches("<script").count();
    assert_eq!(lower.matches("<script").count(), own_scripts);
    assert!(!lower.contains("<script>alert"), "a script tag got through");
    for tag in ["<svg", "<iframe", "<b>"] {
        assert!(!lower.contains(tag), "{tag} got through");
    }
    // Harmless markup may stay (an image in an overview), but no handler
    // or script URL inside any tag. A handler is looked for by name, outside
    // quoted values: a value may hold the hostile text, escaped (a table's
    // region is named after its caption, which names the hostile tag).
    for element in lower.split('<').skip(1) {
        let inside = element.split('>').next().unwrap_or_default();
        let names = outside_quotes(inside);
        for bad in [" onerror=", " onload="] {
            assert!(!names.contains(bad), "<{inside}> got through");
        }
        for bad in ["\"javascript:", "=javascript:"] {
            assert!(!inside.contains(bad), "<{inside}> got through");
        }
    }
    assert!(
        all.contains("&lt;script&gt;alert(3)&lt;/script&gt;"),
        "the summary is shown as text"
    );
}

async fn the_console_calls_an_open_api_through_the_gateway(app: TestApp) {
    let url = format!(
        "{}/apis/demo-ipo/data-sets/reference/operations/list-searchable-fields",
        app.portal
    );
    let prefilled = page(
        &app,
        "/apis/demo-ipo/data-sets/reference/operations/list-searchable-fields",
    )
    .await;
    assert!(
        prefilled.contains("name=\"path:dataset\" type=\"text\" value=\"oa_citations\""),
        "the example is prefilled"
    );
    let response = app
        .http
        .post(&url)
        .form(&[("path:dataset", "oa_citations"), ("path:version", "v1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"try-response\""), "{html}");
    assert!(
        html.contains("<span class=\"status status--ok\">200</span>"),
        "{html}"
    );
    assert!(
        html.contains("/demo-ipo/data-sets/oa_citations/v1/fields"),
        "{html}"
    );
    // The demo upstream echoes what reached it: the console's request,
    // through the gateway (which adds X-Forwarded-For).
    assert!(
        html.contains("\"path\": \"/oa_citations/v1/fields\""),
        "{html}"
    );
    assert!(html.contains("x-forwarded-for"), "{html}");

    // Values cannot leave the operation's path.
    let html = app
        .http
        .post(&url)
        .form(&[
            ("path:dataset", "../../../demo-animals/petstore"),
            ("path:version", "v1"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            "/demo-ipo/data-sets/%2E%2E%2F%2E%2E%2F%2E%2E%2Fdemo-animals%2Fpetstore/v1/fields"
        ),
        "{html}"
    );
}

async fn the_console_says_what_to_fix(app: TestApp) {
    let url = format!(
        "{}/apis/demo-animals/petstore/reference/operations/getPetById",
        app.portal
    );
    let html = app
        .http
        .post(&url)
        .form(&[("path:petId", "")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<title>Error: "),
        "the title says there is an error"
    );
    assert!(html.contains("There is a problem"), "{html}");
    assert!(html.contains("Enter your API key"), "{html}");
    assert!(
        html.contains("Enter a value for petId (path parameter)"),
        "{html}"
    );
    assert!(!html.contains("id=\"try-response\""));

    // With a key the request is sent; keys are not issued yet, so the
    // gateway answers 401 and the console shows it.
    let html = app
        .http
        .post(&url)
        .form(&[("path:petId", "7"), ("api_key", "not-a-real-key")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<span class=\"status status--error\">401</span>"),
        "{html}"
    );
    assert!(
        !html.contains("not-a-real-key"),
        "the key is not shown back"
    );
}

async fn older_versions_stay_readable(app: TestApp) {
    let pool = app.db.pool();
    let listed = repo::find_listed(pool, "demo-transport", "train-travel")
        .await
        .unwrap()
        .unwrap();
    let version = repo::find_version(pool, listed.id, None)
        .await
        .unwrap()
        .unwrap();
    let mut doc: Value = serde_json::from_str(
        &repo::document_text(pool, version.id)
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    doc["info"]["version"] = json!("2.0.0");
    doc["paths"].as_object_mut().unwrap().remove("/stations");
    import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &Slug::parse("demo-transport").unwrap(),
            api: &Slug::parse("train-travel").unwrap(),
            label: None,
            text: &doc.to_string(),
            publish: false,
            actor: None,
        },
    )
    .await
    .unwrap();
    let base = "/apis/demo-transport/train-travel/reference";
    let html = page(&app, base).await;
    assert!(html.contains("Version 2.0.0 (current)."));
    assert!(!html.contains("Get a list of train stations"));
    let html = page(&app, &format!("{base}?version=1.0.0")).await;
    assert!(html.contains("Version 1.0.0: not the current version."));
    assert!(html.contains("Get a list of train stations"));
    assert!(
        html.contains(&format!(
            "href=\"{base}/operations/get-stations?version=1.0.0\""
        )),
        "links keep the version"
    );
    let (status, _) = app
        .get_text(&format!("{}{base}/operations/get-stations", app.portal))
        .await;
    assert_eq!(
        status, 404,
        "the operation is gone from the current version"
    );
}

async fn missing_pages_say_what_is_missing(app: TestApp) {
    for (path, message) in [
        (
            "/apis/demo-animals/petstore/reference/operations/nope",
            "Swagger Petstore has no operation 'nope'.",
        ),
        (
            "/apis/demo-animals/petstore/reference/tags/nope",
            "has no group of operations called 'nope'.",
        ),
        (
            "/apis/demo-animals/petstore/reference/schemas/Nope",
            "has no schema called 'Nope'.",
        ),
        (
            "/apis/demo-animals/petstore/reference?version=9",
            "has no version '9'.",
        ),
        (
            "/apis/demo-animals/nope/reference",
            "No API 'nope' of agency 'demo-animals' is in the catalogue.",
        ),
    ] {
        let (status, html) = app.get_text(&format!("{}{path}", app.portal)).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains(message), "{path}: {html}");
        assert!(html.contains("<h1 class=\"heading-xl\">Page not found</h1>"));
    }
}

/// A tag's text with what is inside double quotes blanked out.
fn outside_quotes(tag: &str) -> String {
    let mut quoted = false;
    tag.chars()
        .map(|c| {
            if c == '"' {
                quoted = !quoted;
            }
            if quoted && c != '"' {
                ' '
            } else {
                c
            }
        })
        .collect()
}
