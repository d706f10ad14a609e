//! Forms that carry an OpenAPI document: the multipart body read into its
//! fields and file, the document taken from the file or fetched from the
//! URL given, and what an import refused turned into the form's errors.

use std::collections::BTreeMap;

use axum::extract::multipart::{Multipart, MultipartRejection};

use crate::app::forms::FieldError;
use crate::openapi::import::ImportError;
use crate::openapi::source::{self, MAX_BYTES};
use crate::server::error::AppError;

/// The field that carries the file.
pub const FILE_FIELD: &str = "document";
/// The field that names a URL to fetch the document from instead.
pub const URL_FIELD: &str = "document_url";

/// A form with a document, as sent.
#[derive(Debug, Default)]
pub struct Upload {
    /// The text fields, by name.
    pub fields: BTreeMap<String, String>,
    /// The file's bytes; empty when no file was chosen.
    pub file: Vec<u8>,
}

impl Upload {
    /// A text field, trimmed (empty when absent).
    pub fn field(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }
}

/// Reads a multipart form. A form sent another way (not from the page)
/// comes back as the sentence to show.
pub async fn read(form: Result<Multipart, MultipartRejection>) -> Result<Upload, String> {
    let resend = "The form did not arrive whole. Choose the file again and send the form.";
    let mut form = form.map_err(|_| resend.to_string())?;
    let mut upload = Upload::default();
    while let Some(field) = form.next_field().await.map_err(|_| resend.to_string())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == FILE_FIELD {
            let bytes = field.bytes().await.map_err(|_| {
                format!(
                    "The file is larger than {} MB, or did not arrive whole.",
                    MAX_BYTES / 1024 / 1024
                )
            })?;
            upload.file = bytes.to_vec();
        } else {
            let text = field.text().await.map_err(|_| resend.to_string())?;
            upload.fields.insert(name, text);
        }
    }
    Ok(upload)
}

/// The document's text: the file, or what the URL answers. The error is on
/// the field to fix.
pub async fn document(upload: &Upload) -> Result<String, FieldError> {
    let url = upload.field(URL_FIELD);
    match (upload.file.is_empty(), url.is_empty()) {
        (true, true) => Err(FieldError::new(
            FILE_FIELD,
            "Choose the OpenAPI document (JSON or YAML) to upload, or give the URL to fetch it from",
        )),
        (false, false) => Err(FieldError::new(
            URL_FIELD,
            "Give either a file or a URL, not both: clear the URL to upload the file",
        )),
        (false, true) => String::from_utf8(upload.file.clone()).map_err(|_| {
            FieldError::new(FILE_FIELD, "The file is not UTF-8 text: choose the JSON or YAML document")
        }),
        (true, false) => source::fetch_url(&url)
            .await
            .map_err(|sentence| FieldError::new(URL_FIELD, sentence)),
    }
}

/// What an import refused, as the form's errors: every finding of a
/// document with errors, with where it is. Storage failures stay errors.
pub fn refusal(err: ImportError, document_field: &str) -> Result<Vec<FieldError>, AppError> {
    match err {
        ImportError::Invalid(findings) => {
            let n = findings.len();
            let mut errors = vec![FieldError::new(
                document_field,
                format!(
                    "The document has {n} error{} and was not imported: fix {} and choose the file again",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" },
                ),
            )];
            errors.extend(
                findings
                    .iter()
                    .map(|finding| FieldError::new(document_field, finding.to_string())),
            );
            Ok(errors)
        }
        ImportError::VersionExists { api, label } => Ok(vec![FieldError::new(
            "label",
            format!(
                "{api} already has a version {label:?}: versions are never overwritten, so give this one another label"
            ),
        )]),
        ImportError::UnknownAgency(slug) => {
            Err(AppError::NotFound(format!("There is no agency {slug:?}.")))
        }
        ImportError::Storage(err) => Err(AppError::Internal(err)),
    }
}

/// The session key of an import's warnings, shown once on the next page.
const WARNINGS: &str = "publish.warnings";

/// Leaves an import's warnings for the next page.
pub async fn leave_warnings(
    session: &tower_sessions::Session,
    warnings: Vec<String>,
) -> Result<(), AppError> {
    if !warnings.is_empty() {
        session.insert(WARNINGS, warnings).await?;
    }
    Ok(())
}

/// Inside a server function: the warnings left for this page, removed.
pub async fn take_warnings() -> Result<Vec<String>, AppError> {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let Some(session) = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<tower_sessions::Session>())
    else {
        return Ok(Vec::new());
    };
    Ok(session
        .remove::<Vec<String>>(WARNINGS)
        .await?
        .unwrap_or_default())
}
