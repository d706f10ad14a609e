//! Swagger 2.0 to OpenAPI 3.0.3, so that one reader serves every document.
//!
//! Follows the mapping the OpenAPI Initiative describes between the two:
//! `definitions` and friends move under `components`, body and form
//! parameters become request bodies, `produces`/`consumes` become media
//! types, and parameter type fields move into a `schema`.

mod objects;

use serde_json::{json, Map, Value};

use objects::{body_parameter, form_body, parameter_object, response_object, security_scheme};

/// Converts a Swagger 2.0 document. The input is assumed to declare
/// `swagger: "2.0"`; fields the conversion does not know are carried over.
pub fn convert(doc: &Value) -> Value {
    let empty = Map::new();
    let root = doc.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for (key, value) in root {
        match key.as_str() {
            "swagger"
            | "host"
            | "basePath"
            | "schemes"
            | "consumes"
            | "produces"
            | "definitions"
            | "parameters"
            | "responses"
            | "securityDefinitions"
            | "paths" => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    let servers = servers(root);
    if !servers.is_empty() {
        out.insert("servers".into(), Value::Array(servers));
    }
    let global_consumes = media_types(root.get("consumes"), "application/json");
    let global_produces = media_types(root.get("produces"), "application/json");

    let mut components = Map::new();
    if let Some(definitions) = root.get("definitions") {
        components.insert("schemas".into(), definitions.clone());
    }
    let mut parameters = Map::new();
    let mut request_bodies = Map::new();
    if let Some(Value::Object(globals)) = root.get("parameters") {
        for (name, parameter) in globals {
            match parameter.get("in").and_then(Value::as_str) {
                Some("body") => {
                    request_bodies
                        .insert(name.clone(), body_parameter(parameter, &global_consumes));
                }
                Some("formData") => {
                    request_bodies.insert(name.clone(), form_body(&[parameter], &global_consumes));
                }
                _ => {
                    parameters.insert(name.clone(), parameter_object(parameter));
                }
            }
        }
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if !request_bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(request_bodies));
    }
    if let Some(Value::Object(responses)) = root.get("responses") {
        let converted = responses
            .iter()
            .map(|(k, r)| (k.clone(), response_object(r, &global_produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(schemes)) = root.get("securityDefinitions") {
        let converted = schemes
            .iter()
            .map(|(k, s)| (k.clone(), security_scheme(s)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(converted));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }

    let mut paths = Map::new();
    if let Some(Value::Object(source)) = root.get("paths") {
        for (path, item) in source {
            paths.insert(
                path.clone(),
                path_item(root, item, &global_consumes, &global_produces),
            );
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    let mut out = Value::Object(out);
    rewrite_refs(&mut out, root);
    out
}

fn servers(root: &Map<String, Value>) -> Vec<Value> {
    let Some(host) = root.get("host").and_then(Value::as_str) else {
        return match root.get("basePath").and_then(Value::as_str) {
            Some(base) => vec![json!({"url": base})],
            None => Vec::new(),
        };
    };
    let base = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let schemes: Vec<&str> = root
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["https"]);
    schemes
        .into_iter()
        .map(|scheme| json!({"url": format!("{scheme}://{host}{base}")}))
        .collect()
}

fn media_types(list: Option<&Value>, fallback: &str) -> Vec<String> {
    let types: Vec<String> = list
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if types.is_empty() {
        vec![fallback.to_owned()]
    } else {
        types
    }
}

fn path_item(
    root: &Map<String, Value>,
    item: &Value,
    consumes: &[String],
    produces: &[String],
) -> Value {
    let Some(item) = item.as_object() else {
        return item.clone();
    };
    let mut out = Map::new();
    let shared = parameters_of(item);
    for (key, value) in item {
        match key.as_str() {
            "parameters" => {
                let plain: Vec<Value> = shared
                    .iter()
                    .filter(|p| !is_body_like(root, p))
                    .map(|p| parameter_object(p))
                    .collect();
                if !plain.is_empty() {
                    out.insert(key.clone(), Value::Array(plain));
                }
            }
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => {
                out.insert(
                    key.clone(),
                    operation(root, value, &shared, consumes, produces),
                );
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// The `parameters` list of a path item or operation.
fn parameters_of(node: &Map<String, Value>) -> Vec<&Value> {
    node.get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default()
}

/// Body and form parameters, followed through a `$ref` to the globals.
fn is_body_like(root: &Map<String, Value>, parameter: &Value) -> bool {
    let parameter = global_parameter(root, parameter).unwrap_or(parameter);
    matches!(
        parameter.get("in").and_then(Value::as_str),
        Some("body" | "formData")
    )
}

fn global_parameter<'a>(root: &'a Map<String, Value>, parameter: &Value) -> Option<&'a Value> {
    let name = parameter
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/parameters/")?;
    root.get("parameters")?.get(name)
}

fn operation(
    root: &Map<String, Value>,
    op: &Value,
    shared: &[&Value],
    consumes: &[String],
    produces: &[String],
) -> Value {
    let Some(op) = op.as_object() else {
        return op.clone();
    };
    let consumes = op
        .get("consumes")
        .map(|c| media_types(Some(c), &consumes[0]))
        .unwrap_or_else(|| consumes.to_vec());
    let produces = op
        .get("produces")
        .map(|p| media_types(Some(p), &produces[0]))
        .unwrap_or_else(|| produces.to_vec());
    let mut out = Map::new();
    let own = parameters_of(op);
    let mut plain = Vec::new();
    let mut body = None;
    let mut form: Vec<&Value> = Vec::new();
    // Shared body/form parameters apply too, unless the operation overrides.
    for parameter in shared.iter().copied().chain(own.iter().copied()) {
        let resolved = global_parameter(root, parameter);
        match resolved
            .unwrap_or(parameter)
            .get("in")
            .and_then(Value::as_str)
        {
            Some("body") => {
                body = Some(
                    match (resolved, parameter.get("$ref").and_then(Value::as_str)) {
                        (Some(_), Some(r)) => {
                            json!({"$ref": r.replace("#/parameters/", "#/components/requestBodies/")})
                        }
                        _ => body_parameter(parameter, &consumes),
                    },
                );
            }
            Some("formData") => form.push(resolved.unwrap_or(parameter)),
            _ if own.iter().any(|o| std::ptr::eq(*o, parameter)) => {
                plain.push(parameter_object(parameter))
            }
            _ => {}
        }
    }
    for (key, value) in op {
        match key.as_str() {
            "consumes" | "produces" | "schemes" => {}
            "parameters" => {
                if !plain.is_empty() {
                    out.insert(key.clone(), Value::Array(plain.clone()));
                }
            }
            "responses" => {
                let responses = value
                    .as_object()
                    .map(|r| {
                        r.iter()
                            .map(|(code, resp)| (code.clone(), response_object(resp, &produces)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(responses));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(body) = body {
        out.insert("requestBody".into(), body);
    } else if !form.is_empty() {
        out.insert("requestBody".into(), form_body(&form, &consumes));
    }
    Value::Object(out)
}

/// Points 2.0 references at their 3.0 homes, and turns `x-nullable` into
/// `nullable`.
fn rewrite_refs(node: &mut Value, root: &Map<String, Value>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                let body_like = target
                    .strip_prefix("#/parameters/")
                    .and_then(|name| root.get("parameters")?.get(name))
                    .is_some_and(|p| {
                        matches!(
                            p.get("in").and_then(Value::as_str),
                            Some("body" | "formData")
                        )
                    });
                *target = if let Some(rest) = target.strip_prefix("#/definitions/") {
                    format!("#/components/schemas/{rest}")
                } else if let Some(rest) = target.strip_prefix("#/parameters/") {
                    let section = if body_like {
                        "requestBodies"
                    } else {
                        "parameters"
                    };
                    format!("#/components/{section}/{rest}")
                } else if let Some(rest) = target.strip_prefix("#/responses/") {
                    format!("#/components/responses/{rest}")
                } else {
                    target.clone()
                };
            }
            if let Some(nullable) = map.remove("x-nullable") {
                map.insert("nullable".into(), nullable);
            }
            for child in map.values_mut() {
                rewrite_refs(child, root);
            }
        }
        Value::Array(items) => {
            for child in items {
                rewrite_refs(child, root);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests;
