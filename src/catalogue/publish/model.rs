//! What the publishing pages show, compiled for both sides.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;
use crate::catalogue::model::{ApiSummary, VersionSummary};

/// (value, label) choices of an API's visibility.
pub const VISIBILITIES: &[(&str, &str)] = &[
    ("public", "Public: listed, anyone may request access"),
    (
        "restricted",
        "Restricted: listed, access needs the agency's approval",
    ),
    ("private", "Private: visible to the agency alone"),
];

/// (value, label) choices of an API's lifecycle.
pub const LIFECYCLES: &[(&str, &str)] = &[
    ("draft", "Draft: not listed, no gateway route"),
    ("published", "Published"),
    ("deprecated", "Deprecated: listed with its sunset date"),
    ("retired", "Retired: not listed, no gateway route"),
];

/// (value, label) choices of how callers authenticate at the gateway.
pub const ACCESS_MODES: &[(&str, &str)] = &[
    ("key", "API key required"),
    ("open", "Open: anyone may call it, no key"),
];

/// Slugs that name pages of the publishing area, not APIs or guides.
pub const RESERVED_SLUGS: &[&str] = &["new"];

/// The choices as the `Select` component takes them.
pub fn choices(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(value, label)| (value.to_string(), label.to_string()))
        .collect()
}

/// The "publish an API" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiPage {
    pub agency_slug: String,
    pub agency_name: String,
    pub csrf_token: String,
    pub notice: Notice,
}

/// An API's settings as its agency edits them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSettings {
    pub name: String,
    pub summary: String,
    pub overview_md: String,
    pub visibility: String,
    pub lifecycle: String,
    /// `YYYY-MM-DD`, for a deprecated API.
    pub sunset_at: Option<String>,
    pub upstream_url: Option<String>,
    pub access_mode: String,
}

/// A guide as its API's management page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideRow {
    pub slug: String,
    pub title: String,
    pub updated_at: String,
}

/// An API's own management page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiManagement {
    pub agency_slug: String,
    pub agency_name: String,
    pub api_slug: String,
    pub settings: ApiSettings,
    pub versions: Vec<VersionSummary>,
    pub guides: Vec<GuideRow>,
    /// What the import of the last upload warned about (shown once).
    pub warnings: Vec<String>,
    pub csrf_token: String,
    pub notice: Notice,
}

/// A guide's text as its editor shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideFields {
    pub slug: String,
    pub title: String,
    pub body_md: String,
}

/// The page that writes a new guide (`guide` is `None`) or edits one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideEditor {
    pub agency_slug: String,
    pub api_slug: String,
    pub api_name: String,
    pub guide: Option<GuideFields>,
    pub csrf_token: String,
    pub notice: Notice,
}

/// A guide as visitors read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidePage {
    pub api: ApiSummary,
    pub title: String,
    /// Rendered from Markdown and sanitised on the server.
    pub body_html: String,
    /// The API's other guides, for the navigation.
    pub guides: Vec<GuideRow>,
}

/// Where the management page of an API is.
pub fn manage_href(agency: &str, api: &str) -> String {
    format!("/manage/{agency}/apis/{api}")
}
