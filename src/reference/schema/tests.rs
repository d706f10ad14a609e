//! Shapes of small schemas: cycles, merges, budgets and depth.

use serde_json::json;

use super::*;

fn doc() -> Value {
    json!({
        "components": {"schemas": {
            "Node": {"type": "object", "properties": {
                "value": {"type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true},
                "next": {"$ref": "#/components/schemas/Node"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }, "required": ["value"]},
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"purrs": {"type": ["boolean", "null"]}}}]},
            "Dog": {"type": "object", "properties": {"barks": {"type": "boolean"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"}
        }}
    })
}

#[test]
fn cycles_become_links_not_endless_trees() {
    let doc = doc();
    let shape = Builder::new(&doc).named("Node").unwrap();
    assert_eq!(shape.type_label, "object");
    let next = &shape.properties[1];
    assert_eq!(next.name, "next");
    assert_eq!(
        next.shape.link,
        Some(Link {
            name: "Node".into(),
            reason: LinkReason::Recursive
        })
    );
    let children = &shape.properties[2].shape;
    assert_eq!(children.type_label, "array of Node");
    assert_eq!(
        children
            .items
            .as_ref()
            .unwrap()
            .link
            .as_ref()
            .unwrap()
            .reason,
        LinkReason::Recursive
    );
    let value = &shape.properties[0];
    assert!(value.required);
    assert_eq!(value.shape.type_label, "integer (int32)");
    assert_eq!(
        value.shape.facts,
        [("Greater than".to_owned(), "0".to_owned())]
    );
    // References that only point at each other end, with a label.
    let a = json!({"$ref": "#/components/schemas/A"});
    let shape = Builder::new(&doc).shape(&a);
    assert!(shape.name.is_some());
}

#[test]
fn all_of_merges_and_one_of_lists_options() {
    let doc = doc();
    let pet = Builder::new(&doc).named("Pet").unwrap();
    let variants = pet.variants.unwrap();
    assert_eq!(variants.kind, "one of");
    assert_eq!(
        variants.discriminator,
        Some(("kind".into(), vec![("cat".into(), "Cat".into())]))
    );
    let cat = &variants.options[0];
    assert_eq!(cat.name.as_deref(), Some("Cat"));
    let names: Vec<(&str, bool)> = cat
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.required))
        .collect();
    assert_eq!(names, [("id", true), ("purrs", false)]);
    assert!(cat.properties[1].shape.nullable);
    assert_eq!(cat.properties[1].shape.type_label, "boolean");
    assert_eq!(cat.includes[0].name, "Base");
}

#[test]
fn a_page_expands_each_named_schema_once() {
    let doc = doc();
    let body = json!({"type": "object", "properties": {
        "first": {"$ref": "#/components/schemas/Dog"},
        "second": {"$ref": "#/components/schemas/Dog"}
    }});
    let shape = Builder::new(&doc).shape(&body);
    assert!(shape.properties[0].shape.link.is_none());
    assert_eq!(shape.properties[0].shape.properties[0].name, "barks");
    assert_eq!(
        shape.properties[1].shape.link.as_ref().unwrap().reason,
        LinkReason::Elsewhere
    );
}

#[test]
fn deep_inline_schemas_are_cut() {
    let mut schema = json!({"type": "string"});
    for _ in 0..100 {
        schema = json!({"type": "object", "properties": {"inner": schema}});
    }
    let doc = json!({});
    let mut shape = &Builder::new(&doc).shape(&schema);
    let mut depth = 0;
    while let Some(p) = shape.properties.first() {
        shape = &p.shape;
        depth += 1;
    }
    assert!(shape.truncated);
    assert!(depth <= MAX_DEPTH);
}
