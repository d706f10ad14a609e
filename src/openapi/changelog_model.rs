//! What changed between two versions of an OpenAPI document, in types the
//! server and the browser both compile. [`super::changelog`] computes them.

use serde::{Deserialize, Serialize};

/// One change to an operation, as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Whether a client written for the old version may fail with the new one.
    pub breaking: bool,
    pub text: String,
}

impl Change {
    pub fn breaking(text: impl Into<String>) -> Self {
        Self {
            breaking: true,
            text: text.into(),
        }
    }

    pub fn compatible(text: impl Into<String>) -> Self {
        Self {
            breaking: false,
            text: text.into(),
        }
    }
}

/// An operation that was added, removed or changed, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationChange {
    /// Upper-case HTTP method.
    pub method: String,
    /// The path as the newer document writes it (the older one for removals).
    pub path: String,
    /// The operation's summary, or method and path.
    pub title: String,
    pub changes: Vec<Change>,
}

/// The operations added, removed and changed from one version to another,
/// each list in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changelog {
    pub added: Vec<OperationChange>,
    pub removed: Vec<OperationChange>,
    pub changed: Vec<OperationChange>,
}

impl Changelog {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// Every breaking change with its operation: removals first.
    pub fn breaking(&self) -> impl Iterator<Item = (&OperationChange, &Change)> {
        self.removed
            .iter()
            .chain(&self.changed)
            .flat_map(|op| op.changes.iter().map(move |c| (op, c)))
            .filter(|(_, c)| c.breaking)
    }

    /// One line: "2 breaking changes, 3 operations added, 1 operation changed".
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "No operation changed.".to_owned();
        }
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = vec![count(
            self.breaking().count(),
            "breaking change",
            "breaking changes",
        )];
        for (n, what) in [
            (self.added.len(), "added"),
            (self.removed.len(), "removed"),
            (self.changed.len(), "changed"),
        ] {
            if n > 0 {
                parts.push(format!("{} {what}", count(n, "operation", "operations")));
            }
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, changes: Vec<Change>) -> OperationChange {
        OperationChange {
            method: method.into(),
            path: "/pets".into(),
            title: "Pets".into(),
            changes,
        }
    }

    #[test]
    fn summary_counts_breaking_changes_and_operations() {
        let log = Changelog {
            added: vec![op("POST", vec![Change::compatible("added")])],
            removed: vec![op("DELETE", vec![Change::breaking("removed")])],
            changed: vec![
                op("GET", vec![Change::breaking("a"), Change::compatible("b")]),
                op("PUT", vec![Change::compatible("c")]),
            ],
        };
        assert_eq!(
            log.summary(),
            "2 breaking changes, 1 operation added, 1 operation removed, 2 operations changed"
        );
        let texts: Vec<&str> = log.breaking().map(|(_, c)| c.text.as_str()).collect();
        assert_eq!(texts, ["removed", "a"]);
        assert_eq!(Changelog::default().summary(), "No operation changed.");
    }
}
