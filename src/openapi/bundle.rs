//! Bundling a document read from a file: `$ref`s to files beside it
//! (`./schemas/pet.yaml#/Pet`, `common.json`) are read and inlined, so that
//! the stored document stands alone.
//!
//! Only files in the main file's folder and below are read: absolute paths,
//! `..` that climbs out and symbolic links that lead out are refused. URLs are
//! never fetched. What a reference names goes where OpenAPI keeps such things
//! (`components/schemas/Pet`, `components/parameters/limit`...) and the
//! reference points there; path items, which have no such place, are copied
//! where they are referred to.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::refs;
use super::yaml::escape;

mod files;
mod place;
mod problem;
#[cfg(test)]
mod tests;

use files::{display, parse, Source};
use place::{context, Context, Home};
pub use problem::{Problem, Problems};

/// Files read at most, the main one included.
const MAX_FILES: usize = 1_000;
/// Distinct things referred to in other files, at most.
const MAX_TARGETS: usize = 10_000;
/// Path items copied into path items copied into... at most this deep.
const MAX_INLINE_DEPTH: usize = 32;

/// Bundles the document `text`, read from the file `main`: `None` when it
/// refers to no other file (import the text as it is), otherwise the bundled
/// document as JSON.
pub fn bundle(main: &Path, text: &str) -> Result<Option<String>, Problems> {
    let fail = |message: String| {
        Problems(vec![Problem {
            file: main.display().to_string(),
            pointer: String::new(),
            line: None,
            message,
        }])
    };
    let main = main
        .canonicalize()
        .map_err(|err| fail(format!("could not read the file: {err}")))?;
    let root = main
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| fail("the document must be a file in a folder".into()))?;
    let source = parse(text).map_err(|finding| {
        Problems(vec![Problem {
            file: display(&root, &main),
            pointer: finding.pointer,
            line: finding.line.zip(finding.column),
            message: finding.message,
        }])
    })?;
    let mut doc = source.value.clone();
    let mut bundler = Bundler {
        swagger2: doc.get("swagger").is_some(),
        bytes: text.len(),
        files: HashMap::from([(main.clone(), source)]),
        root,
        main: main.clone(),
        homes: HashMap::new(),
        taken: HashSet::new(),
        queue: VecDeque::new(),
        inlining: Vec::new(),
        bundled: false,
        problems: Vec::new(),
    };
    bundler.take_existing_names(&doc);
    bundler.walk(&mut doc, &main, &mut Vec::new(), &mut String::new());
    let mut placed = Vec::new();
    while let Some(mut target) = bundler.queue.pop_front() {
        let mut at = target.home.tokens();
        let mut pointer = target.fragment.clone();
        bundler.walk(&mut target.value, &target.file, &mut at, &mut pointer);
        placed.push(target);
    }
    if !bundler.problems.is_empty() {
        return Err(Problems(bundler.problems));
    }
    if !bundler.bundled {
        return Ok(None);
    }
    for target in placed {
        if let Err(message) = target.home.insert(&mut doc, target.value) {
            return Err(fail(message));
        }
    }
    serde_json::to_string_pretty(&doc)
        .map(Some)
        .map_err(|err| fail(format!("could not write the bundled document: {err}")))
}

/// Something another file holds, and where the bundle keeps it.
struct Target {
    file: PathBuf,
    /// JSON pointer inside `file` (`/Pet`, or empty for the whole file).
    fragment: String,
    home: Home,
    value: Value,
}

/// What a reference becomes.
enum Resolved {
    /// Left as written: internal to the main file, or refused.
    Keep,
    /// Rewritten to point inside the bundle.
    Internal(String),
    /// Replaced by what it names, which lives in `file`.
    Inline {
        file: PathBuf,
        fragment: String,
        value: Value,
    },
}

struct Bundler {
    /// The main file's folder: no file outside it is read.
    root: PathBuf,
    main: PathBuf,
    files: HashMap<PathBuf, Source>,
    bytes: usize,
    swagger2: bool,
    /// Where each target lives in the bundle, as a `$ref`.
    homes: HashMap<(PathBuf, String), String>,
    /// Names in use, per kind of component.
    taken: HashSet<(&'static str, String)>,
    /// Targets given a home whose own references are not yet followed.
    queue: VecDeque<Target>,
    /// The path items being copied, to refuse a cycle of them.
    inlining: Vec<(PathBuf, String)>,
    bundled: bool,
    problems: Vec<Problem>,
}

impl Bundler {
    /// Visits every `$ref` below `node`, which lies at `at` in the bundle and
    /// at `pointer` in `file`.
    fn walk(&mut self, node: &mut Value, file: &Path, at: &mut Vec<String>, pointer: &mut String) {
        if let Some(Value::String(target)) = node.get("$ref") {
            let target = target.clone();
            match self.resolve(&target, file, at, pointer) {
                Resolved::Keep => {}
                Resolved::Internal(reference) => {
                    node["$ref"] = Value::String(reference);
                    self.bundled = true;
                }
                Resolved::Inline {
                    file,
                    fragment,
                    mut value,
                } => {
                    self.bundled = true;
                    // Fields beside the reference (3.1 allows a summary or a
                    // description) win over what it names.
                    if let (Value::Object(target), Value::Object(here)) = (&mut value, &*node) {
                        for (key, field) in here.iter().filter(|(k, _)| *k != "$ref") {
                            target.insert(key.clone(), field.clone());
                        }
                    }
                    *node = value;
                    self.inlining.push((file.clone(), fragment.clone()));
                    let mut inner = fragment;
                    self.walk(node, &file, at, &mut inner);
                    self.inlining.pop();
                    return;
                }
            }
        }
        let mut visit = |key: String, child: &mut Value, this: &mut Self| {
            let (at_len, pointer_len) = (at.len(), pointer.len());
            pointer.push('/');
            pointer.push_str(&escape(&key));
            at.push(key);
            this.walk(child, file, at, pointer);
            at.truncate(at_len);
            pointer.truncate(pointer_len);
        };
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    // Examples and extensions are data, as in `refs::check`.
                    if key == "example"
                        || key.starts_with("x-")
                        || (key == "examples" && child.is_array())
                    {
                        continue;
                    }
                    visit(key.clone(), child, self);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate() {
                    visit(i.to_string(), child, self);
                }
            }
            _ => {}
        }
    }

    fn resolve(&mut self, target: &str, file: &Path, at: &[String], pointer: &str) -> Resolved {
        let in_main = file == self.main;
        if in_main && target.starts_with('#') {
            return Resolved::Keep;
        }
        let problem = |this: &mut Self, message: String| {
            this.problem(
                file,
                &format!("{pointer}/$ref"),
                format!("`{target}` {message}"),
            );
            Resolved::Keep
        };
        if has_scheme(target) {
            // The main file's URLs are refused by `refs::check`, with lines.
            if in_main {
                return Resolved::Keep;
            }
            return problem(self, "is a URL: Portico never fetches URLs named in a document; copy what it names into a file beside the document".into());
        }
        let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
        let target_file = if path.is_empty() {
            file.to_path_buf()
        } else {
            match self.locate(path, file) {
                Ok(found) => found,
                Err(message) => return problem(self, message),
            }
        };
        if target_file == self.main {
            return Resolved::Internal(format!("#{fragment}"));
        }
        if let Err(message) = self.load(&target_file) {
            return problem(self, message);
        }
        let key = (target_file.clone(), fragment.to_owned());
        if let Some(home) = self.homes.get(&key) {
            return Resolved::Internal(home.clone());
        }
        let found = self
            .files
            .get(&target_file)
            .and_then(|source| refs::resolve(&source.value, fragment))
            .cloned();
        let Some(value) = found else {
            let name = display(&self.root, &target_file);
            return problem(
                self,
                format!(
                    "points at nothing: {name} has nothing at `#{fragment}`; check the pointer"
                ),
            );
        };
        match context(at, self.swagger2) {
            // The reference is a component itself: what it names takes its place.
            Context::Entry(home) => {
                self.homes.insert(key, home.reference());
                Resolved::Inline {
                    file: target_file,
                    fragment: fragment.to_owned(),
                    value,
                }
            }
            Context::Of(kind) => {
                if self.homes.len() >= MAX_TARGETS {
                    return problem(self, format!("is one reference too many: a document may refer to at most {MAX_TARGETS} things in other files"));
                }
                let home =
                    kind.named(self.unique_name(kind.kind(), &base_name(fragment, &target_file)));
                let reference = home.reference();
                self.homes.insert(key, reference.clone());
                self.queue.push_back(Target {
                    file: target_file,
                    fragment: fragment.to_owned(),
                    home,
                    value,
                });
                Resolved::Internal(reference)
            }
            Context::Elsewhere => {
                if self.inlining.contains(&key) || self.inlining.len() >= MAX_INLINE_DEPTH {
                    return problem(self, "leads back to itself, and what it names has no place under `components` to be referred to from: break the cycle".into());
                }
                Resolved::Inline {
                    file: target_file,
                    fragment: fragment.to_owned(),
                    value,
                }
            }
        }
    }

    /// Remembers the names of the main document's own components.
    fn take_existing_names(&mut self, doc: &Value) {
        for kind in place::KINDS {
            let section = Home::section(kind, self.swagger2)
                .and_then(|path| path.iter().try_fold(doc, |node, key| node.get(key)));
            for name in section
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(Map::keys)
            {
                self.taken.insert((kind, name.clone()));
            }
        }
    }

    /// `name`, or `name_2`, `name_3`... whichever is free.
    fn unique_name(&mut self, kind: &'static str, name: &str) -> String {
        let mut candidate = name.to_owned();
        let mut n = 1;
        while !self.taken.insert((kind, candidate.clone())) {
            n += 1;
            candidate = format!("{name}_{n}");
        }
        candidate
    }
}

/// Whether a reference starts with a URI scheme (`https:`, `file:`).
fn has_scheme(target: &str) -> bool {
    match target.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// A component name for a target: the last token of its pointer, or the
/// file's name; only the characters OpenAPI allows in component names.
fn base_name(fragment: &str, file: &Path) -> String {
    let from_pointer = fragment
        .rsplit('/')
        .next()
        .filter(|token| !token.is_empty())
        .map(|token| token.replace("~1", "/").replace("~0", "~"));
    let raw = from_pointer.unwrap_or_else(|| {
        file.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "Bundled".to_owned()
    } else {
        name
    }
}
