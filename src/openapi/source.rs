//! Where an operator's document comes from: a file, standard input, or an
//! http URL that the operator named (never a URL named inside a document).

use std::time::Duration;

use anyhow::{bail, Context};
use http_body_util::{BodyExt, Limited};
use tokio::io::AsyncReadExt;

/// The largest document Portico reads: GitHub's description is 13 MB.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Reads `-` (standard input), an `http://` URL, or a file path.
pub async fn read(source: &str) -> anyhow::Result<String> {
    let bytes = if source == "-" {
        let mut buf = Vec::new();
        tokio::io::stdin()
            .take(MAX_BYTES as u64 + 1)
            .read_to_end(&mut buf)
            .await
            .context("reading the document from standard input")?;
        buf
    } else if source.starts_with("https://") {
        bail!(
            "`portico import` cannot fetch https URLs yet: download the document first, or pipe it in: curl -sSf {source} | portico import ... -"
        )
    } else if source.starts_with("http://") {
        fetch(source).await?
    } else {
        tokio::fs::read(source)
            .await
            .with_context(|| format!("could not read {source}"))?
    };
    if bytes.len() > MAX_BYTES {
        bail!("the document is larger than {} MB", MAX_BYTES / 1024 / 1024);
    }
    String::from_utf8(bytes).context("the document is not UTF-8 text")
}

/// Reads a document to import. From a file, the files beside it that it
/// refers to are bundled in ([`super::bundle`]); from standard input or a
/// URL, references to other files stay, and the checks refuse them.
pub async fn read_document(source: &str) -> anyhow::Result<String> {
    let text = read(source).await?;
    if source == "-" || source.starts_with("http://") || source.starts_with("https://") {
        return Ok(text);
    }
    let path = std::path::PathBuf::from(source);
    tokio::task::spawn_blocking(move || match super::bundle::bundle(&path, &text) {
        Ok(bundled) => Ok(bundled.unwrap_or(text)),
        Err(problems) => Err(anyhow::Error::new(problems)),
    })
    .await
    .context("bundling the files the document refers to")?
}

async fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    let uri: http::Uri = url
        .parse()
        .with_context(|| format!("`{url}` is not a valid URL"))?;
    let client = crate::gateway::proxy::client(&crate::gateway::proxy::tls_config(None)?);
    let request = http::Request::get(uri)
        .header(
            http::header::ACCEPT,
            "application/json, application/yaml, text/yaml, */*",
        )
        .body(axum::body::Body::empty())
        .context("building the request")?;
    let response = tokio::time::timeout(Duration::from_secs(60), client.request(request))
        .await
        .with_context(|| format!("{url} did not answer within 60 seconds"))?
        .with_context(|| format!("could not fetch {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    let body = Limited::new(response.into_body(), MAX_BYTES)
        .collect()
        .await
        .map_err(|err| anyhow::anyhow!("reading {url}: {err}"))?;
    Ok(body.to_bytes().to_vec())
}

/// How long the portal waits for a document it was asked to fetch.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Fetches a document from an `http://` or `https://` URL that an agency
/// member typed into the portal's publishing form. The error is a sentence
/// for the form.
///
/// This is a server-side request to an address a user chose (SSRF): it can
/// reach what the server can reach, internal addresses included. Only
/// signed-in members of an agency can ask for it, every other scheme is
/// refused, the body is bounded by [`MAX_BYTES`] and the whole fetch by
/// [`FETCH_TIMEOUT`], and the answer is only ever parsed as an OpenAPI
/// document (a failure shows our sentence, never the response body).
pub async fn fetch_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| {
        "Enter the document's address as a full URL, like https://example.gov/openapi.json"
            .to_string()
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err("The document's address must start with http:// or https://".into());
    }
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .map_err(|err| {
            tracing::error!(error = %err, "building the document fetch client");
            "Portico could not fetch the document. Upload the file instead.".to_string()
        })?;
    let unreachable = |err: reqwest::Error| {
        tracing::info!(error = %err, "fetching a document for the portal");
        if err.is_timeout() {
            format!(
                "{parsed} did not answer within {} seconds. Upload the file instead.",
                FETCH_TIMEOUT.as_secs()
            )
        } else {
            format!(
                "Portico could not fetch {parsed}. Check the address, or upload the file instead."
            )
        }
    };
    let mut response = client
        .get(parsed.clone())
        .header(
            reqwest::header::ACCEPT,
            "application/json, application/yaml, text/yaml, */*",
        )
        .send()
        .await
        .map_err(unreachable)?;
    if !response.status().is_success() {
        return Err(format!(
            "{parsed} answered {}: check the address, or upload the file instead.",
            response.status()
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(format!(
                "The document is larger than {} MB.",
                MAX_BYTES / 1024 / 1024
            ));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "The document is not UTF-8 text.".to_string())
}
