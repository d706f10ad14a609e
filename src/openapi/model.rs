//! What an import reports, in types the server and the browser both compile.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One thing found wrong (or worth fixing) in a document, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// JSON pointer (RFC 6901) to the node, `""` for the whole document.
    pub pointer: String,
    /// 1-based line and column in the source, where known (YAML sources).
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl Finding {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "line {line}, column {column}")?;
            if !self.pointer.is_empty() {
                write!(f, " ({})", self.pointer)?;
            }
        } else if self.pointer.is_empty() {
            f.write_str("document")?;
        } else {
            f.write_str(&self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub agency: String,
    pub api: String,
    pub version: String,
    /// The OpenAPI version of the stored document (after any conversion).
    pub openapi_version: String,
    /// The version the source declared (`2.0` when it was converted).
    pub source_version: String,
    pub operations: usize,
    pub api_created: bool,
    pub warnings: Vec<Finding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_say_where_first() {
        let mut finding = Finding::at("/paths/~1pets/get", "add a responses object");
        assert_eq!(
            finding.to_string(),
            "/paths/~1pets/get: add a responses object"
        );
        finding.line = Some(12);
        finding.column = Some(5);
        assert_eq!(
            finding.to_string(),
            "line 12, column 5 (/paths/~1pets/get): add a responses object"
        );
        assert_eq!(Finding::at("", "empty").to_string(), "document: empty");
    }
}
