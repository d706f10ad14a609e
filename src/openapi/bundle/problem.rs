//! What could not be bundled, said with the file and the place in it.

use std::fmt;
use std::path::Path;

use super::files::display;
use super::Bundler;

/// A reference that could not be bundled, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the main file's folder.
    pub file: String,
    /// JSON pointer to the reference inside that file.
    pub pointer: String,
    pub line: Option<(u32, u32)>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.line {
            write!(f, ", line {line}, column {column}")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " ({})", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every reference that could not be bundled.
#[derive(Debug)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} reference{} to other files could not be bundled, and nothing was imported:",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.0 {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl Bundler {
    pub(super) fn problem(&mut self, file: &Path, pointer: &str, message: String) {
        let line = self
            .files
            .get(file)
            .and_then(|source| source.located.as_ref())
            .and_then(|located| located.position(pointer));
        self.problems.push(Problem {
            file: display(&self.root, file),
            pointer: pointer.to_owned(),
            line,
            message,
        });
    }
}
