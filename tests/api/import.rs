//! Importing OpenAPI documents: every example of `@readme/oas-examples`
//! (Swagger 2.0, OpenAPI 3.0 and 3.1, JSON and YAML), and refusals that store
//! nothing.

use std::path::PathBuf;

use portico::catalogue::slug::Slug;
use portico::openapi::import::{import, ImportError, ImportRequest};
use portico::server::clock::Clock;

use crate::helpers::TestApp;

crate::on_both_backends!(
    imports_and_renders_every_example_document,
    a_broken_document_stores_nothing,
    versions_are_never_overwritten
);

fn examples_dir() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("end2end/node_modules/@readme/oas-examples");
    assert!(
        dir.exists(),
        "{} is missing: run scripts/test, or `npm ci` in end2end/",
        dir.display()
    );
    dir
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).unwrap()
}

async fn version_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("select count(*) from api_version")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    n
}

/// Imports every example, then browses every page of its reference: the
/// index, each tag, operation and named schema.
async fn imports_and_renders_every_example_document(app: TestApp) {
    let clock = Clock::system();
    let mut imported = 0;
    let mut apis = Vec::new();
    let mut failures = Vec::new();
    for spec_version in ["2.0", "3.0", "3.1"] {
        for format in ["json", "yaml"] {
            let dir = examples_dir().join(spec_version).join(format);
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect();
            files.sort();
            for file in files {
                let text = std::fs::read_to_string(&file).unwrap();
                let stem = file.file_stem().unwrap().to_string_lossy().to_lowercase();
                let api = format!("x{}-{}-{stem}", spec_version.replace('.', ""), format)
                    .replace('_', "-");
                let request = ImportRequest {
                    agency: &slug("demo-ipo"),
                    api: &slug(&api),
                    label: None,
                    text: &text,
                    publish: true,
                    actor: None,
                };
                match import(&app.db, &clock, request).await {
                    Ok(outcome) => {
                        imported += 1;
                        apis.push(api.clone());
                        assert!(
                            outcome.openapi_version.starts_with("3."),
                            "{}",
                            file.display()
                        );
                    }
                    Err(err) => failures.push(format!("{}: {err}", file.display())),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(imported > 80, "only {imported} documents were found");
    // The demo's three versions and Portico's own REST API.
    assert_eq!(version_count(&app).await, 4 + imported);

    let mut pages = 0;
    for api in &apis {
        pages += crate::reference::browse_every_page(&app, "demo-ipo", api).await;
    }
    assert!(pages > 1_000, "only {pages} pages were rendered");
}

async fn a_broken_document_stores_nothing(app: TestApp) {
    let before = version_count(&app).await;
    let broken = "openapi: 3.0.3\ninfo:\n  title: Trains\n  version: '2'\npaths:\n  /trips/{id}:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Missing'}\n";
    let err = import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            agency: &slug("demo-transport"),
            api: &slug("train-travel"),
            label: None,
            text: broken,
            publish: false,
            actor: None,
        },
    )
    .await
    .unwrap_err();
    let ImportError::Invalid(findings) = err else {
        panic!("expected findings, got {err}")
    };
    let text: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(
        text[0].starts_with("line 7, column 5 (/paths/~1trips~1{id}/get): the path has `{id}`"),
        "{text:?}"
    );
    assert!(
        text[1].starts_with("line 9, column 17 (/paths/~1trips~1{id}/get/responses/200/$ref)"),
        "{text:?}"
    );
    assert_eq!(version_count(&app).await, before, "nothing was stored");
    let (default_label,): (String,) = sqlx::query_as(
        "select v.label from api a join api_version v on v.id = a.default_version_id where a.slug = 'train-travel'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(default_label, "1.0.0", "the stored version is untouched");
}

async fn versions_are_never_overwritten(app: TestApp) {
    let text = include_str!("../../src/demo/specs/petstore.json");
    let (agency, api) = (slug("demo-animals"), slug("petstore"));
    let request = || ImportRequest {
        agency: &agency,
        api: &api,
        label: None,
        text,
        publish: false,
        actor: None,
    };
    let before = version_count(&app).await;
    let err = import(&app.db, &Clock::system(), request())
        .await
        .unwrap_err();
    assert!(matches!(err, ImportError::VersionExists { .. }), "{err}");
    assert!(err.to_string().contains("--version"));
    let outcome = import(
        &app.db,
        &Clock::system(),
        ImportRequest {
            label: Some("1.0.1"),
            ..request()
        },
    )
    .await
    .unwrap();
    assert!(!outcome.api_created);
    assert_eq!(outcome.version, "1.0.1");
    assert_eq!(outcome.operations, 20);
    assert_eq!(version_count(&app).await, before + 1);
    let (_, body) = app
        .get_json(&format!("{}/api/v1/apis?agency=demo-animals", app.portal))
        .await;
    assert_eq!(
        body["apis"][0]["version"], "1.0.1",
        "the new version is the default"
    );
}
