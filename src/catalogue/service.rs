//! Rules of the catalogue: what a visitor sees, assembled from the repo.

use anyhow::Context;

use crate::db::Db;
use crate::openapi::changelog;
use crate::openapi::changelog_model::Changelog;
use crate::openapi::operations::Index;
use crate::server::error::AppError;

use super::model::{ApiDetail, CatalogueFilter, CataloguePage, ChangelogPage};
use super::repo;
use super::search::SearchTerms;

/// At most this many operations answer a search; more say so.
pub const OPERATION_MATCHES: usize = 50;

/// The catalogue page for a filter: matching APIs (and, for a search,
/// matching operations) and the choices to narrow them.
pub async fn catalogue_page(db: &Db, filter: CatalogueFilter) -> Result<CataloguePage, AppError> {
    let filter = filter.normalised();
    let pool = db.pool();
    let mut page = CataloguePage {
        agencies: repo::list_agencies_with_listed_apis(pool).await?,
        tags: repo::list_listed_tags(pool).await?,
        ..CataloguePage::default()
    };
    match filter.q.as_deref() {
        None => page.apis = repo::list_listed(pool, &filter).await?,
        // Text with no words to search for (only punctuation, say) matches
        // nothing, and the page says what to try.
        Some(text) => {
            if let Some(terms) = SearchTerms::parse(text) {
                page.apis = repo::search_listed(db, &filter, &terms).await?;
                (page.operations, page.more_operations) =
                    repo::search_operations(db, &filter, &terms, OPERATION_MATCHES).await?;
            }
        }
    }
    Ok(page)
}

/// Stores the operations of versions stored before search existed, so that
/// search finds them; returns how many versions gained operations. Once every
/// version has its operations, only those whose document has none are read.
pub async fn backfill_operations(db: &Db, now: &str) -> anyhow::Result<usize> {
    let pool = db.pool();
    let ids = repo::list_versions_without_operations(pool)
        .await
        .context("finding the versions whose operations are not stored yet")?;
    let mut filled = 0;
    for id in ids {
        let Some(text) = repo::version_document(pool, id)
            .await
            .with_context(|| format!("reading the document of version {id}"))?
        else {
            continue;
        };
        let document: serde_json::Value = match serde_json::from_str(&text) {
            Ok(document) => document,
            Err(err) => {
                tracing::warn!(version.id = id, error = %err, "stored document is not JSON: its operations stay out of search");
                continue;
            }
        };
        let index = Index::of(&document);
        if index.operations.is_empty() {
            continue;
        }
        // All of a version's operations or none: a version with some is
        // never looked at again.
        let mut tx = db.begin().await.context("starting to store operations")?;
        repo::insert_operations(&mut tx, id, &index, now)
            .await
            .with_context(|| format!("storing the operations of version {id}"))?;
        tx.commit()
            .await
            .with_context(|| format!("committing the operations of version {id}"))?;
        filled += 1;
    }
    Ok(filled)
}

/// The page of one API, or `None` if the visitor may not see it: the
/// catalogue lists it, or the visitor is a `member` of its agency.
pub async fn api_detail(
    db: &Db,
    documents: &crate::reference::cache::DocumentCache,
    gateway_url: &str,
    (agency, api): (&str, &str),
    member: bool,
) -> Result<Option<ApiDetail>, AppError> {
    let pool = db.pool();
    let Some((listed, is_listed)) = repo::find_visible(pool, agency, api, member).await? else {
        return Ok(None);
    };
    let reference_tags = match repo::find_version(pool, listed.id, None).await? {
        Some(version) => documents
            .get(db, version.id)
            .await?
            .index
            .tags
            .iter()
            .map(|t| super::model::ReferenceTag {
                slug: t.slug.clone(),
                name: t.name.clone(),
                operations: t.operations.len(),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Some(ApiDetail {
        reference_tags,
        gateway_url: format!(
            "{}/{}/{}",
            gateway_url.trim_end_matches('/'),
            listed.summary.agency.slug,
            listed.summary.slug
        ),
        overview_html: crate::openapi::markdown::render(
            &repo::overview_markdown(pool, listed.id).await?,
            2,
        ),
        versions: repo::list_versions(pool, listed.id).await?,
        plans: repo::list_active_plans(pool, listed.id).await?,
        sunset_at: repo::sunset_of(pool, listed.id).await?,
        guides: repo::list_guides(pool, listed.id).await?,
        listed: is_listed,
        api: listed.summary,
    }))
}

/// The original OpenAPI document of a listed API's default version, with its
/// media type, or `NotFound` with a sentence saying what is missing.
pub async fn default_document(
    db: &Db,
    agency: &str,
    api: &str,
) -> Result<(&'static str, String), AppError> {
    let pool = db.pool();
    let listed = repo::find_listed(pool, agency, api).await?.ok_or_else(|| {
        AppError::NotFound(format!("No API '{api}' of agency '{agency}' is listed."))
    })?;
    let (format, text) = repo::default_document_source(pool, listed.id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "API '{api}' has no published OpenAPI document yet."
            ))
        })?;
    let media_type = if format == "yaml" {
        "application/yaml"
    } else {
        "application/json"
    };
    Ok((media_type, text))
}

/// What changed in a listed API from version `from` to version `to`, each
/// named by its label. By default `to` is the default version and `from` the
/// version stored before `to`; the first version has nothing to compare with.
pub async fn changelog(
    db: &Db,
    agency: &str,
    api: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ChangelogPage, AppError> {
    let pool = db.pool();
    let listed = repo::find_listed(pool, agency, api).await?.ok_or_else(|| {
        AppError::NotFound(format!("No API '{api}' of agency '{agency}' is listed."))
    })?;
    let versions = repo::list_version_refs(pool, listed.id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!(
            "API '{api}' has no published OpenAPI document yet."
        )));
    }
    let find = |label: &str| {
        versions.iter().position(|v| v.label == label).ok_or_else(|| {
            AppError::NotFound(format!(
                "API '{api}' has no version '{label}': choose one of the versions listed on its page."
            ))
        })
    };
    fn given(label: Option<&str>) -> Option<&str> {
        label.map(str::trim).filter(|l| !l.is_empty())
    }
    let to = match given(to) {
        Some(label) => find(label)?,
        None => versions
            .iter()
            .position(|v| v.is_default)
            .unwrap_or(versions.len() - 1),
    };
    let from = match given(from) {
        Some(label) => Some(find(label)?),
        None => to.checked_sub(1),
    };
    let new_text = document_text(pool, &versions[to]).await?;
    let old_text = match from {
        Some(i) => Some(document_text(pool, &versions[i]).await?),
        None => None,
    };
    // Parsing and comparing large documents takes a while: off the runtime.
    let changelog = tokio::task::spawn_blocking(move || compare(old_text.as_deref(), &new_text))
        .await
        .context("comparing two versions")??;
    Ok(ChangelogPage {
        from: from.map(|i| versions[i].label.clone()),
        to: versions[to].label.clone(),
        versions: versions.iter().rev().map(|v| v.label.clone()).collect(),
        api: listed.summary,
        changelog,
    })
}

async fn document_text(
    pool: &sqlx::AnyPool,
    version: &repo::VersionRef,
) -> Result<String, AppError> {
    repo::version_document(pool, version.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("version {} has no document", version.id).into())
}

fn compare(old: Option<&str>, new: &str) -> anyhow::Result<Changelog> {
    let Some(old) = old else {
        return Ok(Changelog::default());
    };
    let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text);
    let old = parse(old).context("the older stored document is not JSON")?;
    let new = parse(new).context("the newer stored document is not JSON")?;
    Ok(changelog::diff(&old, &new))
}
