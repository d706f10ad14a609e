use std::path::Path;

use serde_json::{json, Value};

use super::*;

/// Writes files (path, text) into a fresh folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn bundle_in(dir: &Path, main: &str) -> Result<Option<Value>, Vec<String>> {
    let path = dir.join(main);
    let text = std::fs::read_to_string(&path).unwrap();
    bundle(&path, &text)
        .map(|text| text.map(|t| serde_json::from_str(&t).unwrap()))
        .map_err(|problems| problems.0.iter().map(ToString::to_string).collect())
}

const MAIN: &str = r#"openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      parameters:
        - $ref: 'parameters.yaml#/limit'
      responses:
        '200':
          description: Pets
          content:
            application/json:
              schema:
                type: array
                items: {$ref: './schemas/pet.yaml#/Pet'}
  /stores:
    $ref: paths/stores.yaml
components:
  schemas:
    Pet: {type: string, description: the main file's own Pet}
    Owner:
      $ref: common.json
"#;

const PET: &str = r#"Pet:
  type: object
  properties:
    owner: {$ref: '../common.json'}
    children:
      type: array
      items: {$ref: '#/Pet'}
    tag: {$ref: 'tag.yaml'}
"#;

fn sound_folder() -> tempfile::TempDir {
    folder(&[
        ("openapi.yaml", MAIN),
        ("schemas/pet.yaml", PET),
        ("schemas/tag.yaml", "type: string\nenum: [a, b]\n"),
        ("common.json", r#"{"type": "object", "properties": {"name": {"type": "string"}}}"#),
        ("parameters.yaml", "limit: {name: limit, in: query, schema: {type: integer}}\n"),
        (
            "paths/stores.yaml",
            "get:\n  operationId: listStores\n  summary: Stores\n  responses:\n    '200':\n      description: OK\n      content:\n        application/json:\n          schema: {$ref: '../schemas/pet.yaml#/Pet'}\n",
        ),
    ])
}

#[test]
fn files_beside_the_document_are_inlined_under_components() {
    let dir = sound_folder();
    let doc = bundle_in(dir.path(), "openapi.yaml")
        .unwrap()
        .expect("bundled");
    let schemas = &doc["components"]["schemas"];
    // The main file's own Pet keeps its name; the other file's gets another.
    assert_eq!(schemas["Pet"]["description"], "the main file's own Pet");
    assert_eq!(
        doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["items"],
        json!({"$ref": "#/components/schemas/Pet_2"})
    );
    // A component that is a reference takes the place of what it names, and
    // others that name the same file point at it.
    assert_eq!(schemas["Owner"]["properties"]["name"]["type"], "string");
    let pet = &schemas["Pet_2"];
    assert_eq!(
        pet["properties"]["owner"],
        json!({"$ref": "#/components/schemas/Owner"})
    );
    // A reference inside another file to that file itself: a cycle, ended.
    assert_eq!(
        pet["properties"]["children"]["items"],
        json!({"$ref": "#/components/schemas/Pet_2"})
    );
    assert_eq!(
        pet["properties"]["tag"],
        json!({"$ref": "#/components/schemas/tag"})
    );
    assert_eq!(schemas["tag"]["enum"], json!(["a", "b"]));
    assert_eq!(
        doc["paths"]["/pets"]["get"]["parameters"][0],
        json!({"$ref": "#/components/parameters/limit"})
    );
    assert_eq!(doc["components"]["parameters"]["limit"]["name"], "limit");
    // A path item has no place under components (in 3.0): it is copied.
    let stores = &doc["paths"]["/stores"]["get"];
    assert_eq!(stores["operationId"], "listStores");
    assert_eq!(
        stores["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet_2"})
    );
    // The bundle passes the import's checks: every reference is internal.
    let prepared = crate::openapi::import::prepare(&doc.to_string()).unwrap();
    assert_eq!(prepared.operations, 2);
}

#[test]
fn a_document_without_file_references_is_left_as_it_is() {
    let dir = folder(&[(
        "openapi.json",
        r##"{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
            "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {}}}}"##,
    )]);
    assert_eq!(bundle_in(dir.path(), "openapi.json"), Ok(None));
}

#[test]
fn references_out_of_the_folder_absolute_paths_and_urls_are_refused() {
    let outside = folder(&[("secret.yaml", "type: string\n")]);
    let secret = outside.path().join("secret.yaml");
    let main = format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '../secret.yaml'}}\n    B: {{$ref: '{}'}}\n    C: {{$ref: 'api/../../x.yaml'}}\n    D: {{$ref: 'more.yaml#/D'}}\n    E: {{$ref: 'link.yaml'}}\n",
        secret.display()
    );
    let dir = folder(&[
        ("api/openapi.yaml", &main),
        ("api/more.yaml", "D:\n  properties:\n    remote: {$ref: 'https://example.com/pet.json'}\n    local: {$ref: 'file:///etc/passwd'}\n"),
    ]);
    std::os::unix::fs::symlink(&secret, dir.path().join("api/link.yaml")).unwrap();
    let problems = bundle_in(&dir.path().join("api"), "openapi.yaml").unwrap_err();
    let root = dir.path().join("api").canonicalize().unwrap();
    let outside_text = format!(
        "leads outside the folder of the main document ({}): Portico reads only files in that folder and below",
        root.display()
    );
    assert_eq!(
        problems,
        [
            format!("openapi.yaml, line 6, column 9 (/components/schemas/A/$ref): `../secret.yaml` {outside_text}"),
            format!("openapi.yaml, line 7, column 9 (/components/schemas/B/$ref): `{}` is an absolute path: refer to files beside the document with a relative path, such as `./schemas/pet.yaml`", secret.display()),
            format!("openapi.yaml, line 8, column 9 (/components/schemas/C/$ref): `api/../../x.yaml` {outside_text}"),
            "more.yaml, line 3, column 14 (/D/properties/remote/$ref): `https://example.com/pet.json` is a URL: Portico never fetches URLs named in a document; copy what it names into a file beside the document".to_owned(),
            "more.yaml, line 4, column 13 (/D/properties/local/$ref): `file:///etc/passwd` is a URL: Portico never fetches URLs named in a document; copy what it names into a file beside the document".to_owned(),
            // D is a component that is a reference: it is copied in place,
            // so what its file holds is checked before E.
            format!("openapi.yaml, line 10, column 9 (/components/schemas/E/$ref): `link.yaml` {outside_text} (through a symbolic link)"),
        ]
    );
}

#[test]
fn missing_files_and_pointers_are_named() {
    let dir = folder(&[
        (
            "openapi.yaml",
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'nope.yaml'}\n    B: {$ref: 'common.json#/Missing'}\n    C: {$ref: 'broken.yaml'}\n",
        ),
        ("common.json", "{\"Present\": {}}"),
        ("broken.yaml", "a: [1\n"),
    ]);
    let problems = bundle_in(dir.path(), "openapi.yaml").unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert_eq!(
        problems[0],
        "openapi.yaml, line 6, column 9 (/components/schemas/A/$ref): `nope.yaml` names nope.yaml, which does not exist"
    );
    assert_eq!(
        problems[1],
        "openapi.yaml, line 7, column 9 (/components/schemas/B/$ref): `common.json#/Missing` points at nothing: common.json has nothing at `#/Missing`; check the pointer"
    );
    assert!(
        problems[2].starts_with("openapi.yaml, line 8, column 9 (/components/schemas/C/$ref): `broken.yaml` names broken.yaml, which is not a document: line "),
        "{}",
        problems[2]
    );
}

#[test]
fn files_that_refer_to_each_other_end() {
    let dir = folder(&[
        (
            "openapi.yaml",
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: A\n          content:\n            application/json:\n              schema: {$ref: 'a.yaml#/A'}\n",
        ),
        ("a.yaml", "A:\n  properties:\n    b: {$ref: 'b.yaml#/B'}\n"),
        ("b.yaml", "B:\n  properties:\n    a: {$ref: 'a.yaml#/A'}\n    main: {$ref: 'openapi.yaml#/components/schemas/A'}\n"),
    ]);
    let doc = bundle_in(dir.path(), "openapi.yaml").unwrap().unwrap();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["A"]["properties"]["b"],
        json!({"$ref": "#/components/schemas/B"})
    );
    assert_eq!(
        schemas["B"]["properties"]["a"],
        json!({"$ref": "#/components/schemas/A"})
    );
    assert_eq!(
        schemas["B"]["properties"]["main"],
        json!({"$ref": "#/components/schemas/A"})
    );
}

#[test]
fn path_items_that_lead_back_to_themselves_are_refused() {
    let dir = folder(&[
        (
            "openapi.yaml",
            "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a: {$ref: 'a.yaml'}\n",
        ),
        (
            "a.yaml",
            "get:\n  callbacks:\n    done:\n      '{$request.body#/url}': {$ref: 'a.yaml'}\n",
        ),
    ]);
    let doc = bundle_in(dir.path(), "openapi.yaml");
    // A path item is copied where it is referred to; this one holds a
    // callback whose path item is itself, which would be copied forever.
    let problems = doc.unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("a.yaml, line 4, column 32 (/get/callbacks/done/{$request.body#~1url}/$ref): `a.yaml` leads back to itself"), "{}", problems[0]);
}

#[test]
fn swagger_2_targets_go_to_definitions() {
    let dir = folder(&[
        (
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - {$ref: 'params.yaml#/limit'}\n      responses:\n        '200':\n          description: OK\n          schema: {$ref: 'pet.yaml'}\n",
        ),
        ("pet.yaml", "type: object\n"),
        ("params.yaml", "limit: {name: limit, in: query, type: integer}\n"),
    ]);
    let doc = bundle_in(dir.path(), "swagger.yaml").unwrap().unwrap();
    assert_eq!(doc["definitions"]["pet"], json!({"type": "object"}));
    assert_eq!(doc["parameters"]["limit"]["name"], "limit");
    assert_eq!(
        doc["paths"]["/pets"]["get"]["responses"]["200"]["schema"],
        json!({"$ref": "#/definitions/pet"})
    );
}
