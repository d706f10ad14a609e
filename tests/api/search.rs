//! Searching the catalogue: `GET /api/v1/apis?q=` and the page `/apis?q=`,
//! over the demo APIs, with hostile input and the full-text indexes kept in
//! step with the tables.

use portico::catalogue::slug::Slug;
use portico::openapi::import::{import, ImportRequest};
use portico::server::clock::Clock;
use serde_json::{json, Value};

use crate::helpers::TestApp;

crate::on_both_backends!(
    finds_apis_and_their_operations,
    finds_operations_of_the_default_version_only,
    narrows_by_filters_and_lists_only_listed_apis,
    hostile_input_is_only_words,
    caps_operations_and_says_there_are_more,
    page_shows_results_and_what_to_try,
    indexes_follow_edits_and_older_versions,
);

async fn search(app: &TestApp, query: &[(&str, &str)]) -> Value {
    let response = app
        .http
        .get(format!("{}/api/v1/apis", app.portal))
        .query(query)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await
        .unwrap_or_else(|err| panic!("{query:?}: {err}"));
    assert_eq!(response.status(), 200, "{query:?}");
    response.json().await.expect("a JSON body")
}

async fn page(app: &TestApp, query: &[(&str, &str)]) -> String {
    let response = app
        .http
        .get(format!("{}/apis", app.portal))
        .query(query)
        .timeout(std::time::Duration::from_secs(10))
        .send()
        .await
        .unwrap_or_else(|err| panic!("{query:?}: {err}"));
    assert_eq!(response.status(), 200, "{query:?}");
    response.text().await.expect("a text body")
}

fn api_names(body: &Value) -> Vec<&str> {
    body["apis"]
        .as_array()
        .expect("an apis array")
        .iter()
        .map(|a| a["name"].as_str().unwrap_or_default())
        .collect()
}

fn operations(body: &Value) -> &Vec<Value> {
    body["operations"].as_array().expect("an operations array")
}

/// `api/slug` of each operation found.
fn operation_keys(body: &Value) -> Vec<String> {
    operations(body)
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["api"].as_str().unwrap(),
                o["slug"].as_str().unwrap()
            )
        })
        .collect()
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

async fn finds_apis_and_their_operations(app: TestApp) {
    let pets = search(&app, &[("q", "pet")]).await;
    assert_eq!(api_names(&pets), ["Swagger Petstore"]);
    let keys = operation_keys(&pets);
    assert!(keys.iter().all(|k| k.starts_with("petstore/")), "{keys:?}");
    for expected in [
        "petstore/addPet",
        "petstore/findPetsByStatus",
        "petstore/deletePet",
    ] {
        assert!(
            keys.contains(&expected.to_owned()),
            "{expected} in {keys:?}"
        );
    }
    assert_eq!(pets["more_operations"], false);
    let add = operations(&pets)
        .iter()
        .find(|o| o["slug"] == "addPet")
        .unwrap();
    assert_eq!(add["agency"], "demo-animals");
    assert_eq!(add["api_name"], "Swagger Petstore");
    assert_eq!(add["method"], "post");
    assert_eq!(add["path"], "/pet");
    assert_eq!(add["summary"], "Add a new pet to the store");

    let bookings = search(&app, &[("q", "bookings")]).await;
    assert_eq!(api_names(&bookings)[0], "Train Travel API");
    let keys = operation_keys(&bookings);
    for expected in [
        "train-travel/get-bookings",
        "train-travel/create-booking",
        "train-travel/delete-booking",
    ] {
        assert!(
            keys.contains(&expected.to_owned()),
            "{expected} in {keys:?}"
        );
    }
    assert!(
        keys.iter().all(|k| k.starts_with("train-travel/")),
        "{keys:?}"
    );

    // Every word must match; stemming finds other forms of a word.
    let both = search(&app, &[("q", "Delete BOOKING")]).await;
    assert_eq!(operation_keys(&both), ["train-travel/delete-booking"]);
    let stations = search(&app, &[("q", "station")]).await;
    assert!(operation_keys(&stations).contains(&"train-travel/get-stations".to_owned()));
    let trademarks = search(&app, &[("q", "trademark")]).await;
    assert_eq!(api_names(&trademarks), ["USPTO Data Set API"]);
    let none = search(&app, &[("q", "zebra crossing")]).await;
    assert!(api_names(&none).is_empty() && operations(&none).is_empty());
}

async fn finds_operations_of_the_default_version_only(app: TestApp) {
    let mut spec: Value =
        serde_json::from_str(include_str!("../../src/demo/specs/train-travel.json")).unwrap();
    spec["info"]["version"] = json!("2.0.0");
    let paths = spec["paths"].as_object_mut().unwrap();
    paths.remove("/stations");
    paths.insert(
        "/teleports".into(),
        json!({"get": {"operationId": "list-teleports", "summary": "List teleports",
                       "tags": ["Trips"], "responses": {"200": {"description": "Teleports"}}}}),
    );
    let text = spec.to_string();
    import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &slug("demo-transport"),
            api: &slug("train-travel"),
            label: None,
            text: &text,
            publish: false,
            actor: None,
        },
    )
    .await
    .unwrap();
    let teleports = search(&app, &[("q", "teleports")]).await;
    assert_eq!(operation_keys(&teleports), ["train-travel/list-teleports"]);
    let stations = search(&app, &[("q", "stations")]).await;
    assert!(
        !operation_keys(&stations).contains(&"train-travel/get-stations".to_owned()),
        "version 1.0.0 is no longer the default: {stations}"
    );
}

async fn narrows_by_filters_and_lists_only_listed_apis(app: TestApp) {
    let elsewhere = search(&app, &[("q", "pet"), ("agency", "demo-transport")]).await;
    assert!(api_names(&elsewhere).is_empty() && operations(&elsewhere).is_empty());
    let topic = search(&app, &[("q", "pet"), ("tag", "animals")]).await;
    assert_eq!(api_names(&topic), ["Swagger Petstore"]);
    assert!(!operations(&topic).is_empty());
    let blank = search(&app, &[("q", "  "), ("agency", "")]).await;
    assert_eq!(
        api_names(&blank).len(),
        4,
        "a blank search lists everything"
    );

    sqlx::query("update api set visibility = 'private' where slug = 'petstore'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let hidden = search(&app, &[("q", "pet")]).await;
    assert!(api_names(&hidden).is_empty(), "{hidden}");
    assert!(operations(&hidden).is_empty(), "{hidden}");
}

async fn hostile_input_is_only_words(app: TestApp) {
    let hostile = [
        r#""pets" OR * NEAR("#,
        "pet*",
        "\"",
        "'",
        "*",
        "-pet",
        "pet:",
        "title:pet",
        "NEAR(pet store, 2)",
        "pet AND OR NOT",
        "^pet",
        "{pet}",
        "pet & | ! <-> :*",
        "'; drop table api; --",
        "\\",
        "\u{0}",
        "\u{945}\u{301}",
        "ॅ",
        "²",
        "東京",
        &"x".repeat(3_000),
        &"pet ".repeat(500),
    ];
    for q in hostile {
        let body = search(&app, &[("q", q)]).await;
        assert!(body["apis"].is_array(), "{q:?}: {body}");
    }
    // The page shares the query path; a few inputs show it answers too.
    for q in [hostile[0], hostile[7], hostile[15], hostile[20]] {
        page(&app, &[("q", q)]).await;
    }
    let quoted = search(&app, &[("q", r#""pets" OR * NEAR("#)]).await;
    assert!(
        operations(&quoted).is_empty(),
        "every word is required, `near` too"
    );
    let prefix = search(&app, &[("q", "pet*")]).await;
    assert_eq!(api_names(&prefix), ["Swagger Petstore"]);
    assert_eq!(
        api_names(&search(&app, &[("q", "api")]).await).len(),
        4,
        "the API table is still there"
    );
}

async fn caps_operations_and_says_there_are_more(app: TestApp) {
    let paths: serde_json::Map<String, Value> = (1..=60)
        .map(|i| {
            (
                format!("/widgets/w{i}"),
                json!({"get": {"operationId": format!("get-widget-{i}"),
                               "summary": format!("Get widget number {i}"),
                               "responses": {"200": {"description": "A widget"}}}}),
            )
        })
        .collect();
    let spec = json!({"openapi": "3.0.3",
                      "info": {"title": "Widget Registry", "version": "1"},
                      "paths": paths});
    import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &slug("demo-ipo"),
            api: &slug("widgets"),
            label: None,
            text: &spec.to_string(),
            publish: true,
            actor: None,
        },
    )
    .await
    .unwrap();
    let widgets = search(&app, &[("q", "widget")]).await;
    assert_eq!(api_names(&widgets), ["Widget Registry"]);
    assert_eq!(operations(&widgets).len(), 50);
    assert_eq!(widgets["more_operations"], true);
    let html = page(&app, &[("q", "widget")]).await;
    assert!(
        html.contains("1 API and more than 50 operations match &#x27;widget&#x27;")
            || html.contains("1 API and more than 50 operations match 'widget'"),
        "{html}"
    );
    assert!(html.contains("These are the 50 best matches."));
}

async fn page_shows_results_and_what_to_try(app: TestApp) {
    let all = page(&app, &[]).await;
    assert!(all.contains("Search APIs and operations"));
    assert!(all.contains("name=\"q\""));

    let pets = page(&app, &[("q", "pet")]).await;
    let count = operation_keys(&search(&app, &[("q", "pet")]).await).len();
    let heading = format!("1 API and {count} operations match");
    assert!(pets.contains(&heading), "{heading} in {pets}");
    assert!(pets.contains("href=\"/apis/demo-animals/petstore/reference/operations/addPet\""));
    assert!(pets.contains("Add a new pet to the store"));
    assert!(
        pets.contains("href=\"/apis/demo-animals/petstore\""),
        "the API is listed"
    );
    assert!(
        pets.contains("value=\"pet\""),
        "the search box keeps the words"
    );
    assert!(
        pets.contains("type=\"hidden\" name=\"q\" value=\"pet\""),
        "applying filters keeps the search"
    );

    let nothing = page(&app, &[("q", "zebra"), ("agency", "demo-ipo")]).await;
    assert!(nothing.contains("No APIs or operations match"), "{nothing}");
    assert!(nothing.contains("Improve your results by"));
    assert!(nothing.contains("searching all agencies and topics"));
    assert!(
        nothing.contains("href=\"/apis?agency=demo-ipo\""),
        "clearing the search keeps the filters"
    );

    let script = page(&app, &[("q", "<script>alert(1)</script>")]).await;
    assert!(
        !script.contains("<script>alert(1)"),
        "the words are escaped"
    );
}

async fn indexes_follow_edits_and_older_versions(app: TestApp) {
    let pool = app.db.pool();
    sqlx::query("update api set name = 'Quokka Registry' where slug = 'petstore'")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        api_names(&search(&app, &[("q", "quokka")]).await),
        ["Quokka Registry"]
    );

    let (id,): (i64,) = sqlx::query_as("select id from api where slug = 'data-sets'")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("insert into api_tag (api_id, tag) values ($1, 'marsupials')")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        api_names(&search(&app, &[("q", "marsupials")]).await),
        ["USPTO Data Set API"]
    );
    sqlx::query("delete from api_tag where tag = 'marsupials'")
        .execute(pool)
        .await
        .unwrap();
    assert!(api_names(&search(&app, &[("q", "marsupials")]).await).is_empty());

    // Versions stored before search existed get their operations at start-up.
    let (before,): (i64,) = sqlx::query_as("select count(*) from api_operation")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("delete from api_operation")
        .execute(pool)
        .await
        .unwrap();
    assert!(operations(&search(&app, &[("q", "bookings")]).await).is_empty());
    let filled = portico::catalogue::service::backfill_operations(&app.db, "2024-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(
        filled, 4,
        "the demo's three versions and Portico's REST API"
    );
    let (after,): (i64,) = sqlx::query_as("select count(*) from api_operation")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(after, before);
    assert!(!operations(&search(&app, &[("q", "bookings")]).await).is_empty());
    let again = portico::catalogue::service::backfill_operations(&app.db, "2024-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(again, 0);

    // Deleting an API takes its entries out of the indexes with it.
    sqlx::query("delete from api_version where api_id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("delete from api where id = $1")
        .bind(id)
        .execute(pool)
        .await
        .unwrap();
    assert!(api_names(&search(&app, &[("q", "trademark")]).await).is_empty());
    if app.db.backend() == portico::db::Backend::Sqlite {
        // FTS5 checks its index against the tables it reads from.
        for table in ["api_fts", "api_operation_fts"] {
            sqlx::query(&format!(
                "insert into {table} ({table}) values ('integrity-check')"
            ))
            .execute(pool)
            .await
            .unwrap_or_else(|err| panic!("{table} is out of step: {err}"));
        }
    }
}
