//! The changelog between two imported versions of an API: the JSON twin, the
//! page, and the API page's links to it.

use portico::catalogue::slug::Slug;
use portico::openapi::import::{import, ImportRequest};
use portico::server::clock::Clock;

use crate::helpers::TestApp;

crate::on_both_backends!(changelog_between_two_imported_versions);

const KENNEL_1_0: &str = r#"
openapi: 3.0.3
info: {title: Kennel, version: 1.0.0, description: Dogs.}
paths:
  /dogs:
    get:
      summary: List dogs
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: Dogs
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Dog'}}
  /dogs/{id}:
    delete:
      summary: Delete a dog
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: Deleted}
components:
  schemas:
    Dog:
      type: object
      properties:
        id: {type: integer}
        name: {type: string}
"#;

/// 1.1.0: `limit` required, `Dog.id` a string, delete removed, create added.
const KENNEL_1_1: &str = r#"
openapi: 3.0.3
info: {title: Kennel, version: 1.1.0, description: Dogs.}
paths:
  /dogs:
    get:
      summary: List dogs
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer}}
      responses:
        '200':
          description: Dogs
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Dog'}}
    post:
      summary: Add a dog
      responses:
        '201': {description: Added}
components:
  schemas:
    Dog:
      type: object
      properties:
        id: {type: string}
        name: {type: string}
"#;

async fn import_kennel(app: &TestApp, text: &str) {
    let (agency, api) = (
        Slug::parse("demo-animals").unwrap(),
        Slug::parse("kennel").unwrap(),
    );
    import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &agency,
            api: &api,
            label: None,
            text,
            publish: true,
            actor: None,
        },
    )
    .await
    .unwrap();
}

async fn changelog_between_two_imported_versions(app: TestApp) {
    import_kennel(&app, KENNEL_1_0).await;
    let json = format!("{}/api/v1/apis/demo-animals/kennel/changelog", app.portal);
    let (status, first) = app.get_json(&json).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        first["from"],
        serde_json::Value::Null,
        "the first version has no predecessor"
    );
    assert_eq!(first["to"], "1.0.0");

    import_kennel(&app, KENNEL_1_1).await;
    let (status, body) = app.get_json(&json).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["from"].as_str(), body["to"].as_str()),
        (Some("1.0.0"), Some("1.1.0"))
    );
    assert_eq!(body["versions"], serde_json::json!(["1.1.0", "1.0.0"]));
    let log = &body["changelog"];
    assert_eq!(log["added"][0]["method"], "POST");
    assert_eq!(log["removed"][0]["path"], "/dogs/{id}");
    let changed: Vec<(bool, &str)> = log["changed"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["breaking"].as_bool().unwrap(),
                c["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            (true, "The query parameter `limit` is now required: calls without it will be refused."),
            (true, "The type of the property `id` of each item of the 200 response changed from integer to string."),
        ]
    );

    // Backwards, from the newer to the older: what was removed comes back.
    let (_, back) = app.get_json(&format!("{json}?from=1.1.0&to=1.0.0")).await;
    assert_eq!(back["changelog"]["added"][0]["method"], "DELETE");

    let (status, missing) = app.get_json(&format!("{json}?from=9.9")).await;
    assert_eq!(status, 404);
    assert_eq!(
        missing["detail"],
        "API 'kennel' has no version '9.9': choose one of the versions listed on its page."
    );
    let (status, _) = app
        .get_json(&format!(
            "{}/api/v1/apis/demo-animals/nothing/changelog",
            app.portal
        ))
        .await;
    assert_eq!(status, 404);

    let page_url = format!("{}/apis/demo-animals/kennel/changelog", app.portal);
    let (status, page) = app.get_text(&page_url).await;
    assert_eq!(status, 200);
    for expected in [
        "<h1 class=\"heading-xl\">Changes from 1.0.0 to 1.1.0</h1>",
        "3 breaking changes, 1 operation added, 1 operation removed, 1 operation changed",
        "<label class=\"label\" for=\"from\">From version</label>",
        "<option value=\"1.0.0\" selected",
        "<strong class=\"tag tag--warning\">Breaking</strong>",
        "<code>DELETE /dogs/{id}</code>",
        "The operation was removed: clients that call it will fail.",
    ] {
        assert!(
            page.contains(expected),
            "{expected} is missing from:\n{page}"
        );
    }
    let (status, page) = app.get_text(&format!("{page_url}?from=&to=1.0.0")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("1.0.0 is the first version of this API"),
        "{page}"
    );
    let (status, page) = app.get_text(&format!("{page_url}?to=2.0")).await;
    assert_eq!(status, 404);
    assert!(
        page.contains("API &#x27;kennel&#x27; has no version &#x27;2.0&#x27;")
            || page.contains("API 'kennel' has no version '2.0'"),
        "{page}"
    );

    let (_, api_page) = app
        .get_text(&format!("{}/apis/demo-animals/kennel", app.portal))
        .await;
    assert!(
        api_page.contains("href=\"/apis/demo-animals/kennel/changelog?from=1.0.0&amp;to=1.1.0\"")
            || api_page
                .contains("href=\"/apis/demo-animals/kennel/changelog?from=1.0.0&to=1.1.0\""),
        "{api_page}"
    );
    assert_eq!(
        api_page
            .matches("Changes from the previous version")
            .count(),
        1,
        "the first version has no link"
    );
}
