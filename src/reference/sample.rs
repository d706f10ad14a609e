//! Sample values and code: what a developer copies to make a first call.
//! Values come from the document's own examples where it has them, and are
//! made up from the schema only where it has none.

use serde_json::{json, Map, Value};

use super::schema::deref;

/// A value that fits a schema: its example, default, first enum value, or
/// one made from its type. Bounded: cycles and deep nesting end in `null`.
pub fn value_for(doc: &Value, schema: &Value) -> Value {
    sample(doc, schema, 0)
}

fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let (schema, _) = deref(doc, schema);
    if depth > 6 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for key in ["default", "const"] {
        if let Some(value) = schema.get(key) {
            return value.clone();
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|o| o.first())
        {
            return sample(doc, first, depth + 1);
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match sample(doc, part, depth + 1) {
                Value::Object(map) => merged.extend(map),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        return Value::Object(merged);
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ if schema.get("items").is_some() => "array",
        _ => "",
    };
    match kind {
        "object" => {
            let mut map = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties.iter().take(40) {
                    let (target, _) = deref(doc, property);
                    if target.get("readOnly").and_then(Value::as_bool) == Some(true) {
                        continue;
                    }
                    map.insert(name.clone(), sample(doc, property, depth + 1));
                }
            }
            Value::Object(map)
        }
        "array" => match schema.get("items") {
            Some(items) => match sample(doc, items, depth + 1) {
                Value::Null => json!([]),
                item => json!([item]),
            },
            None => json!([]),
        },
        "string" => Value::String(string_for(schema)),
        "integer" => json!(number_for(schema) as i64),
        "number" => json!(number_for(schema)),
        "boolean" => Value::Bool(true),
        _ => Value::Null,
    }
}

fn string_for(schema: &Value) -> String {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-31T09:30:00Z".into(),
        Some("date") => "2026-01-31".into(),
        Some("time") => "09:30:00".into(),
        Some("email") => "name@example.gov".into(),
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6".into(),
        Some("uri") | Some("url") => "https://example.gov/".into(),
        Some("ipv4") => "192.0.2.1".into(),
        Some("byte") => "aGVsbG8=".into(),
        _ => "string".into(),
    }
}

fn number_for(schema: &Value) -> f64 {
    schema
        .get("minimum")
        .and_then(Value::as_f64)
        .unwrap_or(1.0)
        .max(
            schema
                .get("exclusiveMinimum")
                .and_then(Value::as_f64)
                .map_or(f64::MIN, |m| m + 1.0),
        )
}

/// One request, as the code samples and the console send it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Call {
    pub method: String,
    /// The full URL through the gateway, query included.
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// A JSON body, if the operation takes one.
    pub json_body: Option<Value>,
    /// A body of another media type, as text, with its media type.
    pub text_body: Option<(String, String)>,
}

/// `curl`, wrapped at each option so it reads well and pastes anywhere.
pub fn curl(call: &Call) -> String {
    let mut out = String::from("curl");
    if call.method != "GET" {
        out.push_str(&format!(" -X {}", call.method));
    }
    out.push_str(&format!(" {}", shell_quote(&call.url)));
    for (name, value) in &call.headers {
        out.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {value}"))
        ));
    }
    if let Some(body) = &call.json_body {
        out.push_str(" \\\n  -H 'content-type: application/json'");
        out.push_str(&format!(" \\\n  --data {}", shell_quote(&pretty(body))));
    } else if let Some((media, body)) = &call.text_body {
        out.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("content-type: {media}"))
        ));
        out.push_str(&format!(" \\\n  --data {}", shell_quote(body)));
    }
    out
}

/// Python with `requests`.
pub fn python(call: &Call) -> String {
    let mut out = String::from("import requests\n\n");
    out.push_str(&format!(
        "response = requests.request(\n    {},\n    {},\n",
        python_literal(&json!(call.method), 1),
        python_literal(&json!(call.url), 1)
    ));
    let mut headers = Map::new();
    for (name, value) in &call.headers {
        headers.insert(name.clone(), json!(value));
    }
    if let Some((media, _)) = &call.text_body {
        headers.insert("content-type".into(), json!(media));
    }
    if !headers.is_empty() {
        out.push_str(&format!(
            "    headers={},\n",
            python_literal(&Value::Object(headers), 1)
        ));
    }
    if let Some(body) = &call.json_body {
        out.push_str(&format!("    json={},\n", python_literal(body, 1)));
    } else if let Some((_, body)) = &call.text_body {
        out.push_str(&format!("    data={},\n", python_literal(&json!(body), 1)));
    }
    out.push_str("    timeout=30,\n)\nresponse.raise_for_status()\nprint(response.text)\n");
    out
}

/// JavaScript with `fetch`, for Node 18+ and browsers.
pub fn javascript(call: &Call) -> String {
    let mut options = Map::new();
    options.insert("method".into(), json!(call.method));
    let mut headers = Map::new();
    for (name, value) in &call.headers {
        headers.insert(name.clone(), json!(value));
    }
    if call.json_body.is_some() {
        headers.insert("content-type".into(), json!("application/json"));
    } else if let Some((media, _)) = &call.text_body {
        headers.insert("content-type".into(), json!(media));
    }
    if !headers.is_empty() {
        options.insert("headers".into(), Value::Object(headers));
    }
    let options = pretty(&Value::Object(options));
    let body = match (&call.json_body, &call.text_body) {
        (Some(body), _) => format!(",\n  body: JSON.stringify({})", indent(&pretty(body), "  ")),
        (None, Some((_, text))) => format!(",\n  body: {}", json!(text)),
        _ => String::new(),
    };
    let options = match options.strip_suffix("\n}") {
        Some(open) => format!("{open}{body}\n}}"),
        None => options,
    };
    format!(
        "const response = await fetch({}, {options});\nif (!response.ok) throw new Error(`HTTP ${{response.status}}`);\nconsole.log(await response.text());\n",
        json!(call.url)
    )
}

pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn indent(text: &str, prefix: &str) -> String {
    text.replace('\n', &format!("\n{prefix}"))
}

/// Single quotes for POSIX shells: nothing inside is expanded.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A JSON value as a Python literal (`true` is `True`, `null` is `None`).
fn python_literal(value: &Value, level: usize) -> String {
    let pad = "    ".repeat(level + 1);
    let close = "    ".repeat(level);
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        // JSON string escapes are valid Python string escapes.
        Value::String(s) => json!(s).to_string(),
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => {
            let inner: Vec<String> = items
                .iter()
                .map(|v| format!("{pad}{}", python_literal(v, level + 1)))
                .collect();
            format!("[\n{},\n{close}]", inner.join(",\n"))
        }
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{pad}{}: {}", json!(k), python_literal(v, level + 1)))
                .collect();
            format!("{{\n{},\n{close}}}", inner.join(",\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_prefer_the_documents_examples() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "example": "Rex"},
                "born": {"type": "string", "format": "date"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                "parent": {"$ref": "#/components/schemas/Pet"}
            }}
        }}});
        let value = value_for(&doc, &json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(value["name"], "Rex");
        assert_eq!(value["born"], "2026-01-31");
        assert_eq!(value["tags"], json!(["a"]));
        assert!(value.get("id").is_none(), "read-only fields are not sent");
        // The cycle ends.
        assert!(value["parent"]["parent"].is_object());
    }

    #[test]
    fn code_samples_quote_what_they_carry() {
        let call = Call {
            method: "POST".into(),
            url: "http://127.0.0.1:8080/a/b/pets?q=it's".into(),
            headers: vec![("x-api-key".into(), "YOUR_API_KEY".into())],
            json_body: Some(json!({"name": "O'Brien", "ok": true, "none": null})),
            text_body: None,
        };
        let curl = curl(&call);
        assert!(
            curl.starts_with("curl -X POST 'http://127.0.0.1:8080/a/b/pets?q=it'\\''s'"),
            "{curl}"
        );
        assert!(curl.contains("-H 'x-api-key: YOUR_API_KEY'"), "{curl}");
        assert!(curl.contains("\"name\": \"O'\\''Brien\""), "{curl}");
        let python = python(&call);
        assert!(python.contains("\"ok\": True"), "{python}");
        assert!(python.contains("\"none\": None"), "{python}");
        let js = javascript(&call);
        assert!(js.contains("\"method\": \"POST\""), "{js}");
        assert!(js.contains("body: JSON.stringify({"), "{js}");
        assert!(
            js.trim_end()
                .ends_with("console.log(await response.text());"),
            "{js}"
        );
    }
}
