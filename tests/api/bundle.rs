//! `portico import path/to/openapi.yaml` with references to files beside it:
//! bundled into one stored document; files outside its folder refused;
//! standard input still refuses references to other files.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::TestApp;

crate::on_both_backends!(importing_a_file_bundles_the_files_beside_it);

const MAIN: &str = r#"openapi: 3.0.3
info: {title: Bundled pets, version: 1.0.0, description: Pets in several files.}
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
  /owners:
    $ref: paths/owners.yaml
"#;

const ESCAPING: &str = r#"openapi: 3.0.3
info: {title: Escape, version: 1.0.0}
paths: {}
components:
  schemas:
    Secret: {$ref: '../outside.yaml'}
"#;

fn write(dir: &std::path::Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn import(app: &TestApp, api: &str, source: &str, stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .env_remove("RUST_LOG")
        .env_remove("PORTICO_DATABASE_URL")
        .env_remove("PORTICO_DATA_DIR")
        .args([
            "import",
            "--publish",
            "--agency",
            "demo-animals",
            "--api",
            api,
        ])
        .arg("--database-url")
        .arg(app.config.database_url())
        .arg(source)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

async fn importing_a_file_bundles_the_files_beside_it(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let api_dir = dir.path().join("api");
    write(
        &api_dir,
        &[
            ("openapi.yaml", MAIN),
            ("parameters.yaml", "limit: {name: limit, in: query, schema: {type: integer}}\n"),
            (
                "schemas/pet.yaml",
                "Pet:\n  type: object\n  properties:\n    name: {type: string}\n    owner: {$ref: 'owner.yaml'}\n",
            ),
            ("schemas/owner.yaml", "type: object\nproperties:\n  name: {type: string}\n"),
            (
                "paths/owners.yaml",
                "get:\n  operationId: listOwners\n  summary: List owners\n  responses:\n    '200':\n      description: Owners\n      content:\n        application/json:\n          schema: {$ref: '../schemas/owner.yaml'}\n",
            ),
            ("escaping.yaml", ESCAPING),
        ],
    );
    write(dir.path(), &[("outside.yaml", "type: string\n")]);

    let main = api_dir.join("openapi.yaml");
    let output = import(&app, "bundled-pets", main.to_str().unwrap(), None);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "imported demo-animals/bundled-pets version 1.0.0 (OpenAPI 3.0.3), 2 operations"
        ),
        "{stdout}"
    );

    // What is stored stands alone: every reference is internal.
    let (status, text) = app
        .get_text(&format!(
            "{}/apis/demo-animals/bundled-pets/openapi",
            app.portal
        ))
        .await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        !text.contains("yaml#") && !text.contains(".yaml\""),
        "{text}"
    );
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Pet"]["properties"]["owner"]["$ref"],
        "#/components/schemas/owner"
    );
    assert_eq!(schemas["owner"]["properties"]["name"]["type"], "string");
    assert_eq!(doc["components"]["parameters"]["limit"]["in"], "query");
    assert_eq!(doc["paths"]["/owners"]["get"]["operationId"], "listOwners");

    // A reference out of the folder: refused, naming the file and where.
    let escaping = api_dir.join("escaping.yaml");
    let output = import(&app, "escape", escaping.to_str().unwrap(), None);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("escaping.yaml, line 6, column 14 (/components/schemas/Secret/$ref): `../outside.yaml` leads outside the folder of the main document"),
        "{stderr}"
    );
    let (status, _) = app
        .get_text(&format!("{}/apis/demo-animals/escape/openapi", app.portal))
        .await;
    assert_eq!(status, 404, "nothing was stored");

    // From standard input there is no folder: references to files are refused.
    let output = import(&app, "from-stdin", "-", Some(MAIN));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`parameters.yaml#/limit` refers to another file: Portico reads files beside a document only when it imports the document from a file"),
        "{stderr}"
    );
}
