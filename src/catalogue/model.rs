//! Catalogue types that cross the wire: the server and the browser compile them.

use serde::{Deserialize, Serialize};

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
    pub agency: Option<String>,
    pub tag: Option<String>,
}

impl CatalogueFilter {
    /// Treats blank form fields as absent, as a GET form sends them.
    pub fn normalised(self) -> Self {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            agency: keep(self.agency),
            tag: keep(self.tag),
        }
    }
}

/// The catalogue page: the APIs that match, and the choices to narrow them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CataloguePage {
    pub apis: Vec<ApiSummary>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filter_fields_narrow_nothing() {
        let filter = CatalogueFilter {
            agency: Some("  ".into()),
            tag: Some(" rail ".into()),
        }
        .normalised();
        assert_eq!(filter.agency, None);
        assert_eq!(filter.tag.as_deref(), Some("rail"));
    }
}
