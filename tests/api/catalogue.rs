//! `GET /api/v1/apis`: the JSON twin of the catalogue page.

use crate::helpers::TestApp;

crate::on_both_backends!(
    lists_published_demo_apis,
    filters_by_agency_and_tag,
    hides_unlisted_apis
);

fn names(body: &serde_json::Value) -> Vec<String> {
    body["apis"]
        .as_array()
        .expect("an apis array")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn lists_published_demo_apis(app: TestApp) {
    let (status, body) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    assert_eq!(status, 200);
    assert_eq!(
        names(&body),
        [
            "Portico REST API",
            "Swagger Petstore",
            "Train Travel API",
            "USPTO Data Set API"
        ]
    );
    let trains = &body["apis"][2];
    assert_eq!(trains["agency"]["slug"], "demo-transport");
    assert_eq!(trains["agency"]["name"], "Demo Transport Agency");
    assert_eq!(
        trains["tags"],
        serde_json::json!(["bookings", "rail", "transport"])
    );
    assert_eq!(trains["version"], "1.0.0");
    assert_eq!(trains["access_mode"], "key");
    assert_eq!(body["agencies"].as_array().map(Vec::len), Some(4));
}

async fn filters_by_agency_and_tag(app: TestApp) {
    let url = |q: &str| format!("{}/api/v1/apis?{q}", app.portal);
    let (_, by_agency) = app.get_json(&url("agency=demo-ipo")).await;
    assert_eq!(names(&by_agency), ["USPTO Data Set API"]);
    let (_, by_tag) = app.get_json(&url("tag=rail")).await;
    assert_eq!(names(&by_tag), ["Train Travel API"]);
    let (_, both) = app.get_json(&url("agency=demo-ipo&tag=rail")).await;
    assert!(names(&both).is_empty());
    let (_, blank) = app.get_json(&url("agency=&tag=")).await;
    assert_eq!(names(&blank).len(), 4, "blank form fields narrow nothing");
    let (status, unknown) = app.get_json(&url("agency=no-such-agency")).await;
    assert_eq!(status, 200);
    assert!(names(&unknown).is_empty());
}

async fn hides_unlisted_apis(app: TestApp) {
    sqlx::query("update api set visibility = 'private' where slug = 'petstore'")
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("update api set lifecycle = 'draft' where slug = 'train-travel'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let (_, body) = app.get_json(&format!("{}/api/v1/apis", app.portal)).await;
    assert_eq!(names(&body), ["Portico REST API", "USPTO Data Set API"]);
    let (status, _) = app
        .get_text(&format!("{}/apis/demo-animals/petstore", app.portal))
        .await;
    assert_eq!(status, 404, "a private API has no public page");
}
