use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::super::*;

/// A file or folder of the `@readme/oas-examples` npm package.
fn examples(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("end2end/node_modules/@readme/oas-examples")
        .join(relative)
}

fn missing(path: &Path, err: std::io::Error) -> ! {
    panic!("{}: {err}: run `npm ci` in end2end/", path.display())
}

/// The Swagger Petstore against a copy with an operation removed, a
/// required parameter added and a response property retyped.
#[test]
fn petstore_against_a_changed_copy() {
    let path = examples("3.0/json/petstore.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| missing(&path, err));
    let old: Value = serde_json::from_str(&text).unwrap();
    assert!(diff(&old, &old).is_empty(), "a document equals itself");

    let mut new = old.clone();
    let paths = new["paths"].as_object_mut().unwrap();
    paths["/user/{username}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    paths["/pet/findByStatus"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "shelter", "in": "query", "required": true, "schema": {"type": "string"}}));
    new["components"]["schemas"]["Pet"]["properties"]["id"]["type"] = json!("string");

    let log = diff(&old, &new);
    assert_eq!(log.removed.len(), 1);
    assert_eq!(
        (log.removed[0].method.as_str(), log.removed[0].path.as_str()),
        ("DELETE", "/user/{username}")
    );
    assert!(log.added.is_empty());
    let find = log
        .changed
        .iter()
        .find(|op| op.path == "/pet/findByStatus")
        .unwrap();
    assert!(find.changes.contains(&Change::breaking(
        "Added the required query parameter `shelter`: calls without it will be refused."
    )));
    // Pet is returned by four operations and accepted by two.
    let retyped: Vec<String> = log
        .changed
        .iter()
        .filter(|op| {
            op.changes
                .iter()
                .any(|c| c.text.contains("`id`") && c.breaking)
        })
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    assert_eq!(
        retyped,
        [
            "PUT /pet",
            "POST /pet",
            "GET /pet/findByStatus",
            "GET /pet/findByTags",
            "GET /pet/{petId}"
        ]
    );
    // Each media type (JSON and XML) of a body that holds a Pet counts once.
    assert!(
        log.summary()
            .starts_with("12 breaking changes, 1 operation removed, 5 operations changed"),
        "{}",
        log.summary()
    );
}

#[test]
fn every_example_document_equals_itself() {
    for version in ["3.0", "3.1"] {
        let dir = examples(&format!("{version}/json"));
        let files = std::fs::read_dir(&dir).unwrap_or_else(|err| missing(&dir, err));
        for file in files.filter_map(Result::ok) {
            let Ok(text) = std::fs::read_to_string(file.path()) else {
                continue;
            };
            let doc: Value = serde_json::from_str(&text).unwrap();
            let log = diff(&doc, &doc);
            assert!(log.is_empty(), "{}: {log:?}", file.path().display());
        }
    }
}
