//! What changed between two versions of an OpenAPI 3.x document: operations
//! added, removed and changed, each change a sentence flagged breaking when a
//! client written for the old version may fail with the new one.
//!
//! Operations are matched by method and path, path parameters by position
//! (renaming `{id}` to `{petId}` changes nothing on the wire). Descriptions
//! and summaries are not compared: they change no request or response.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::changelog_model::{Change, Changelog, OperationChange};
use super::operations::{Index, Operation};
use super::refs;

mod bodies;
mod schema;
#[cfg(test)]
mod tests;

use bodies::{compare_request_body, compare_responses};
use schema::{Direction, SchemaDiff};

/// How many `$ref`s in a row are followed before giving up on a chain.
const MAX_REF_HOPS: usize = 16;

/// The changes from `old` to `new`.
pub fn diff(old: &Value, new: &Value) -> Changelog {
    let (old_index, new_index) = (Index::of(old), Index::of(new));
    let key = |op: &Operation| (op.method.clone(), path_shape(&op.path));
    let before: HashMap<_, &Operation> = old_index
        .operations
        .iter()
        .map(|op| (key(op), op))
        .collect();
    let after: HashSet<_> = new_index.operations.iter().map(key).collect();
    let mut log = Changelog::default();
    for op in &new_index.operations {
        match before.get(&key(op)) {
            None => log.added.push(entry(
                op,
                vec![Change::compatible("The operation was added.")],
            )),
            Some(was) => {
                let changes = compare_operation(&Side::of(old, was), &Side::of(new, op));
                if !changes.is_empty() {
                    log.changed.push(entry(op, changes));
                }
            }
        }
    }
    for op in &old_index.operations {
        if !after.contains(&key(op)) {
            log.removed.push(entry(
                op,
                vec![Change::breaking(
                    "The operation was removed: clients that call it will fail.",
                )],
            ));
        }
    }
    log
}

fn entry(op: &Operation, changes: Vec<Change>) -> OperationChange {
    OperationChange {
        method: op.method.to_uppercase(),
        path: op.path.clone(),
        title: op.title(),
        changes,
    }
}

/// A path with its parameter names blanked: `/pets/{}`.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' if in_name => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

/// Follows a chain of internal `$ref`s; an external or dangling one is left
/// as it is.
fn follow<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|fragment| refs::resolve(root, fragment))
        else {
            break;
        };
        node = target;
    }
    node
}

/// One version of an operation, with the document and path item around it.
struct Side<'a> {
    root: &'a Value,
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
}

impl<'a> Side<'a> {
    fn of(root: &'a Value, op: &'a Operation) -> Self {
        let item = follow(root, &root["paths"][op.path.as_str()]);
        Self {
            root,
            path: &op.path,
            item,
            op: &item[op.method.as_str()],
        }
    }

    /// Parameters of the path item and the operation (the operation's win),
    /// keyed by location and name; path parameters by their position.
    fn parameters(&self) -> Vec<Parameter<'a>> {
        let names: Vec<&str> = self
            .path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let mut out: Vec<Parameter<'a>> = Vec::new();
        let lists = [&self.item["parameters"], &self.op["parameters"]];
        for raw in lists.into_iter().filter_map(Value::as_array).flatten() {
            let p = follow(self.root, raw);
            let (Some(name), Some(location)) = (p["name"].as_str(), p["in"].as_str()) else {
                continue;
            };
            let key = match names.iter().position(|n| *n == name) {
                Some(i) if location == "path" => format!("path #{i}"),
                _ => format!("{location} {name}"),
            };
            let schema = p
                .get("schema")
                .or_else(|| p["content"].as_object()?.values().next()?.get("schema"));
            let parameter = Parameter {
                key,
                name,
                location,
                required: p["required"].as_bool().unwrap_or(false),
                deprecated: p["deprecated"].as_bool().unwrap_or(false),
                schema,
            };
            match out.iter_mut().find(|q| q.key == parameter.key) {
                Some(q) => *q = parameter,
                None => out.push(parameter),
            }
        }
        out
    }

    /// Whether calling the operation needs credentials: a security
    /// requirement (its own, or the document's) without an empty alternative.
    fn needs_credentials(&self) -> bool {
        let security = self.op.get("security").unwrap_or(&self.root["security"]);
        match security.as_array() {
            Some(alternatives) => {
                !alternatives.is_empty()
                    && !alternatives
                        .iter()
                        .any(|a| a.as_object().is_some_and(|a| a.is_empty()))
            }
            None => false,
        }
    }
}

struct Parameter<'a> {
    key: String,
    name: &'a str,
    location: &'a str,
    required: bool,
    deprecated: bool,
    schema: Option<&'a Value>,
}

impl Parameter<'_> {
    fn subject(&self) -> String {
        format!("the {} parameter `{}`", self.location, self.name)
    }
}

fn compare_operation(old: &Side, new: &Side) -> Vec<Change> {
    let mut changes = Vec::new();
    let deprecated = |s: &Side| s.op["deprecated"].as_bool().unwrap_or(false);
    match (deprecated(old), deprecated(new)) {
        (false, true) => changes.push(Change::compatible(
            "The operation is now deprecated: plan to stop calling it.",
        )),
        (true, false) => changes.push(Change::compatible("The operation is no longer deprecated.")),
        _ => {}
    }
    match (old.needs_credentials(), new.needs_credentials()) {
        (false, true) => changes.push(Change::breaking(
            "The operation now requires credentials: calls without them will be refused.",
        )),
        (true, false) => changes.push(Change::compatible(
            "The operation no longer requires credentials.",
        )),
        _ => {}
    }
    compare_parameters(old, new, &mut changes);
    compare_request_body(old, new, &mut changes);
    compare_responses(old, new, &mut changes);
    changes
}

fn compare_parameters(old: &Side, new: &Side, changes: &mut Vec<Change>) {
    let (before, after) = (old.parameters(), new.parameters());
    for was in &before {
        let Some(now) = after.iter().find(|p| p.key == was.key) else {
            changes.push(Change::breaking(capitalise(&format!(
                "{} was removed: clients that send it may be refused.",
                was.subject()
            ))));
            continue;
        };
        let subject = now.subject();
        match (was.required, now.required) {
            (false, true) => changes.push(Change::breaking(capitalise(&format!(
                "{subject} is now required: calls without it will be refused."
            )))),
            (true, false) => changes.push(Change::compatible(capitalise(&format!(
                "{subject} is no longer required."
            )))),
            _ => {}
        }
        if now.deprecated && !was.deprecated {
            changes.push(Change::compatible(capitalise(&format!(
                "{subject} is now deprecated."
            ))));
        }
        if let (Some(a), Some(b)) = (was.schema, now.schema) {
            changes.extend(SchemaDiff::run(
                old.root,
                new.root,
                Direction::Request,
                &subject,
                a,
                b,
            ));
        }
    }
    for now in after
        .iter()
        .filter(|p| !before.iter().any(|q| q.key == p.key))
    {
        changes.push(if now.required {
            Change::breaking(format!(
                "Added the required {} parameter `{}`: calls without it will be refused.",
                now.location, now.name
            ))
        } else {
            Change::compatible(format!(
                "Added the optional {} parameter `{}`.",
                now.location, now.name
            ))
        });
    }
}

/// The sentence with its first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
