//! The import pipeline: source text in, a stored version out, in one
//! transaction. A document with errors stores nothing.

use std::fmt;

use anyhow::Context;
use serde_json::Value;

use super::model::{Finding, ImportOutcome};
use super::operations::Index;
use super::{refs, swagger2, validate, yaml};
use crate::catalogue::repo::{self as catalogue, NewApi, NewVersion};
use crate::catalogue::slug::Slug;
use crate::db::Db;
use crate::server::clock::Clock;
use crate::tenants::repo as tenants;

/// A document that parsed and passed the checks, ready to store.
#[derive(Debug)]
pub struct Prepared {
    /// The OpenAPI 3.x document as stored (converted from 2.0 if need be).
    pub document: Value,
    pub source_format: &'static str,
    pub openapi_version: String,
    pub source_version: String,
    pub title: String,
    pub info_version: String,
    pub summary: String,
    pub description: String,
    pub operations: usize,
    pub warnings: Vec<Finding>,
    /// The source text parses to `document` as it is (OpenAPI 3.x JSON
    /// without a byte-order mark): the text can be stored as the document.
    pub document_is_source: bool,
}

/// Parses, converts and checks a document; every error found, with where.
pub fn prepare(text: &str) -> Result<Prepared, Vec<Finding>> {
    let had_bom = text.starts_with('\u{feff}');
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (source, located, format) = if text.trim_start().starts_with('{') {
        let value = serde_json::from_str::<Value>(text).map_err(|err| {
            vec![Finding {
                line: u32::try_from(err.line()).ok(),
                column: u32::try_from(err.column()).ok(),
                ..Finding::at("", format!("this is not valid JSON: {err}"))
            }]
        })?;
        (value, None, "json")
    } else {
        let located = yaml::parse(text).map_err(|f| vec![f])?;
        (located.value.clone(), Some(located), "yaml")
    };
    let locate = |mut findings: Vec<Finding>| {
        if let Some(located) = &located {
            located.locate(&mut findings);
        }
        findings
    };

    let (document, source_version, converted) = match source.get("swagger") {
        Some(Value::String(v)) if v == "2.0" => {
            // References are checked in the source's own terms, so their
            // pointers and lines match what the owner wrote.
            let errors = refs::check(&source);
            if !errors.is_empty() {
                return Err(locate(errors));
            }
            (swagger2::convert(&source), v.clone(), true)
        }
        Some(other) => {
            return Err(locate(vec![Finding::at(
                "/swagger",
                format!("Swagger {other} is not supported: use Swagger 2.0, or OpenAPI 3.0 or 3.1"),
            )]))
        }
        None => {
            let version = validate::openapi_version(&source).map_err(|f| locate(vec![f]))?;
            (source, version, false)
        }
    };
    let openapi_version = validate::openapi_version(&document).map_err(|f| vec![f])?;
    let mut report = validate::check(&document);
    if converted {
        for finding in report.errors.iter_mut().chain(report.warnings.iter_mut()) {
            finding
                .message
                .push_str(" (found after converting Swagger 2.0 to OpenAPI 3.0)");
        }
    }
    if !report.errors.is_empty() {
        return Err(if converted {
            report.errors
        } else {
            locate(report.errors)
        });
    }
    let warnings = if converted {
        report.warnings
    } else {
        locate(report.warnings)
    };
    let info = &document["info"];
    let text_of = |v: &Value| v.as_str().unwrap_or_default().trim().to_owned();
    let description = text_of(&info["description"]);
    let summary = match text_of(&info["summary"]) {
        s if !s.is_empty() => s,
        _ => first_sentence(&description),
    };
    Ok(Prepared {
        title: text_of(&info["title"]),
        info_version: text_of(&info["version"]),
        summary,
        description,
        operations: report.operations,
        openapi_version,
        source_version,
        source_format: format,
        document,
        warnings,
        document_is_source: format == "json" && !converted && !had_bom,
    })
}

/// The first sentence of a description, as a catalogue summary.
fn first_sentence(description: &str) -> String {
    let first_paragraph = description
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace('\n', " ");
    let end = first_paragraph
        .find(". ")
        .map(|i| i + 1)
        .unwrap_or(first_paragraph.len());
    let sentence = first_paragraph[..end].trim();
    if sentence.chars().count() > 200 {
        let cut: String = sentence.chars().take(197).collect();
        format!("{cut}...")
    } else {
        sentence.to_owned()
    }
}

/// What to import, and where.
pub struct ImportRequest<'a> {
    pub agency: &'a Slug,
    pub api: &'a Slug,
    /// The version label; the document's `info.version` when absent.
    pub label: Option<&'a str>,
    pub text: &'a str,
    /// Make a newly created API published (and public) at once.
    pub publish: bool,
    /// Who imports, for the audit log: with an actor, the import records
    /// `version.publish` (and `api.create` when it created the API) in its
    /// own transaction. `None` records nothing (the command line, seeding).
    pub actor: Option<&'a crate::audit::Actor>,
}

/// Why an import stored nothing.
#[derive(Debug)]
pub enum ImportError {
    /// The document has errors; every one found is listed.
    Invalid(Vec<Finding>),
    UnknownAgency(String),
    VersionExists {
        api: String,
        label: String,
    },
    Storage(anyhow::Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(findings) => {
                let n = findings.len();
                writeln!(f, "the document has {n} error{} and was not imported:", if n == 1 { "" } else { "s" })?;
                for finding in findings {
                    writeln!(f, "  {finding}")?;
                }
                Ok(())
            }
            Self::UnknownAgency(slug) => write!(f, "there is no agency `{slug}`: check the slug, or create the agency first"),
            Self::VersionExists { api, label } => write!(
                f,
                "API `{api}` already has a version `{label}`: versions are never overwritten; give the new one another label (--version)"
            ),
            Self::Storage(err) => write!(f, "the import could not be stored: {err:#}"),
        }
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(err: sqlx::Error) -> Self {
        Self::Storage(err.into())
    }
}

/// Imports a document as a new version of an API (creating the API if the
/// agency has none with that slug), and makes it the default version.
pub async fn import(
    db: &Db,
    clock: &Clock,
    request: ImportRequest<'_>,
) -> Result<ImportOutcome, ImportError> {
    let prepared = prepare(request.text).map_err(ImportError::Invalid)?;
    let label = request
        .label
        .map(str::to_owned)
        .unwrap_or_else(|| prepared.info_version.clone());
    if label.trim().is_empty() || label.len() > 64 {
        return Err(ImportError::Invalid(vec![Finding::at(
            "/info/version",
            "the version label must be 1 to 64 characters: set `info.version` or pass --version",
        )]));
    }
    let now = clock.now_text();
    let mut tx = db
        .begin()
        .await
        .context("starting the import")
        .map_err(ImportError::Storage)?;
    let tenant_id = tenants::find_id(&mut tx, request.agency.as_str())
        .await?
        .ok_or_else(|| ImportError::UnknownAgency(request.agency.to_string()))?;
    let name = if prepared.title.is_empty() {
        request.api.as_str()
    } else {
        &prepared.title
    };
    let (api_id, api_created) = catalogue::ensure_api(
        &mut tx,
        &NewApi {
            tenant_id,
            slug: request.api.as_str(),
            name,
            summary: &prepared.summary,
            overview_md: &prepared.description,
            visibility: if request.publish { "public" } else { "private" },
            lifecycle: if request.publish {
                "published"
            } else {
                "draft"
            },
            access_mode: "key",
            upstream_url: None,
        },
        &now,
    )
    .await?;
    if catalogue::find_version_id(&mut tx, api_id, &label)
        .await?
        .is_some()
    {
        return Err(ImportError::VersionExists {
            api: request.api.to_string(),
            label,
        });
    }
    let source_text = request.text;
    let document_text =
        (!prepared.document_is_source).then(|| serialise(&prepared.document, source_text.len()));
    let operations = Index::of(&prepared.document);
    let version_id = catalogue::insert_version(
        &mut tx,
        &NewVersion {
            api_id,
            label: &label,
            openapi_version: &prepared.openapi_version,
            source_format: prepared.source_format,
            source_text,
            document: document_text.as_deref(),
            operations: &operations,
        },
        &now,
    )
    .await?;
    catalogue::set_default_version(&mut tx, api_id, version_id, &now).await?;
    if let Some(actor) = request.actor {
        record_import(
            &mut tx,
            actor,
            tenant_id,
            &request,
            &label,
            api_created,
            &now,
        )
        .await?;
    }
    tx.commit()
        .await
        .context("committing the import")
        .map_err(ImportError::Storage)?;
    // Freeing a large document's tree (millions of small allocations, 80 ms
    // for GitHub's) need not delay the answer.
    let Prepared {
        document,
        openapi_version,
        source_version,
        operations: operation_count,
        warnings,
        ..
    } = prepared;
    tokio::task::spawn_blocking(move || drop((document, operations, document_text)));
    Ok(ImportOutcome {
        agency: request.agency.to_string(),
        api: request.api.to_string(),
        version: label,
        openapi_version,
        source_version,
        operations: operation_count,
        api_created,
        warnings,
    })
}

/// The audit events of an import by a person, on the import's connection.
async fn record_import(
    conn: &mut sqlx::AnyConnection,
    actor: &crate::audit::Actor,
    tenant_id: i64,
    request: &ImportRequest<'_>,
    label: &str,
    api_created: bool,
    now: &str,
) -> sqlx::Result<()> {
    let target = format!("{}/{}", request.agency, request.api);
    if api_created {
        let (visibility, lifecycle) = if request.publish {
            ("public", "published")
        } else {
            ("private", "draft")
        };
        let detail = serde_json::json!({ "after": {
            "slug": request.api.as_str(), "visibility": visibility, "lifecycle": lifecycle,
        } });
        crate::audit::record(
            conn,
            &actor.event(Some(tenant_id), "api.create", &target, detail),
            now,
        )
        .await?;
    }
    let detail = serde_json::json!({ "version": label });
    crate::audit::record(
        conn,
        &actor.event(Some(tenant_id), "version.publish", &target, detail),
        now,
    )
    .await
}

/// The normalised document as JSON text, written into a buffer the size of
/// the source so that it is not copied as it grows.
fn serialise(document: &serde_json::Value, source_len: usize) -> String {
    let mut buffer = Vec::with_capacity(source_len + source_len / 8);
    serde_json::to_writer(&mut buffer, document).expect("a JSON value always serialises");
    String::from_utf8(buffer).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_openapi_3_source_is_stored_once_and_anything_else_twice() {
        let json = include_str!("../demo/specs/train-travel.json");
        assert!(prepare(json).unwrap().document_is_source);
        let with_bom = format!("\u{feff}{json}");
        assert!(
            !prepare(&with_bom).unwrap().document_is_source,
            "a BOM would not parse again"
        );
        let yaml = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths: {}\n";
        assert!(!prepare(yaml).unwrap().document_is_source);
        let swagger = r#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {}}"#;
        assert!(
            !prepare(swagger).unwrap().document_is_source,
            "converted documents differ"
        );
    }

    #[test]
    fn yaml_errors_carry_lines_and_json_errors_too() {
        let errors = prepare("openapi: 3.0.3\ninfo:\n  title: Pets\npaths:\n  /pets/{id}:\n    get:\n      responses: {}\n").unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "line 2, column 1 (/info): add `info.version` as text: it names the API in the catalogue",
                "line 6, column 5 (/paths/~1pets~1{id}/get): the path has `{id}` but the operation declares no path parameter `id`: add it to `parameters`",
            ]
        );
        let errors = prepare("{\"openapi\": \"3.1.0\",\n \"info\": }").unwrap_err();
        assert_eq!(errors[0].line, Some(2));
        assert!(
            errors[0].message.starts_with("this is not valid JSON"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn summary_is_the_first_sentence_of_the_description() {
        assert_eq!(
            first_sentence("Find trips. Book them.\n\nMore."),
            "Find trips."
        );
        assert_eq!(first_sentence("One line\ncontinued"), "One line continued");
    }
}
