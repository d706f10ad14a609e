//! Swagger 2.0 to OpenAPI 3.0.3, so that one reader serves every document.
//!
//! Follows the mapping the OpenAPI Initiative describes between the two:
//! `definitions` and friends move under `components`, body and form
//! parameters become request bodies, `produces`/`consumes` become media
//! types, and parameter type fields move into a `schema`.

use serde_json::{json, Map, Value};

const PARAM_SCHEMA_FIELDS: [&str; 16] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

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
    let shared: Vec<&Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
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
    let own: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
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

fn parameter_object(parameter: &Value) -> Value {
    let Some(p) = parameter.as_object() else {
        return parameter.clone();
    };
    if p.contains_key("$ref") {
        return parameter.clone();
    }
    let mut out = Map::new();
    let mut schema = Map::new();
    for (key, value) in p {
        if PARAM_SCHEMA_FIELDS.contains(&key.as_str()) {
            schema.insert(key.clone(), value.clone());
        } else if key == "collectionFormat" {
            let (style, explode) = match value.as_str() {
                Some("ssv") => ("spaceDelimited", false),
                Some("pipes") => ("pipeDelimited", false),
                Some("multi") => ("form", true),
                _ => ("form", false),
            };
            if p.get("in").and_then(Value::as_str) == Some("query") {
                out.insert("style".into(), json!(style));
                out.insert("explode".into(), json!(explode));
            }
        } else if key == "x-example" {
            out.insert("example".into(), value.clone());
        } else if key != "allowEmptyValue" || p.get("in").and_then(Value::as_str) == Some("query") {
            out.insert(key.clone(), value.clone());
        }
    }
    if let Some(Value::String(t)) = schema.get("type") {
        if t == "file" {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
    }
    if !schema.is_empty() {
        out.insert("schema".into(), Value::Object(schema));
    }
    Value::Object(out)
}

fn body_parameter(parameter: &Value, consumes: &[String]) -> Value {
    let schema = parameter
        .get("schema")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let content: Map<String, Value> = consumes
        .iter()
        .map(|m| (m.clone(), json!({"schema": schema})))
        .collect();
    let mut out = Map::new();
    if let Some(description) = parameter.get("description") {
        out.insert("description".into(), description.clone());
    }
    out.insert("content".into(), Value::Object(content));
    if parameter.get("required") == Some(&Value::Bool(true)) {
        out.insert("required".into(), json!(true));
    }
    Value::Object(out)
}

fn form_body(fields: &[&Value], consumes: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            continue;
        };
        let schema = parameter_object(field)
            .get("schema")
            .cloned()
            .unwrap_or_else(|| json!({}));
        let mut schema = schema;
        if let (Some(description), Some(map)) = (field.get("description"), schema.as_object_mut()) {
            map.insert("description".into(), description.clone());
        }
        properties.insert(name.to_owned(), schema);
        if field.get("required") == Some(&Value::Bool(true)) {
            required.push(json!(name));
        }
    }
    let mut schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    let form_types: Vec<&String> = consumes
        .iter()
        .filter(|m| *m == "multipart/form-data" || *m == "application/x-www-form-urlencoded")
        .collect();
    let media: Vec<String> = if form_types.is_empty() {
        vec!["application/x-www-form-urlencoded".into()]
    } else {
        form_types.into_iter().cloned().collect()
    };
    let content: Map<String, Value> = media
        .into_iter()
        .map(|m| (m, json!({"schema": schema})))
        .collect();
    json!({"content": content})
}

fn response_object(response: &Value, produces: &[String]) -> Value {
    let Some(r) = response.as_object() else {
        return response.clone();
    };
    if r.contains_key("$ref") {
        return response.clone();
    }
    let mut out = Map::new();
    out.insert(
        "description".into(),
        r.get("description").cloned().unwrap_or_else(|| json!("")),
    );
    if let Some(schema) = r.get("schema") {
        let examples = r.get("examples").and_then(Value::as_object);
        let content: Map<String, Value> = produces
            .iter()
            .map(|m| {
                let mut media = json!({"schema": schema});
                if let Some(example) = examples.and_then(|e| e.get(m)) {
                    media["example"] = example.clone();
                }
                (m.clone(), media)
            })
            .collect();
        out.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = r.get("headers") {
        let converted: Map<String, Value> = headers
            .iter()
            .map(|(name, h)| {
                let mut header = parameter_object(h);
                if let Some(map) = header.as_object_mut() {
                    map.remove("name");
                    map.remove("in");
                }
                (name.clone(), header)
            })
            .collect();
        out.insert("headers".into(), Value::Object(converted));
    }
    for (key, value) in r {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

fn security_scheme(scheme: &Value) -> Value {
    let Some(s) = scheme.as_object() else {
        return scheme.clone();
    };
    let description = s.get("description").cloned();
    let mut out = match s.get("type").and_then(Value::as_str) {
        Some("basic") => json!({"type": "http", "scheme": "basic"}),
        Some("apiKey") => json!({"type": "apiKey", "name": s.get("name"), "in": s.get("in")}),
        Some("oauth2") => {
            let scopes = s.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let (flow, fields): (&str, &[&str]) = match s.get("flow").and_then(Value::as_str) {
                Some("implicit") => ("implicit", &["authorizationUrl"]),
                Some("password") => ("password", &["tokenUrl"]),
                Some("application") => ("clientCredentials", &["tokenUrl"]),
                _ => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
            };
            let mut flow_object = json!({"scopes": scopes});
            for field in fields {
                flow_object[*field] = s.get(*field).cloned().unwrap_or_else(|| json!(""));
            }
            json!({"type": "oauth2", "flows": {flow: flow_object}})
        }
        _ => scheme.clone(),
    };
    if let (Some(description), Some(map)) = (description, out.as_object_mut()) {
        map.insert("description".into(), description);
    }
    out
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
mod tests {
    use super::*;

    #[test]
    fn converts_the_parts_that_moved() {
        let doc = json!({
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1"},
            "host": "pets.example", "basePath": "/v1", "schemes": ["https"],
            "produces": ["application/json"],
            "securityDefinitions": {"key": {"type": "apiKey", "name": "api_key", "in": "header"}},
            "definitions": {"Pet": {"type": "object", "properties": {"tag": {"type": "string", "x-nullable": true}}}},
            "paths": {"/pets": {
                "get": {"parameters": [{"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"}],
                        "responses": {"200": {"description": "OK", "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}},
                "post": {"consumes": ["application/json"],
                         "parameters": [{"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}],
                         "responses": {"201": {"description": "Created"}}}
            }}
        });
        let out = convert(&doc);
        assert_eq!(out["openapi"], "3.0.3");
        assert_eq!(out["servers"], json!([{"url": "https://pets.example/v1"}]));
        assert_eq!(
            out["components"]["schemas"]["Pet"]["properties"]["tag"]["nullable"],
            true
        );
        assert_eq!(
            out["components"]["securitySchemes"]["key"],
            json!({"type": "apiKey", "name": "api_key", "in": "header"})
        );
        let get = &out["paths"]["/pets"]["get"];
        assert_eq!(
            get["parameters"][0]["schema"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(get["parameters"][0]["style"], "form");
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
            "#/components/schemas/Pet"
        );
        let post = &out["paths"]["/pets"]["post"];
        assert!(post.get("parameters").is_none());
        assert_eq!(post["requestBody"]["required"], true);
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
    }

    #[test]
    fn form_parameters_become_a_form_body() {
        let doc = json!({
            "swagger": "2.0", "info": {"title": "T", "version": "1"},
            "paths": {"/upload": {"post": {
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": true},
                    {"name": "note", "in": "formData", "type": "string"}
                ],
                "responses": {"200": {"description": "OK"}}
            }}}
        });
        let out = convert(&doc);
        let schema = &out["paths"]["/upload"]["post"]["requestBody"]["content"]
            ["multipart/form-data"]["schema"];
        assert_eq!(
            schema["properties"]["file"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(schema["required"], json!(["file"]));
    }
}
