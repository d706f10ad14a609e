//! `$ref`s: every reference must point inside the document. Portico never
//! fetches a URL named in a document (no server-side request forgery), and
//! references to other files must be bundled into one document first
//! ([`super::bundle`] does so for documents imported from a file).

use serde_json::Value;

use super::model::Finding;
use super::yaml::escape;

/// Looks up a JSON pointer fragment (`#/components/schemas/Pet`, already
/// without the `#`), decoding `%xx` and `~0`/`~1` as RFC 6901 and 3986 say.
pub fn resolve<'a>(root: &'a Value, fragment: &str) -> Option<&'a Value> {
    if fragment.is_empty() {
        return Some(root);
    }
    let decoded = percent_decode(fragment)?;
    let mut node = root;
    for token in decoded.strip_prefix('/')?.split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        node = match node {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Decodes `%xx` escapes; `None` when one is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks every `$ref` in the document; returns one finding per bad one.
pub fn check(root: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    walk(root, root, &mut String::new(), &mut findings);
    findings
}

fn walk(root: &Value, node: &Value, pointer: &mut String, findings: &mut Vec<Finding>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                check_one(root, target, &format!("{pointer}/$ref"), findings);
            }
            for (key, child) in map {
                // Examples and extensions are data, not schema: a `$ref` key
                // inside them is not a reference. (`examples` as a map holds
                // Example Objects, which may be references; as a list it holds
                // plain values.)
                if key == "example"
                    || key.starts_with("x-")
                    || (key == "examples" && child.is_array())
                {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(key));
                walk(root, child, pointer, findings);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk(root, child, pointer, findings);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn check_one(root: &Value, target: &str, at: &str, findings: &mut Vec<Finding>) {
    if let Some(fragment) = target.strip_prefix('#') {
        if resolve(root, fragment).is_none() {
            findings.push(Finding::at(
                at,
                format!("`{target}` points at nothing in this document: check the name, or add what it names"),
            ));
        }
    } else if target.contains("://") {
        findings.push(Finding::at(
            at,
            format!("`{target}` is a URL: Portico never fetches URLs named inside a document; bundle what it points at into this document"),
        ));
    } else {
        findings.push(Finding::at(
            at,
            format!("`{target}` refers to another file: Portico reads files beside a document only when it imports the document from a file (`portico import ... path/to/openapi.yaml`); otherwise bundle it into one file first (for example with `redocly bundle`)"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_escaped_and_percent_encoded_pointers() {
        let doc = json!({"paths": {"/pets/{id}": {"get": {"ok": 1}}}, "a": [10, 20]});
        assert_eq!(
            resolve(&doc, "/paths/~1pets~1%7Bid%7D/get/ok"),
            Some(&json!(1))
        );
        assert_eq!(resolve(&doc, "/a/1"), Some(&json!(20)));
        assert_eq!(resolve(&doc, "/a/2"), None);
        assert_eq!(resolve(&doc, "nope"), None);
    }

    #[test]
    fn reports_dangling_url_and_file_references() {
        let doc = json!({
            "components": {"schemas": {
                "Pet": {"properties": {"owner": {"$ref": "#/components/schemas/Owner"}}},
                "Tree": {"properties": {"child": {"$ref": "#/components/schemas/Tree"}}},
                "Remote": {"$ref": "https://example.com/schemas.json#/Pet"},
                "Split": {"$ref": "common.yaml#/Pet"}
            }},
            "x-ignored": {"$ref": "#/nowhere"}
        });
        let findings = check(&doc);
        let pointers: Vec<&str> = findings.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/Pet/properties/owner/$ref",
                "/components/schemas/Remote/$ref",
                "/components/schemas/Split/$ref"
            ]
        );
        assert!(findings[1].message.contains("never fetches URLs"));
        assert!(findings[2].message.contains("bundle"));
    }
}
