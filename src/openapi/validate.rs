//! Checks of an OpenAPI 3.x document: errors that stop an import, each with a
//! pointer and a sentence saying what to fix, and warnings kept for the owner.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::Finding;
use super::refs;
use super::yaml::escape;

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
    pub operations: usize,
}

/// Which 3.x the document declares, or an error saying what is accepted.
pub fn openapi_version(doc: &Value) -> Result<String, Finding> {
    match doc.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v.starts_with("3.1.") => Ok(v.clone()),
        Some(Value::String(v)) => Err(Finding::at(
            "/openapi",
            format!("OpenAPI {v} is not supported: use 3.0.x, 3.1.x or Swagger 2.0"),
        )),
        Some(other) => Err(Finding::at(
            "/openapi",
            format!("`openapi` must be text such as \"3.1.0\", not {other}; quote it in YAML"),
        )),
        None => Err(Finding::at(
            "",
            "this is not an OpenAPI document: it has no `openapi` (3.x) or `swagger` (2.0) field",
        )),
    }
}

/// Checks a 3.x document.
pub fn check(doc: &Value) -> Report {
    let mut report = Report::default();
    let Some(root) = doc.as_object() else {
        report.errors.push(Finding::at(
            "",
            "the document must be a mapping (an object) at the top",
        ));
        return report;
    };
    check_info(root, &mut report);
    let version = root
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match root.get("paths") {
        Some(Value::Object(paths)) => check_paths(doc, paths, &mut report),
        Some(_) => report.errors.push(Finding::at(
            "/paths",
            "`paths` must be a mapping of paths to path items",
        )),
        None if version.starts_with("3.0.") => report.errors.push(Finding::at(
            "",
            "OpenAPI 3.0 requires `paths`; add `paths: {}` if the API has none yet",
        )),
        None => {}
    }
    report.errors.extend(refs::check(doc));
    report
}

fn check_info(root: &Map<String, Value>, report: &mut Report) {
    let Some(info) = root.get("info").and_then(Value::as_object) else {
        report.errors.push(Finding::at(
            "",
            "add an `info` object with `title` and `version`",
        ));
        return;
    };
    for field in ["title", "version"] {
        match info.get(field) {
            Some(Value::String(_)) => {}
            Some(Value::Number(n)) => report.errors.push(Finding::at(
                format!("/info/{field}"),
                format!("`info.{field}` must be text, not the number {n}: quote it (\"{n}\")"),
            )),
            _ => report.errors.push(Finding::at(
                "/info",
                format!("add `info.{field}` as text: it names the API in the catalogue"),
            )),
        }
    }
    let description = info
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if description.trim().is_empty() {
        report.warnings.push(Finding::at(
            "/info",
            "add `info.description`: it becomes the API's overview in the catalogue",
        ));
    }
}

fn check_paths(doc: &Value, paths: &Map<String, Value>, report: &mut Report) {
    let mut operation_ids: HashMap<String, String> = HashMap::new();
    for (path, item) in paths {
        let at = format!("/paths/{}", escape(path));
        if path.starts_with("x-") {
            continue;
        }
        if !path.starts_with('/') {
            report.errors.push(Finding::at(
                &at,
                format!("the path `{path}` must start with `/`"),
            ));
        }
        let item = follow(doc, item);
        let Some(item) = item.as_object() else {
            report.errors.push(Finding::at(
                &at,
                "a path item must be a mapping of methods to operations",
            ));
            continue;
        };
        let shared = item.get("parameters");
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let op_at = format!("{at}/{method}");
            report.operations += 1;
            let Some(operation) = operation.as_object() else {
                report
                    .errors
                    .push(Finding::at(&op_at, "an operation must be a mapping"));
                continue;
            };
            check_operation(doc, path, &op_at, operation, shared, report);
            match operation.get("operationId").and_then(Value::as_str) {
                Some(id) => {
                    if let Some(first) = operation_ids.insert(id.to_owned(), op_at.clone()) {
                        report.warnings.push(Finding::at(
                            format!("{op_at}/operationId"),
                            format!("operationId `{id}` is also used at {first}: make each one unique"),
                        ));
                    }
                }
                None => report.warnings.push(Finding::at(
                    &op_at,
                    "add an `operationId`: it gives the operation a stable link and names it in code",
                )),
            }
        }
    }
}

fn check_operation(
    doc: &Value,
    path: &str,
    at: &str,
    operation: &Map<String, Value>,
    shared: Option<&Value>,
    report: &mut Report,
) {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match operation.get("responses") {
        Some(Value::Object(_)) => {}
        Some(_) => report.errors.push(Finding::at(
            format!("{at}/responses"),
            "`responses` must be a mapping of status codes to responses",
        )),
        None if version.starts_with("3.0.") => report.errors.push(Finding::at(
            at,
            "add `responses`: OpenAPI 3.0 requires at least one response per operation",
        )),
        None => {}
    }
    if !operation.contains_key("summary") && !operation.contains_key("description") {
        report.warnings.push(Finding::at(
            at,
            "add a `summary`: it is the operation's title in the reference",
        ));
    }
    let mut declared: Vec<String> = Vec::new();
    for (list, list_at) in [
        (shared, None),
        (
            operation.get("parameters"),
            Some(format!("{at}/parameters")),
        ),
    ] {
        let Some(list) = list else { continue };
        let list_at = list_at.unwrap_or_else(|| format!("/paths/{}/parameters", escape(path)));
        let Some(items) = list.as_array() else {
            report
                .errors
                .push(Finding::at(&list_at, "`parameters` must be a list"));
            continue;
        };
        for (i, parameter) in items.iter().enumerate() {
            let parameter = follow(doc, parameter);
            let p_at = format!("{list_at}/{i}");
            let name = parameter.get("name").and_then(Value::as_str);
            let location = parameter.get("in").and_then(Value::as_str);
            match (name, location) {
                (Some(name), Some(location)) if LOCATIONS.contains(&location) => {
                    if location == "path" {
                        declared.push(name.to_owned());
                        if parameter.get("required") != Some(&Value::Bool(true)) {
                            report.errors.push(Finding::at(
                                &p_at,
                                format!("path parameter `{name}` must say `required: true`"),
                            ));
                        }
                    }
                }
                (_, Some(location)) if !LOCATIONS.contains(&location) => report.errors.push(Finding::at(
                    format!("{p_at}/in"),
                    format!("`in: {location}` is not a parameter location: use path, query, header or cookie"),
                )),
                _ if parameter.get("$ref").is_some() => {}
                _ => report.errors.push(Finding::at(&p_at, "a parameter needs `name` and `in`")),
            }
        }
    }
    for name in template_names(path) {
        if !declared.iter().any(|d| d == name) {
            report.errors.push(Finding::at(
                at,
                format!("the path has `{{{name}}}` but the operation declares no path parameter `{name}`: add it to `parameters`"),
            ));
        }
    }
}

/// A local `$ref` followed once, or the node itself.
fn follow<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|fragment| refs::resolve(doc, fragment))
        .unwrap_or(node)
}

fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(findings: &[Finding]) -> Vec<String> {
        findings.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_sound_document_has_no_errors() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1", "description": "Pets."},
            "paths": {"/pets/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {"operationId": "getPet", "summary": "Get a pet", "responses": {"200": {"description": "OK"}}}
            }}
        });
        let report = check(&doc);
        assert!(report.errors.is_empty(), "{:?}", messages(&report.errors));
        assert!(
            report.warnings.is_empty(),
            "{:?}",
            messages(&report.warnings)
        );
        assert_eq!(report.operations, 1);
    }

    #[test]
    fn errors_point_at_what_to_fix() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets"},
            "paths": {
                "pets": {"get": {"responses": {}}},
                "/pets/{id}": {"get": {"parameters": [{"name": "q", "in": "body"}]}}
            }
        });
        let errors = messages(&check(&doc).errors);
        assert_eq!(
            errors,
            [
                "/info: add `info.version` as text: it names the API in the catalogue",
                "/paths/pets: the path `pets` must start with `/`",
                "/paths/~1pets~1{id}/get: add `responses`: OpenAPI 3.0 requires at least one response per operation",
                "/paths/~1pets~1{id}/get/parameters/0/in: `in: body` is not a parameter location: use path, query, header or cookie",
                "/paths/~1pets~1{id}/get: the path has `{id}` but the operation declares no path parameter `id`: add it to `parameters`",
            ]
        );
    }

    #[test]
    fn version_must_be_supported_text() {
        assert!(openapi_version(&json!({"openapi": "3.1.0"})).is_ok());
        assert!(openapi_version(&json!({"openapi": 3.1}))
            .unwrap_err()
            .message
            .contains("quote it"));
        assert!(openapi_version(&json!({"openapi": "4.0.0"}))
            .unwrap_err()
            .message
            .contains("not supported"));
        assert!(openapi_version(&json!({}))
            .unwrap_err()
            .message
            .contains("not an OpenAPI document"));
    }
}
