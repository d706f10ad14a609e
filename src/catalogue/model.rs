//! Catalogue types that cross the wire: the server and the browser compile them.

use serde::{Deserialize, Serialize};

use crate::openapi::changelog_model::Changelog;

/// An agency as the catalogue names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    pub slug: String,
    pub name: String,
}

/// One API as listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiSummary {
    pub agency: AgencyRef,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// `published` or `deprecated`: the catalogue lists nothing else.
    pub lifecycle: String,
    /// `open` (no key needed) or `key`.
    pub access_mode: String,
    /// Label of the default version of its OpenAPI document, if any.
    pub version: Option<String>,
}

impl ApiSummary {
    /// The portal page of this API.
    pub fn href(&self) -> String {
        format!("/apis/{}/{}", self.agency.slug, self.slug)
    }
}

/// What narrows the catalogue. Empty fields narrow nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueFilter {
    /// Words to search for in APIs and their operations.
    pub q: Option<String>,
    pub agency: Option<String>,
    pub tag: Option<String>,
}

impl CatalogueFilter {
    /// Treats blank form fields as absent, as a GET form sends them.
    pub fn normalised(self) -> Self {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            q: keep(self.q),
            agency: keep(self.agency),
            tag: keep(self.tag),
        }
    }

    /// The catalogue page's address for this filter, its fields encoded.
    pub fn href(&self) -> String {
        let fields = [("q", &self.q), ("agency", &self.agency), ("tag", &self.tag)];
        let query: Vec<String> = fields
            .into_iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}={}", encode(v))))
            .collect();
        if query.is_empty() {
            "/apis".to_owned()
        } else {
            format!("/apis?{}", query.join("&"))
        }
    }
}

/// Percent-encodes a query value; the browser build has no URL crate.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An operation that a search found, in the default version of a listed API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationMatch {
    pub agency: String,
    pub api: String,
    pub api_name: String,
    /// Names the operation in its reference page's URL.
    pub slug: String,
    /// Lowercase HTTP method.
    pub method: String,
    pub path: String,
    pub summary: String,
    pub deprecated: bool,
}

impl OperationMatch {
    /// The operation's reference page.
    pub fn href(&self) -> String {
        format!(
            "/apis/{}/{}/reference/operations/{}",
            self.agency, self.api, self.slug
        )
    }
}

/// The catalogue page: the APIs that match, and the choices to narrow them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePage {
    /// Listed APIs that match, by name; by relevance when searching.
    pub apis: Vec<ApiSummary>,
    /// Operations that match the search, best first; empty without one.
    pub operations: Vec<OperationMatch>,
    /// Whether more operations match than `operations` holds.
    pub more_operations: bool,
    pub agencies: Vec<AgencyRef>,
    pub tags: Vec<String>,
}

/// A plan a developer may request for an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    /// `auto` or `manual`.
    pub approval: String,
    /// Whether developers may ask for it now (see `crate::access`).
    #[serde(default)]
    pub open_for_requests: bool,
}

/// A version of an API's OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub label: String,
    pub openapi_version: String,
    pub is_default: bool,
    pub created_at: String,
}

/// Everything the API page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiDetail {
    pub api: ApiSummary,
    pub versions: Vec<VersionSummary>,
    pub plans: Vec<PlanSummary>,
    /// Where developers call this API through the gateway.
    pub gateway_url: String,
    /// The overview, rendered from the agency's Markdown and sanitised on
    /// the server: safe to insert as HTML.
    pub overview_html: String,
    /// The groups of operations of the default version, for the reference.
    pub reference_tags: Vec<ReferenceTag>,
    /// The day a deprecated API stops answering (`YYYY-MM-DD`).
    pub sunset_at: Option<String>,
    /// The guides its agency wrote, in their order.
    pub guides: Vec<super::publish::model::GuideRow>,
    /// Whether the catalogue lists the API. An unlisted one (a draft, a
    /// private or retired API) is shown to its agency's members alone, as
    /// a preview.
    pub listed: bool,
}

/// A group of operations in an API's reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceTag {
    pub slug: String,
    pub name: String,
    pub operations: usize,
}

/// What changed from one version of a listed API's document to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangelogPage {
    pub api: ApiSummary,
    /// Labels of the API's versions, newest first.
    pub versions: Vec<String>,
    /// The version compared from; `None` when `to` is the first version.
    pub from: Option<String>,
    pub to: String,
    pub changelog: Changelog,
}

/// The changelog page of an API, comparing `from` with `to` (each the
/// default when absent).
pub fn changelog_href(agency: &str, api: &str, from: Option<&str>, to: Option<&str>) -> String {
    let query: Vec<String> = [("from", from), ("to", to)]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode(v))))
        .collect();
    let path = format!("/apis/{agency}/{api}/changelog");
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_href_encodes_labels() {
        assert_eq!(changelog_href("a", "b", None, None), "/apis/a/b/changelog");
        assert_eq!(
            changelog_href("a", "b", Some("1.0 beta"), Some("2.0&x")),
            "/apis/a/b/changelog?from=1.0%20beta&to=2.0%26x"
        );
    }

    #[test]
    fn blank_filter_fields_narrow_nothing() {
        let filter = CatalogueFilter {
            q: Some(" ".into()),
            agency: Some("  ".into()),
            tag: Some(" rail ".into()),
        }
        .normalised();
        assert_eq!(filter.q, None);
        assert_eq!(filter.agency, None);
        assert_eq!(filter.tag.as_deref(), Some("rail"));
    }

    #[test]
    fn href_encodes_what_the_visitor_typed() {
        assert_eq!(CatalogueFilter::default().href(), "/apis");
        let filter = CatalogueFilter {
            q: Some("pets & \"stores\"/ü".into()),
            agency: None,
            tag: Some("rail".into()),
        };
        assert_eq!(
            filter.href(),
            "/apis?q=pets%20%26%20%22stores%22%2F%C3%BC&tag=rail"
        );
    }
}
