//! Schemas as a reader sees them: a tree of shapes with their types,
//! constraints and children, built from a document's JSON with `$ref`s
//! followed.
//!
//! Real documents are large and recursive (GitHub's describes a repository
//! whose fields are repositories), so a page expands each named schema once,
//! at most [`MAX_NESTED_REFS`] named schemas deep and within a budget of
//! nodes; past that, and for every cycle, it links to the schema's own page.
//! Nothing here recurses without a bound.

use std::collections::HashSet;

use serde_json::Value;

use crate::openapi::refs;

mod describe;

use describe::{
    discriminator, enum_values, example_of, facts, flag, is_nullable, required_of, text,
};
pub use describe::{json_text, type_label_of};

/// How many named schemas may nest inside one another on a page before the
/// next is shown as a link.
pub const MAX_NESTED_REFS: usize = 3;
/// How many schema nodes a page expands before showing links only.
pub const NODE_BUDGET: usize = 1_000;
/// How deep inline (unnamed) schemas may nest before the rest is cut.
const MAX_DEPTH: usize = 24;

/// One schema, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// `string (date-time)`, `array of Pet`, `object`, `one of 2 types`.
    pub type_label: String,
    /// The component name when the schema is a named one.
    pub name: Option<String>,
    /// Set when the schema is not expanded here: the reader follows the link.
    pub link: Option<Link>,
    pub title: String,
    pub description: String,
    pub nullable: bool,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Constraints and facts, as label and value (`Maximum length`, `64`).
    pub facts: Vec<(String, String)>,
    /// Allowed values, as JSON text.
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    pub example: Option<String>,
    pub properties: Vec<Property>,
    /// What further keys of a map hold, when they are described.
    pub additional: Option<Box<Shape>>,
    /// What an array holds.
    pub items: Option<Box<Shape>>,
    /// Alternatives: `one of`, `any of`, or `all of` that could not merge.
    pub variants: Option<Variants>,
    /// Named schemas whose properties were merged in (`allOf`).
    pub includes: Vec<Link>,
    /// True when the rest was cut for depth.
    pub truncated: bool,
}

/// A link to a named schema's own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    /// Why it is a link: the reader learns that nothing is missing.
    pub reason: LinkReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkReason {
    /// It contains itself.
    Recursive,
    /// Shown in full earlier on this page, or nested too deep to expand.
    Elsewhere,
}

/// One property of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    pub required: bool,
    pub shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variants {
    /// `one of`, `any of` or `all of`.
    pub kind: &'static str,
    pub options: Vec<Shape>,
    /// The property that tells the options apart, and its mapping.
    pub discriminator: Option<(String, Vec<(String, String)>)>,
}

/// Builds shapes for one page, remembering what the page has expanded.
pub struct Builder<'a> {
    doc: &'a Value,
    expanded: HashSet<String>,
    stack: Vec<String>,
    nodes: usize,
}

impl<'a> Builder<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            expanded: HashSet::new(),
            stack: Vec::new(),
            nodes: 0,
        }
    }

    /// Follows `$ref`s (to any depth, cycles stopped) to the object they name.
    pub fn deref(&self, value: &'a Value) -> &'a Value {
        deref(self.doc, value).0
    }

    /// The shape of a schema, with named schemas expanded as the page's
    /// budget allows.
    pub fn shape(&mut self, schema: &'a Value) -> Shape {
        self.shape_at(schema, 0)
    }

    /// The full shape of a named schema, for its own page.
    pub fn named(&mut self, name: &str) -> Option<Shape> {
        let schema = self.doc.pointer(&format!(
            "/components/schemas/{}",
            crate::openapi::yaml::escape(name)
        ))?;
        self.expanded.insert(name.to_owned());
        self.stack.push(name.to_owned());
        let mut shape = self.inline(schema, 0);
        self.stack.pop();
        shape.name = Some(name.to_owned());
        Some(shape)
    }

    fn shape_at(&mut self, schema: &'a Value, depth: usize) -> Shape {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return self.inline(schema, depth);
        };
        let (target, name) = deref(self.doc, schema);
        let Some(name) = name else {
            if std::ptr::eq(target, schema) {
                return Shape {
                    type_label: format!("unresolved reference {reference}"),
                    ..Shape::default()
                };
            }
            return self.inline(target, depth + 1);
        };
        let type_label = type_label_of(self.doc, target);
        let link = |reason| Shape {
            type_label: type_label.clone(),
            name: Some(name.clone()),
            link: Some(Link {
                name: name.clone(),
                reason,
            }),
            description: text(schema, "description"),
            nullable: is_nullable(target),
            ..Shape::default()
        };
        if self.stack.contains(&name) {
            return link(LinkReason::Recursive);
        }
        if self.expanded.contains(&name)
            || self.stack.len() >= MAX_NESTED_REFS
            || self.nodes >= NODE_BUDGET
        {
            return link(LinkReason::Elsewhere);
        }
        self.expanded.insert(name.clone());
        self.stack.push(name.clone());
        let mut shape = self.inline(target, depth + 1);
        self.stack.pop();
        shape.name = Some(name);
        // OpenAPI 3.1 lets a reference carry its own description.
        if let Some(own) = schema.get("description").and_then(Value::as_str) {
            shape.description = own.trim().to_owned();
        }
        shape
    }

    fn inline(&mut self, schema: &'a Value, depth: usize) -> Shape {
        self.nodes += 1;
        let mut shape = Shape {
            type_label: type_label_of(self.doc, schema),
            title: text(schema, "title"),
            description: text(schema, "description"),
            nullable: is_nullable(schema),
            deprecated: flag(schema, "deprecated"),
            read_only: flag(schema, "readOnly"),
            write_only: flag(schema, "writeOnly"),
            facts: facts(schema),
            enum_values: enum_values(schema),
            default: schema.get("default").map(json_text),
            example: example_of(schema),
            ..Shape::default()
        };
        let Some(object) = schema.as_object() else {
            return shape;
        };
        // Inline schemas count against the page's budget too: past it, a
        // schema shows its own line and stops.
        if depth >= MAX_DEPTH || self.nodes > NODE_BUDGET {
            shape.truncated = true;
            return shape;
        }
        if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
            if let Some((properties, required, includes)) = self.mergeable(parts) {
                shape.includes = includes;
                self.properties(&mut shape, &properties, &required, depth);
            } else {
                shape.variants = Some(self.variants("all of", parts, None, depth));
            }
        }
        for (key, kind) in [("oneOf", "one of"), ("anyOf", "any of")] {
            if let Some(options) = object.get(key).and_then(Value::as_array) {
                let discriminator = object.get("discriminator").map(discriminator);
                shape.variants = Some(self.variants(kind, options, discriminator, depth));
            }
        }
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            let props: Vec<(&'a str, &'a Value)> =
                properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
            let required = required_of(schema);
            self.properties(&mut shape, &props, &required, depth);
        }
        match object.get("additionalProperties") {
            Some(Value::Object(map)) if !map.is_empty() => {
                shape.additional = Some(Box::new(
                    self.shape_at(&object["additionalProperties"], depth + 1),
                ));
            }
            Some(Value::Bool(false)) => shape
                .facts
                .push(("Other properties".into(), "not allowed".into())),
            _ => {}
        }
        if let Some(items) = object.get("items").filter(|i| i.is_object()) {
            shape.items = Some(Box::new(self.shape_at(items, depth + 1)));
        }
        shape
    }

    fn properties(
        &mut self,
        shape: &mut Shape,
        properties: &[(&'a str, &'a Value)],
        required: &HashSet<&'a str>,
        depth: usize,
    ) {
        for (name, schema) in properties {
            if shape.properties.iter().any(|p| p.name == *name) {
                continue;
            }
            let property = Property {
                name: (*name).to_owned(),
                required: required.contains(name),
                shape: self.shape_at(schema, depth + 1),
            };
            shape.properties.push(property);
        }
    }

    fn variants(
        &mut self,
        kind: &'static str,
        options: &'a [Value],
        discriminator: Option<(String, Vec<(String, String)>)>,
        depth: usize,
    ) -> Variants {
        Variants {
            kind,
            options: options
                .iter()
                .map(|o| self.shape_at(o, depth + 1))
                .collect(),
            discriminator,
        }
    }

    /// `allOf` whose parts are all objects merges into one object: the
    /// common way to extend a base schema. Parts that are named schemas
    /// being expanded above are not merged (that would loop).
    #[allow(clippy::type_complexity)]
    fn mergeable(
        &self,
        parts: &'a [Value],
    ) -> Option<(Vec<(&'a str, &'a Value)>, HashSet<&'a str>, Vec<Link>)> {
        let mut properties = Vec::new();
        let mut required = HashSet::new();
        let mut includes = Vec::new();
        for part in parts {
            let (target, name) = deref(self.doc, part);
            if let Some(name) = &name {
                if self.stack.contains(name) {
                    return None;
                }
            }
            let object = target.as_object()?;
            let is_object = object.contains_key("properties")
                || object.get("type").and_then(Value::as_str) == Some("object")
                || (object.keys().all(|k| {
                    matches!(
                        k.as_str(),
                        "required" | "description" | "title" | "example" | "nullable"
                    )
                }));
            if !is_object || object.contains_key("allOf") || object.contains_key("oneOf") {
                return None;
            }
            if let Some(props) = object.get("properties").and_then(Value::as_object) {
                properties.extend(props.iter().map(|(k, v)| (k.as_str(), v)));
            }
            required.extend(required_of(target));
            if let Some(name) = name {
                includes.push(Link {
                    name,
                    reason: LinkReason::Elsewhere,
                });
            }
        }
        Some((properties, required, includes))
    }
}

/// Follows `$ref` chains: the object they end at, and the name of the last
/// schema component on the way. Stops at 32 hops (a cycle of references).
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> (&'a Value, Option<String>) {
    let mut node = value;
    let mut name = None;
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return (node, name);
        };
        let Some(target) = reference
            .strip_prefix('#')
            .and_then(|fragment| refs::resolve(doc, fragment))
        else {
            return (node, name);
        };
        if let Some(schema) = reference.strip_prefix("#/components/schemas/") {
            name = Some(schema.replace("~1", "/").replace("~0", "~"));
        }
        node = target;
    }
    (node, name)
}

#[cfg(test)]
mod tests;
