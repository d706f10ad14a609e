//! The demo upstream: an echo service that answers every request with what it
//! received, so a developer can see what the gateway passes on (and what it
//! strips).

use axum::body::Bytes;
use axum::extract::{Path, Request};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Map, Value};

/// `ANY /demo-upstream/{api}/{*rest}`: echoes the request as JSON.
pub async fn echo(Path((api, rest)): Path<(String, String)>, request: Request) -> Json<Value> {
    respond(api, rest, request).await
}

/// `ANY /demo-upstream/{api}`: the API's root.
pub async fn echo_root(Path(api): Path<String>, request: Request) -> Json<Value> {
    respond(api, String::new(), request).await
}

async fn respond(api: String, rest: String, request: Request) -> Json<Value> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_else(|_| Bytes::new());
    Json(json!({
        "service": "Portico demo upstream",
        "api": api,
        "method": parts.method.as_str(),
        "path": format!("/{rest}"),
        "query": parts.uri.query(),
        "headers": headers_as_json(&parts.headers),
        "body_bytes": body.len(),
    }))
}

fn headers_as_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        map.insert(
            name.as_str().to_owned(),
            Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        );
    }
    Value::Object(map)
}
