//! Reading the files a document refers to: only inside the main file's
//! folder, within the limits of files and bytes, each parsed once.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::{Bundler, MAX_FILES};
use crate::openapi::model::Finding;
use crate::openapi::refs;
use crate::openapi::source::MAX_BYTES;
use crate::openapi::yaml;

/// A parsed file, with the lines of its nodes when it is YAML.
pub(super) struct Source {
    pub(super) value: Value,
    pub(super) located: Option<yaml::Located>,
}

pub(super) fn parse(text: &str) -> Result<Source, Finding> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        let value = serde_json::from_str(text).map_err(|err| Finding {
            line: u32::try_from(err.line()).ok(),
            column: u32::try_from(err.column()).ok(),
            ..Finding::at("", format!("this is not valid JSON: {err}"))
        })?;
        Ok(Source {
            value,
            located: None,
        })
    } else {
        let located = yaml::parse(text)?;
        Ok(Source {
            value: located.value.clone(),
            located: Some(located),
        })
    }
}

/// A path as the owner knows it: relative to the main file's folder.
pub(super) fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

impl Bundler {
    /// The file that `path` names, relative to the file `from`, if it lies in
    /// the main file's folder.
    pub(super) fn locate(&self, path: &str, from: &Path) -> Result<PathBuf, String> {
        let decoded =
            refs::percent_decode(path).ok_or("is not a valid reference: check its %-escapes")?;
        let relative = Path::new(&decoded);
        let absolute = "is an absolute path: refer to files beside the document with a relative path, such as `./schemas/pet.yaml`";
        if decoded.starts_with(['/', '\\']) || relative.is_absolute() {
            return Err(absolute.into());
        }
        let outside = format!(
            "leads outside the folder of the main document ({}): Portico reads only files in that folder and below",
            self.root.display()
        );
        let mut resolved = from.parent().unwrap_or(&self.root).to_path_buf();
        for component in relative.components() {
            match component {
                Component::Normal(part) => resolved.push(part),
                Component::CurDir => {}
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::RootDir | Component::Prefix(_) => return Err(absolute.into()),
            }
            if !resolved.starts_with(&self.root) {
                return Err(outside);
            }
        }
        let name = display(&self.root, &resolved);
        let real = resolved.canonicalize().map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => format!("names {name}, which does not exist"),
            _ => format!("names {name}, which could not be read: {err}"),
        })?;
        if !real.starts_with(&self.root) {
            return Err(format!("{outside} (through a symbolic link)"));
        }
        if !real.is_file() {
            return Err(format!("names {name}, which is not a file"));
        }
        Ok(real)
    }

    /// Reads and parses a file, once.
    pub(super) fn load(&mut self, file: &Path) -> Result<(), String> {
        if self.files.contains_key(file) {
            return Ok(());
        }
        let name = display(&self.root, file);
        if self.files.len() >= MAX_FILES {
            return Err(format!("names {name}, one file too many: a document may refer to at most {MAX_FILES} files"));
        }
        let text = std::fs::read_to_string(file)
            .map_err(|err| format!("names {name}, which could not be read: {err}"))?;
        self.bytes += text.len();
        if self.bytes > MAX_BYTES {
            return Err(format!(
                "names {name}: the document and the files it refers to are larger than {} MB together",
                MAX_BYTES / 1024 / 1024
            ));
        }
        let source = parse(&text)
            .map_err(|finding| format!("names {name}, which is not a document: {finding}"))?;
        self.files.insert(file.to_path_buf(), source);
        Ok(())
    }
}
