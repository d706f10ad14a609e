//! The audit log as pages show it. Compiled for both sides.

use serde::{Deserialize, Serialize};

/// What a reader narrows the log by; empty fields do not narrow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the actor's name.
    #[serde(default)]
    pub actor: String,
    /// An action, or the start of one (`membership` matches `membership.set`).
    #[serde(default)]
    pub action: String,
    /// Part of the target.
    #[serde(default)]
    pub target: String,
    /// An agency's slug (admins only; an owner's log is their agency's).
    #[serde(default)]
    pub agency: String,
    /// From this day (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub from: String,
    /// To this day (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub to: String,
    /// The page, from 1.
    #[serde(default)]
    pub page: Option<u32>,
}

impl AuditFilter {
    /// The query string of this filter (without the page), for links.
    pub fn query(&self) -> String {
        let pairs = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("agency", &self.agency),
            ("from", &self.from),
            ("to", &self.to),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One event, as the log lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub agency: Option<String>,
    pub action: String,
    pub target: String,
    pub client_addr: Option<String>,
    /// Before and after, as JSON text.
    pub detail: String,
}

/// A page of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// `None` for the whole platform (admins); an agency's slug and name for
    /// an owner's view.
    pub agency: Option<(String, String)>,
    pub filter: AuditFilter,
    pub entries: Vec<AuditEntry>,
    /// How many events match, in all pages.
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    /// The actions that occur in this log, for the filter's choices.
    pub actions: Vec<String>,
    /// What was wrong with the filter, if anything (the rest still applied).
    pub problems: Vec<crate::app::forms::FieldError>,
}

/// Events on a page of the log.
pub const PAGE_SIZE: u32 = 50;
