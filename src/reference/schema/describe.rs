//! What a schema says of itself: its type as a reader names it, its
//! constraints, allowed values and examples.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::deref;

pub(super) fn text(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub(super) fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn required_of(schema: &Value) -> HashSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `nullable: true` (3.0) or `null` among the types (3.1).
pub(super) fn is_nullable(schema: &Value) -> bool {
    flag(schema, "nullable")
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t == "null"))
}

/// The declared types without `null`.
fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

/// What a reader sees as the type: `string (date-time)`, `array of Pet`.
pub fn type_label_of(doc: &Value, schema: &Value) -> String {
    type_label(doc, schema, 0)
}

fn type_label(doc: &Value, schema: &Value, depth: usize) -> String {
    if let Some(b) = schema.as_bool() {
        return if b { "any value" } else { "no value" }.into();
    }
    let (target, name) = deref(doc, schema);
    if let Some(name) = name {
        if depth > 0 {
            return name;
        }
    }
    let schema = target;
    let types = types_of(schema);
    let format = schema.get("format").and_then(Value::as_str);
    let label = match types.as_slice() {
        ["array"] if depth < 4 => match schema.get("items") {
            Some(items) => format!("array of {}", type_label(doc, items, depth + 1)),
            None => "array".into(),
        },
        [single] => single.to_string(),
        [] if schema.get("properties").is_some() => "object".into(),
        [] if schema.get("items").is_some() => "array".into(),
        [] => match variant_kind(schema) {
            Some((kind, n)) => format!("{kind} {n} types"),
            None if schema.get("enum").is_some() => "enum".into(),
            None if schema.get("const").is_some() => "constant".into(),
            None => "any".into(),
        },
        many => many.join(" or "),
    };
    match format {
        Some(format) if !label.contains('(') => format!("{label} ({format})"),
        _ => label,
    }
}

fn variant_kind(schema: &Value) -> Option<(&'static str, usize)> {
    for (key, kind) in [
        ("oneOf", "one of"),
        ("anyOf", "any of"),
        ("allOf", "all of"),
    ] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            return Some((kind, options.len()));
        }
    }
    None
}

/// Constraints worth a reader's attention, in the words of a form.
pub(super) fn facts(schema: &Value) -> Vec<(String, String)> {
    let Some(object) = schema.as_object() else {
        return Vec::new();
    };
    let mut facts = Vec::new();
    let number = |key: &str| object.get(key).filter(|v| v.is_number()).map(json_text);
    let mut push = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            facts.push((label.to_owned(), value));
        }
    };
    // 3.0 says `exclusiveMinimum: true` beside `minimum`; 3.1 gives the bound.
    let exclusive = |key: &str| matches!(object.get(key), Some(Value::Bool(true)));
    if exclusive("exclusiveMinimum") {
        push("Greater than", number("minimum"));
    } else {
        push("Minimum", number("minimum"));
        push("Greater than", number("exclusiveMinimum"));
    }
    if exclusive("exclusiveMaximum") {
        push("Less than", number("maximum"));
    } else {
        push("Maximum", number("maximum"));
        push("Less than", number("exclusiveMaximum"));
    }
    push("Multiple of", number("multipleOf"));
    push("Minimum length", number("minLength"));
    push("Maximum length", number("maxLength"));
    push(
        "Pattern",
        object
            .get("pattern")
            .and_then(Value::as_str)
            .map(str::to_owned),
    );
    push("Minimum items", number("minItems"));
    push("Maximum items", number("maxItems"));
    if flag(schema, "uniqueItems") {
        push("Items", Some("unique".into()));
    }
    push("Minimum properties", number("minProperties"));
    push("Maximum properties", number("maxProperties"));
    push("Constant", object.get("const").map(json_text));
    push(
        "Media type",
        object
            .get("contentMediaType")
            .and_then(Value::as_str)
            .map(str::to_owned),
    );
    facts
}

pub(super) fn enum_values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .take(100)
        .map(json_text)
        .collect()
}

/// A schema's own example: `example` (3.0) or the first of `examples` (3.1).
pub(super) fn example_of(schema: &Value) -> Option<String> {
    schema
        .get("example")
        .or_else(|| {
            schema
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
        })
        .map(json_text)
}

/// JSON as a reader would write it: strings bare, the rest as JSON.
pub fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn discriminator(value: &Value) -> (String, Vec<(String, String)>) {
    let property = text(value, "propertyName");
    let mapping = value
        .get("mapping")
        .and_then(Value::as_object)
        .map(Map::iter)
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let target = v.as_str().unwrap_or_default();
            let name = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or(target);
            (k.clone(), name.to_owned())
        })
        .collect();
    (property, mapping)
}
