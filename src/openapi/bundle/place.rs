//! Where what a reference names is kept in the bundle, decided by where the
//! reference stands: a `schema` holds a schema, an entry of `parameters` a
//! parameter, and so on.

use serde_json::{Map, Value};

use crate::openapi::yaml::escape;

/// The kinds of component a target may become.
pub(super) const KINDS: [&str; 9] = [
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
];

/// Keys whose value is a schema.
const SCHEMA_KEYS: [&str; 12] = [
    "schema",
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];

/// Keys whose entries are schemas.
const SCHEMA_MAPS: [&str; 9] = [
    "properties",
    "patternProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "prefixItems",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// A kind of component, in a 3.x document or a Swagger 2.0 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Kind {
    kind: &'static str,
    swagger2: bool,
}

impl Kind {
    pub(super) fn kind(self) -> &'static str {
        self.kind
    }

    pub(super) fn named(self, name: String) -> Home {
        Home { kind: self, name }
    }
}

/// Where a reference stands.
pub(super) enum Context {
    /// It is a component itself (`components/schemas/Pet: {$ref: pet.yaml}`):
    /// what it names takes its place.
    Entry(Home),
    /// What it names is a component of this kind.
    Of(Kind),
    /// What it names has no place of its own (a path item): it is copied.
    Elsewhere,
}

/// The kind of thing a reference standing at `at` names.
pub(super) fn context(at: &[String], swagger2: bool) -> Context {
    let of = |kind: &'static str| Home::section(kind, swagger2).map(|_| Kind { kind, swagger2 });
    let entry = match (swagger2, at) {
        (false, [components, kind, name]) if components == "components" => {
            KINDS.iter().find(|k| *k == kind).map(|k| (*k, name))
        }
        (true, [section, name]) => match section.as_str() {
            "definitions" => Some(("schemas", name)),
            "parameters" | "responses" => KINDS.iter().find(|k| *k == section).map(|k| (*k, name)),
            _ => None,
        },
        _ => None,
    };
    if let Some((kind, name)) = entry {
        return match of(kind) {
            Some(kind) => Context::Entry(kind.named(name.clone())),
            None => Context::Elsewhere,
        };
    }
    let last = at.last().map(String::as_str).unwrap_or_default();
    let parent = at
        .len()
        .checked_sub(2)
        .and_then(|i| at.get(i))
        .map(String::as_str)
        .unwrap_or_default();
    let kind = if SCHEMA_MAPS.contains(&parent) || SCHEMA_KEYS.contains(&last) {
        "schemas"
    } else if last == "requestBody" {
        "requestBodies"
    } else {
        match KINDS.iter().find(|k| **k == parent) {
            Some(kind) if *kind != "schemas" && *kind != "securitySchemes" => kind,
            _ => return Context::Elsewhere,
        }
    };
    match of(kind) {
        Some(kind) => Context::Of(kind),
        None => Context::Elsewhere,
    }
}

/// A named place for a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Home {
    kind: Kind,
    name: String,
}

impl Home {
    /// Where components of a kind live, if the document's version has a
    /// place for them.
    pub(super) fn section(kind: &str, swagger2: bool) -> Option<Vec<&'static str>> {
        if !swagger2 {
            return KINDS
                .iter()
                .find(|k| **k == kind)
                .map(|k| vec!["components", *k]);
        }
        match kind {
            "schemas" => Some(vec!["definitions"]),
            "parameters" => Some(vec!["parameters"]),
            "responses" => Some(vec!["responses"]),
            _ => None,
        }
    }

    /// The tokens of its JSON pointer.
    pub(super) fn tokens(&self) -> Vec<String> {
        let mut path: Vec<String> = Home::section(self.kind.kind, self.kind.swagger2)
            .unwrap_or_default()
            .into_iter()
            .map(str::to_owned)
            .collect();
        path.push(self.name.clone());
        path
    }

    /// An internal `$ref` to it.
    pub(super) fn reference(&self) -> String {
        let tokens: Vec<String> = self.tokens().iter().map(|t| escape(t)).collect();
        format!("#/{}", tokens.join("/"))
    }

    /// Puts `value` in its place in `doc`, making the sections it needs.
    pub(super) fn insert(&self, doc: &mut Value, value: Value) -> Result<(), String> {
        let path = self.tokens();
        let (name, sections) = path
            .split_last()
            .ok_or_else(|| "a component needs a name".to_owned())?;
        let mut node = doc;
        for section in sections {
            let Value::Object(map) = node else {
                return Err(format!(
                    "`{}` is not a mapping, so the bundled parts cannot be put there: fix the document",
                    sections.join(".")
                ));
            };
            node = map
                .entry(section.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
        let Value::Object(map) = node else {
            return Err(format!(
                "`{}` is not a mapping, so the bundled parts cannot be put there: fix the document",
                sections.join(".")
            ));
        };
        map.insert(name.clone(), value);
        Ok(())
    }
}
