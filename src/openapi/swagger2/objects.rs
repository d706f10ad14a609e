//! Converters of single Swagger 2.0 objects (parameters, bodies, responses,
//! security schemes) to their OpenAPI 3.0 form.

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

pub(super) fn parameter_object(parameter: &Value) -> Value {
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

pub(super) fn body_parameter(parameter: &Value, consumes: &[String]) -> Value {
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

pub(super) fn form_body(fields: &[&Value], consumes: &[String]) -> Value {
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

pub(super) fn response_object(response: &Value, produces: &[String]) -> Value {
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

pub(super) fn security_scheme(scheme: &Value) -> Value {
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
