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
    let client = crate::gateway::proxy::client();
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
