//! Comparing two versions of a schema: types, enums, required properties and
//! the properties and items below, to a bounded depth. Internal `$ref`s are
//! followed; a pair of references already compared is not compared again, so
//! recursive schemas end.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::{capitalise, MAX_REF_HOPS};
use crate::openapi::changelog_model::Change;
use crate::openapi::refs;

/// How deep below a request body, response or parameter properties are compared.
const MAX_DEPTH: usize = 8;
/// Schemas compared per subject at most: bounds the work on huge documents.
const MAX_STEPS: usize = 2_000;
/// Schemas merged into one through `allOf` at most.
const MAX_MERGED: usize = 32;

/// Who writes the value: the client (a request) or the API (a response).
/// A request may accept more and a response may send less without breaking
/// clients; the opposite breaks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Request,
    Response,
}

pub(crate) struct SchemaDiff<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    direction: Direction,
    /// "the request body", "the query parameter `limit`".
    subject: &'a str,
    visited: HashSet<(&'a str, &'a str)>,
    steps: usize,
    changes: Vec<Change>,
}

impl<'a> SchemaDiff<'a> {
    /// The changes from schema `old` to schema `new` of one subject.
    pub(crate) fn run(
        old_root: &'a Value,
        new_root: &'a Value,
        direction: Direction,
        subject: &'a str,
        old: &'a Value,
        new: &'a Value,
    ) -> Vec<Change> {
        let mut diff = Self {
            old_root,
            new_root,
            direction,
            subject,
            visited: HashSet::new(),
            steps: 0,
            changes: Vec::new(),
        };
        diff.compare(old, new, "", 0);
        diff.changes
    }

    fn compare(&mut self, old: &'a Value, new: &'a Value, path: &str, depth: usize) {
        if depth > MAX_DEPTH || self.steps >= MAX_STEPS {
            return;
        }
        self.steps += 1;
        let (a, b) = (Shape::of(self.old_root, old), Shape::of(self.new_root, new));
        if (a.reference.is_some() || b.reference.is_some())
            && !self.visited.insert((
                a.reference.unwrap_or_default(),
                b.reference.unwrap_or_default(),
            ))
        {
            return;
        }
        let request = self.direction == Direction::Request;
        let known = !a.types.is_empty() && !b.types.is_empty();
        if known && a.types != b.types {
            let breaking = if request {
                !accepts_all(&b.types, &a.types)
            } else {
                !accepts_all(&a.types, &b.types)
            };
            self.push(
                breaking,
                format!(
                    "The type of {} changed from {} to {}.",
                    self.describe(path),
                    join_types(&a.types),
                    join_types(&b.types)
                ),
            );
        }
        let both = |t: &str| !known || (a.types.contains(t) && b.types.contains(t));
        self.compare_enums(&a, &b, path);
        if both("object") {
            self.compare_properties(&a, &b, path, depth);
        }
        if let (Some(x), Some(y)) = (a.items, b.items) {
            if both("array") {
                self.compare(x, y, &format!("{path}[]"), depth + 1);
            }
        }
    }

    fn compare_enums(&mut self, a: &Shape, b: &Shape, path: &str) {
        let request = self.direction == Direction::Request;
        let subject = self.describe(path);
        match (&a.enumeration, &b.enumeration) {
            (Some(before), Some(after)) => {
                let gone = missing_from(before, after);
                let new = missing_from(after, before);
                if !gone.is_empty() {
                    let text = if request {
                        format!("{subject} no longer accepts {gone}: calls that send it will be refused.")
                    } else {
                        format!("{subject} is no longer {gone}.")
                    };
                    self.push(request, capitalise(&text));
                }
                if !new.is_empty() {
                    let text = if request {
                        format!("{subject} now also accepts {new}.")
                    } else {
                        format!("{subject} may now also be {new}: handle values you do not know.")
                    };
                    self.push(false, capitalise(&text));
                }
            }
            (None, Some(after)) if request => {
                let only = missing_from(after, &[]);
                self.push(
                    true,
                    capitalise(&format!("{subject} now accepts only {only}.")),
                );
            }
            _ => {}
        }
    }

    fn compare_properties(&mut self, a: &Shape<'a>, b: &Shape<'a>, path: &str, depth: usize) {
        let request = self.direction == Direction::Request;
        let child = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        for (name, x) in &a.properties {
            let at = child(name);
            match b.property(name) {
                Some(y) => {
                    if request && b.required.contains(name) && !a.required.contains(name) {
                        let text = format!(
                            "{} is now required: calls without it will be refused.",
                            self.describe(&at)
                        );
                        self.push(true, capitalise(&text));
                    }
                    if !request && a.required.contains(name) && !b.required.contains(name) {
                        let text = format!(
                            "{} may now be absent: clients that rely on it may fail.",
                            self.describe(&at)
                        );
                        self.push(true, capitalise(&text));
                    }
                    self.compare(x, y, &at, depth + 1);
                }
                None if request => {
                    let text = format!("{} is no longer documented.", self.describe(&at));
                    self.push(false, capitalise(&text));
                }
                None => {
                    let text = format!(
                        "{} was removed: clients that read it will fail.",
                        self.describe(&at)
                    );
                    self.push(true, capitalise(&text));
                }
            }
        }
        for (name, _) in b.properties.iter().filter(|(n, _)| a.property(n).is_none()) {
            let described = self.describe(&child(name));
            if request && b.required.contains(name) {
                let text = format!(
                    "Added {}, which is required: calls without it will be refused.",
                    described.replacen("the property", "the required property", 1)
                );
                self.push(true, text);
            } else {
                self.push(false, format!("Added {described}."));
            }
        }
    }

    /// What a property path names, in words.
    fn describe(&self, path: &str) -> String {
        let subject = self.subject;
        if path.is_empty() {
            subject.to_owned()
        } else if path == "[]" {
            format!("the items of {subject}")
        } else if let Some(rest) = path.strip_prefix("[].") {
            format!("the property `{rest}` of each item of {subject}")
        } else {
            format!("the property `{path}` of {subject}")
        }
    }

    fn push(&mut self, breaking: bool, text: String) {
        self.changes.push(Change { breaking, text });
    }
}

/// Whether every type in `narrow` is one that `wide` accepts (an integer is
/// a number).
fn accepts_all(wide: &BTreeSet<&str>, narrow: &BTreeSet<&str>) -> bool {
    narrow
        .iter()
        .all(|t| wide.contains(t) || (*t == "integer" && wide.contains("number")))
}

fn join_types(types: &BTreeSet<&str>) -> String {
    types.iter().copied().collect::<Vec<_>>().join(" or ")
}

/// The values of `these` that `those` lacks, as "`a`, `b`".
fn missing_from(these: &[&Value], those: &[&Value]) -> String {
    these
        .iter()
        .filter(|v| !those.contains(v))
        .map(|v| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schema with its references followed and its `allOf` merged.
#[derive(Default)]
struct Shape<'a> {
    /// The reference the schema was reached through, if any.
    reference: Option<&'a str>,
    types: BTreeSet<&'a str>,
    properties: Vec<(&'a str, &'a Value)>,
    required: BTreeSet<&'a str>,
    items: Option<&'a Value>,
    enumeration: Option<Vec<&'a Value>>,
}

impl<'a> Shape<'a> {
    fn of(root: &'a Value, schema: &'a Value) -> Self {
        let mut shape = Shape {
            reference: schema.get("$ref").and_then(Value::as_str),
            ..Shape::default()
        };
        let mut budget = MAX_MERGED;
        shape.merge(root, schema, &mut budget, &mut HashSet::new());
        if shape.types.is_empty() && !shape.properties.is_empty() {
            shape.types.insert("object");
        }
        if shape.types.is_empty() && shape.items.is_some() {
            shape.types.insert("array");
        }
        shape
    }

    fn merge(
        &mut self,
        root: &'a Value,
        schema: &'a Value,
        budget: &mut usize,
        seen: &mut HashSet<&'a str>,
    ) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let mut node = schema;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                break;
            };
            // An external or dangling reference, or one met before: nothing
            // more to learn from it.
            let target = reference
                .strip_prefix('#')
                .and_then(|fragment| refs::resolve(root, fragment));
            match target {
                Some(target) if seen.insert(reference) => node = target,
                _ => return,
            }
        }
        match &node["type"] {
            Value::String(t) => {
                self.types.insert(t);
            }
            Value::Array(ts) => self.types.extend(ts.iter().filter_map(Value::as_str)),
            _ => {}
        }
        if node["nullable"].as_bool() == Some(true) && !self.types.is_empty() {
            self.types.insert("null");
        }
        if let (None, Some(values)) = (&self.enumeration, node["enum"].as_array()) {
            self.enumeration = Some(values.iter().collect());
        }
        for (name, property) in node["properties"].as_object().into_iter().flatten() {
            if self.property(name).is_none() {
                self.properties.push((name, property));
            }
        }
        self.required.extend(
            node["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        if self.items.is_none() && node["items"].is_object() {
            self.items = node.get("items");
        }
        for member in node["allOf"].as_array().into_iter().flatten() {
            self.merge(root, member, budget, seen);
        }
    }

    fn property(&self, name: &str) -> Option<&'a Value> {
        self.properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}
