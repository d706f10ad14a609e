//! Server-rendered pages: complete HTML without JavaScript, with the hydration
//! bundle referenced for browsers that run it.

use crate::helpers::TestApp;

crate::on_both_backends!(
    pages_render_their_data_on_the_server,
    api_page_and_document_download,
    overviews_are_rendered_and_sanitised,
    agency_pages_list_their_apis,
);

async fn agency_pages_list_their_apis(app: TestApp) {
    let (status, html) = app
        .get_text(&format!("{}/agencies/demo-ipo", app.portal))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<h1 class=\"heading-xl\">Demo Intellectual Property Office</h1>"),
        "{html}"
    );
    assert!(
        html.contains("Publishes 1 API in this catalogue."),
        "{html}"
    );
    assert!(html.contains("href=\"/apis/demo-ipo/data-sets\""), "{html}");
    assert!(!html.contains("Train Travel API"));
    let (status, _) = app.get_text(&format!("{}/agencies/nope", app.portal)).await;
    assert_eq!(status, 404);
    let (_, api) = app
        .get_text(&format!("{}/apis/demo-ipo/data-sets", app.portal))
        .await;
    assert!(
        api.contains("href=\"/agencies/demo-ipo\""),
        "the API page links its agency"
    );
}

async fn pages_render_their_data_on_the_server(app: TestApp) {
    let (status, home) = app.get_text(&format!("{}/", app.portal)).await;
    assert_eq!(status, 200);
    assert!(
        home.contains("<h1 class=\"heading-xl\">Government APIs in one place</h1>"),
        "{home}"
    );
    // The demo's three, and Portico's own REST API.
    assert!(home.contains("4 APIs from 4 agencies"));
    assert!(
        home.contains("/pkg/portico.js"),
        "the hydration script is referenced"
    );

    let (status, catalogue) = app.get_text(&format!("{}/apis", app.portal)).await;
    assert_eq!(status, 200);
    for name in ["USPTO Data Set API", "Train Travel API", "Swagger Petstore"] {
        assert!(
            catalogue.contains(name),
            "{name} is in the server-rendered catalogue"
        );
    }
    let (_, filtered) = app
        .get_text(&format!("{}/apis?tag=animals", app.portal))
        .await;
    assert!(filtered.contains("Swagger Petstore") && !filtered.contains("Train Travel API"));

    let (status, missing) = app.get_text(&format!("{}/no/such/page", app.portal)).await;
    assert_eq!(status, 404);
    assert!(missing.contains("Page not found"));
}

async fn api_page_and_document_download(app: TestApp) {
    let (status, page) = app
        .get_text(&format!("{}/apis/demo-ipo/data-sets", app.portal))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("USPTO Data Set API"));
    assert!(
        page.contains(&format!("{}/demo-ipo/data-sets", app.gateway)),
        "the gateway URL is shown"
    );

    let response = app
        .http
        .get(format!("{}/apis/demo-ipo/data-sets/openapi", app.portal))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: serde_json::Value = response.json().await.unwrap();
    assert_eq!(document["info"]["title"], "USPTO Data Set API");

    let (status, _) = app
        .get_text(&format!("{}/apis/demo-ipo/nothing", app.portal))
        .await;
    assert_eq!(status, 404);
    let response = app
        .http
        .get(format!("{}/apis/demo-ipo/nothing/openapi", app.portal))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
}

async fn overviews_are_rendered_and_sanitised(app: TestApp) {
    let markdown = "# Getting started\n\nCall **it**.\n\n<script>alert('owned')</script>\n\n\
                    [docs](javascript:alert('owned'))\n\n<img src=x onerror=\"alert('owned')\">\n";
    sqlx::query("update api set overview_md = $1 where slug = 'data-sets'")
        .bind(markdown)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, page) = app
        .get_text(&format!("{}/apis/demo-ipo/data-sets", app.portal))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<h3>Getting started</h3>"),
        "headings sit under the page's h2"
    );
    assert!(page.contains("<strong>it</strong>"));
    assert!(
        !page.contains("alert('owned')") && !page.contains("alert(&#39;owned&#39;)"),
        "{page}"
    );
    assert!(!page.contains("javascript:"), "no script URL survives");
}
