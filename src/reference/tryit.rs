//! The try-it console: a form the portal's server sends on the visitor's
//! behalf, to this Portico's own gateway and nowhere else. It works without
//! JavaScript and never depends on CORS.
//!
//! The target is built from fixed parts (the gateway's address, the API's
//! route, the operation's path); the visitor supplies only values, which are
//! percent-encoded into path segments and the query, so no input can point
//! the request elsewhere.

use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;
use hyper::header::{HeaderName, HeaderValue};
use serde_json::Value;

use super::operation::OperationView;
use crate::gateway::proxy::Client;

/// Bodies longer than this are cut on the page.
const BODY_LIMIT: usize = 64 * 1024;

/// The console's fields, as the form sent them.
#[derive(Debug, Clone, Default)]
pub struct TryForm(pub Vec<(String, String)>);

impl TryForm {
    pub fn get(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The form as first shown: the document's examples for required
    /// parameters, the example body.
    pub fn prefilled(view: &OperationView) -> Self {
        let mut fields = Vec::new();
        for p in view
            .parameters
            .iter()
            .filter(|p| p.required || p.documented_example)
        {
            let value = match &p.example {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            fields.push((format!("{}:{}", p.location, p.name), value));
        }
        if let Some(content) = view.body.as_ref().and_then(|b| b.contents.first()) {
            fields.push(("body".into(), content.example.clone().unwrap_or_default()));
        }
        Self(fields)
    }
}

/// A field the visitor must correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// The id of a field's input: letters, digits and `-` only.
    pub fn id_of(field: &str) -> String {
        let safe: String = field
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("try-{safe}")
    }

    pub fn field_id(&self) -> String {
        Self::id_of(&self.field)
    }
}

/// What the gateway answered.
#[derive(Debug, Clone)]
pub struct TryResponse {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub reason: String,
    pub elapsed_ms: u128,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub truncated: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TryOutcome {
    pub errors: Vec<FieldError>,
    pub response: Option<TryResponse>,
}

/// Percent-encodes a path segment: everything but unreserved characters, and
/// dots too, so `..` cannot climb out of the operation's path.
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The request the form describes, or what to correct.
pub struct Prepared {
    pub method: hyper::Method,
    /// Path and query, after the API's route (`/pets/1?limit=2`).
    pub path_and_query: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<(String, String)>,
}

pub fn prepare(
    view: &OperationView,
    form: &TryForm,
    needs_key: bool,
) -> Result<Prepared, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut path = view.operation.path.clone();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut has_query = false;
    let mut headers = Vec::new();
    for p in &view.parameters {
        let field = format!("{}:{}", p.location, p.name);
        let value = form.get(&field);
        if value.is_empty() {
            if p.required && p.location != "cookie" {
                errors.push(FieldError {
                    message: format!("Enter a value for {} ({} parameter)", p.name, p.location),
                    field,
                });
            }
            continue;
        }
        match p.location.as_str() {
            "path" => path = path.replace(&format!("{{{}}}", p.name), &encode_segment(&value)),
            "query" => {
                query.append_pair(&p.name, &value);
                has_query = true;
            }
            "header" => match (
                HeaderName::from_bytes(p.name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                (Ok(name), Ok(value)) => headers.push((name, value)),
                _ => errors.push(FieldError {
                    message: format!(
                        "{} cannot be sent as a header: use printable characters on one line",
                        p.name
                    ),
                    field,
                }),
            },
            _ => {}
        }
    }
    if needs_key {
        let key = form.get("api_key");
        match HeaderValue::from_str(key.trim()) {
            Ok(value) if !key.trim().is_empty() => {
                headers.push((HeaderName::from_static("x-api-key"), value));
            }
            _ => errors.push(FieldError {
                field: "api_key".into(),
                message: "Enter your API key: this API needs one at the gateway".into(),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let body = view.body.as_ref().and_then(|_| {
        let text = form.get("body");
        (!text.trim().is_empty()).then(|| {
            let media = form.get("content_type");
            let media = if media.is_empty() {
                "application/json".into()
            } else {
                media
            };
            (media, text)
        })
    });
    let method = hyper::Method::from_bytes(view.operation.method.to_uppercase().as_bytes())
        .unwrap_or(hyper::Method::GET);
    let mut path_and_query = path;
    if has_query {
        path_and_query.push('?');
        path_and_query.push_str(&query.finish());
    }
    Ok(Prepared {
        method,
        path_and_query,
        headers,
        body,
    })
}

/// Sends the request to the gateway at `gateway_base` (this Portico's own,
/// `http://host:port/agency/api`) and reads at most 64 KB of the answer.
pub async fn send(
    client: &Client,
    gateway_base: &str,
    public_base: &str,
    request: Prepared,
    timeout: Duration,
) -> Result<TryResponse, String> {
    let target = format!("{gateway_base}{}", request.path_and_query);
    let mut builder = hyper::Request::builder()
        .method(request.method.clone())
        .uri(&target)
        .header("user-agent", "Portico try-it console");
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let body = match &request.body {
        Some((media, text)) => {
            builder = builder.header("content-type", media.as_str());
            Body::from(text.clone())
        }
        None => Body::empty(),
    };
    let outgoing = builder
        .body(body)
        .map_err(|_| "The request could not be built from these values.".to_owned())?;
    let started = Instant::now();
    let response = tokio::time::timeout(timeout, client.request(outgoing))
        .await
        .map_err(|_| {
            format!(
                "The gateway did not answer within {} seconds.",
                timeout.as_secs()
            )
        })?
        .map_err(|_| "The gateway could not be reached.".to_owned())?;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = response.into_body();
    let mut bytes = Vec::new();
    let mut truncated = false;
    let read = tokio::time::timeout(timeout, async {
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { break };
            if let Some(chunk) = frame.data_ref() {
                bytes.extend_from_slice(chunk);
                if bytes.len() > BODY_LIMIT {
                    bytes.truncate(BODY_LIMIT);
                    truncated = true;
                    break;
                }
            }
        }
    })
    .await;
    if read.is_err() {
        truncated = true;
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = match serde_json::from_str::<Value>(&text) {
        Ok(json) if !truncated => super::sample::pretty(&json),
        _ => text,
    };
    Ok(TryResponse {
        method: request.method.to_string(),
        url: format!("{public_base}{}", request.path_and_query),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_owned(),
        elapsed_ms: started.elapsed().as_millis(),
        headers,
        body,
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_climb_or_split() {
        assert_eq!(encode_segment("../admin"), "%2E%2E%2Fadmin");
        assert_eq!(encode_segment("a b?c#d"), "a%20b%3Fc%23d");
        assert_eq!(encode_segment("ok-1_~"), "ok-1_~");
    }

    #[test]
    fn ids_are_safe() {
        assert_eq!(
            FieldError::id_of("query:page[size]"),
            "try-query-page-size-"
        );
    }
}
