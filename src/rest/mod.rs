//! Portico's own REST API (`/api/v1`): publishing from CI with agencies'
//! personal access tokens, developers' applications, keys and access
//! requests with developer tokens, and the OpenAPI document that describes
//! the API, which Portico lists in its own catalogue as `portico/rest-api`.

pub mod apps;
pub mod handlers;
pub mod json;
pub mod keys;
pub mod subscriptions;

use anyhow::Context;

use crate::catalogue::repo::{self as catalogue, NewApi};
use crate::catalogue::slug::Slug;
use crate::db::Db;
use crate::openapi::import::{import, prepare, ImportError, ImportRequest};
use crate::server::clock::Clock;
use crate::tenants::repo::{self as tenants, NewTenant};

/// The REST API's description, hand-written (src/rest/openapi.json).
pub const OPENAPI: &str = include_str!("openapi.json");

/// The agency that publishes Portico's own API.
pub const AGENCY: &str = "portico";
/// Portico's own API in the catalogue.
pub const API: &str = "rest-api";

/// Makes sure the catalogue lists Portico's REST API: the agency
/// `portico`, the API `rest-api` (public, published, open: the try-it
/// console calls it through the gateway, whose upstream is this portal's
/// `/api/v1`), and the document's version, imported only when that label
/// is not stored yet. Returns whether a version was imported.
///
/// It runs at every start, in every mode, not with the demo data: CI in
/// production needs the reference of the API it publishes with. A restart
/// adds nothing, and follows a changed public URL; an upstream an operator
/// pointed elsewhere is kept.
pub async fn ensure_listed(db: &Db, clock: &Clock, public_url: &str) -> anyhow::Result<bool> {
    let prepared = prepare(OPENAPI).map_err(|findings| {
        let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "Portico's own OpenAPI document has errors: {}",
            lines.join("; ")
        )
    })?;
    let upstream = format!("{}/api/v1", public_url.trim_end_matches('/'));
    let now = clock.now_text();
    let mut tx = db.begin().await.context("starting to list Portico's API")?;
    let tenant_id = tenants::ensure(
        &mut tx,
        &NewTenant {
            slug: AGENCY,
            name: "Portico platform",
            contact_email: None,
        },
        &now,
    )
    .await?;
    // The API is created here rather than by the import, which would make
    // it a keyed API without an upstream.
    let (api_id, created) = catalogue::ensure_api(
        &mut tx,
        &NewApi {
            tenant_id,
            slug: API,
            name: &prepared.title,
            summary: &prepared.summary,
            overview_md: &prepared.description,
            visibility: "public",
            lifecycle: "published",
            access_mode: "open",
            upstream_url: Some(&upstream),
        },
        &now,
    )
    .await?;
    if !created {
        catalogue::move_upstream_if_like(&mut tx, api_id, "%/api/v1", &upstream, &now).await?;
    }
    catalogue::add_tags(&mut tx, api_id, &["portico", "publishing"]).await?;
    tx.commit().await.context("listing Portico's API")?;

    let (agency, api) = (slug(AGENCY)?, slug(API)?);
    let outcome = import(
        db,
        clock,
        ImportRequest {
            agency: &agency,
            api: &api,
            label: None,
            text: OPENAPI,
            publish: true,
            // Like the demo seed, this is Portico setting itself up, not
            // anyone's change: the audit log starts with people's actions.
            actor: None,
        },
    )
    .await;
    match outcome {
        Ok(_) => Ok(true),
        Err(ImportError::VersionExists { .. }) => Ok(false),
        Err(err) => Err(anyhow::anyhow!("importing Portico's own API: {err}")),
    }
}

fn slug(text: &str) -> anyhow::Result<Slug> {
    Slug::parse(text).map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_passes_portico_s_own_checks() {
        let prepared = crate::openapi::import::prepare(super::OPENAPI).unwrap();
        assert_eq!(prepared.openapi_version, "3.1.0");
        assert_eq!(prepared.operations, 16);
        assert!(prepared.warnings.is_empty(), "{:?}", prepared.warnings);
    }
}
