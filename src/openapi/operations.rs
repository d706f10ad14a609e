//! The operations and tags of a 3.x document, with the stable slugs that name
//! them in URLs. The reference pages, search and the changelog all list
//! operations through this one function, so they agree on names.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::validate::METHODS;
use super::yaml::escape;

/// One operation of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Stable name in URLs: the `operationId` made URL-safe where there is
    /// one, otherwise method and path (`get-pets-petid`).
    pub slug: String,
    /// Lowercase HTTP method.
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: String,
    pub description: String,
    /// Slugs of the tags the operation is listed under (at least one).
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// JSON pointer to the operation object (`/paths/~1pets/get`).
    pub pointer: String,
}

impl Operation {
    /// What a list shows: the summary, or method and path.
    pub fn title(&self) -> String {
        if self.summary.is_empty() {
            format!("{} {}", self.method.to_uppercase(), self.path)
        } else {
            self.summary.clone()
        }
    }
}

/// A group of operations, as the document's `tags` declare them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Indexes into [`Index::operations`], in document order.
    pub operations: Vec<usize>,
}

/// Operations and tags of a document, tags in the order the document
/// declares them (then in order of first use), empty tags left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    pub operations: Vec<Operation>,
    pub tags: Vec<Tag>,
}

/// The name of the group of operations that have no tag.
pub const UNTAGGED: &str = "Other operations";

impl Index {
    pub fn of(doc: &Value) -> Self {
        let mut index = Index::default();
        let mut tag_slugs = Slugger::default();
        let mut tag_by_name: HashMap<String, usize> = HashMap::new();
        let mut add_tag = |index: &mut Index, name: &str, description: &str| -> usize {
            if let Some(&i) = tag_by_name.get(name) {
                return i;
            }
            let i = index.tags.len();
            index.tags.push(Tag {
                slug: tag_slugs.unique(&slugify(&name.to_lowercase(), "tag")),
                name: name.to_owned(),
                description: description.to_owned(),
                operations: Vec::new(),
            });
            tag_by_name.insert(name.to_owned(), i);
            i
        };
        for tag in doc["tags"].as_array().into_iter().flatten() {
            if let Some(name) = tag["name"].as_str().filter(|n| !n.trim().is_empty()) {
                add_tag(
                    &mut index,
                    name,
                    tag["description"].as_str().unwrap_or_default(),
                );
            }
        }

        let ids = operation_ids_used_once(doc);
        let mut op_slugs = Slugger::default();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let Some(item) = item.as_object() else {
                continue;
            };
            for method in METHODS {
                let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                    continue;
                };
                let operation_id = op["operationId"]
                    .as_str()
                    .map(str::trim)
                    .filter(|id| !id.is_empty())
                    .map(str::to_owned);
                let base = match &operation_id {
                    Some(id) if ids.contains(id.as_str()) => slugify(id, "operation"),
                    _ => slugify(&format!("{method} {path}"), "operation"),
                };
                let names: Vec<&str> = op["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter(|n| !n.trim().is_empty())
                    .collect();
                let names = if names.is_empty() {
                    vec![UNTAGGED]
                } else {
                    names
                };
                let i = index.operations.len();
                let mut tags = Vec::new();
                for name in names {
                    let t = add_tag(&mut index, name, "");
                    if !index.tags[t].operations.contains(&i) {
                        index.tags[t].operations.push(i);
                        tags.push(index.tags[t].slug.clone());
                    }
                }
                index.operations.push(Operation {
                    slug: op_slugs.unique(&base),
                    method: method.to_owned(),
                    path: path.clone(),
                    operation_id,
                    summary: text(&op["summary"]),
                    description: text(&op["description"]),
                    tags,
                    deprecated: op["deprecated"].as_bool().unwrap_or(false),
                    pointer: format!("/paths/{}/{method}", escape(path)),
                });
            }
        }
        index.tags.retain(|t| !t.operations.is_empty());
        index
    }

    pub fn operation(&self, slug: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.slug == slug)
    }

    pub fn tag(&self, slug: &str) -> Option<&Tag> {
        self.tags.iter().find(|t| t.slug == slug)
    }
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().trim().to_owned()
}

/// Operation ids that name exactly one operation: only those make slugs, so
/// a duplicated id (a document error we warn about) cannot make two
/// operations share a link.
fn operation_ids_used_once(doc: &Value) -> HashSet<&str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for method in METHODS {
            if let Some(id) = item[method]["operationId"].as_str() {
                *counts.entry(id.trim()).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(id, n)| *n == 1 && !id.is_empty())
        .map(|(id, _)| id)
        .collect()
}

/// A URL segment from a name: ASCII letters (case kept, as operation ids are
/// often camelCase), digits, `-`, `_` and `.`; runs of anything else become
/// one `-`. `fallback` names a name with nothing left.
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_owned();
    if out.is_empty() {
        fallback.to_owned()
    } else {
        out
    }
}

/// Hands out slugs, adding `-2`, `-3`... to repeats.
#[derive(Default)]
struct Slugger {
    taken: HashSet<String>,
}

impl Slugger {
    fn unique(&mut self, base: &str) -> String {
        let mut slug = base.to_owned();
        let mut n = 1;
        while !self.taken.insert(slug.clone()) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        slug
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn slugs_come_from_operation_ids_or_method_and_path() {
        let doc = json!({
            "tags": [{"name": "Pets", "description": "Pets for sale"}, {"name": "Unused"}],
            "paths": {
                "/pets/{petId}": {
                    "get": {"operationId": "getPet", "tags": ["Pets"], "summary": " Find a pet "},
                    "delete": {"operationId": "dup", "tags": ["Pets", "Admin tools"]},
                    "parameters": []
                },
                "/stores": {"post": {"operationId": "dup", "deprecated": true}},
                "/repos/{owner}": {"get": {"operationId": "repos/get"}}
            }
        });
        let index = Index::of(&doc);
        let slugs: Vec<&str> = index.operations.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["getPet", "delete-pets-petId", "post-stores", "repos-get"]
        );
        assert_eq!(index.operations[0].summary, "Find a pet");
        assert_eq!(index.operations[0].pointer, "/paths/~1pets~1{petId}/get");
        assert!(index.operations[2].deprecated);
        let tags: Vec<(&str, &str, usize)> = index
            .tags
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.operations.len()))
            .collect();
        assert_eq!(
            tags,
            [
                ("pets", "Pets", 2),
                ("admin-tools", "Admin tools", 1),
                ("other-operations", UNTAGGED, 2)
            ]
        );
        assert_eq!(index.tag("pets").unwrap().description, "Pets for sale");
        assert_eq!(
            index.operation("post-stores").unwrap().title(),
            "POST /stores"
        );
    }

    #[test]
    fn slugify_keeps_case_and_collapses_the_rest() {
        assert_eq!(slugify("List pets (v2)", "x"), "List-pets-v2");
        assert_eq!(slugify("  ", "tag"), "tag");
        assert_eq!(slugify("get /a/{b}.json", "x"), "get-a-b-.json");
        let mut s = Slugger::default();
        assert_eq!(s.unique("a"), "a");
        assert_eq!(s.unique("a"), "a-2");
        assert_eq!(s.unique("a"), "a-3");
    }
}
