//! Forwarding to the upstream: a pooled hyper client, bodies streamed both
//! ways, hop-by-hop headers removed, `Forwarded` and `X-Forwarded-*` set,
//! and upstream failures mapped to 502 and 504 problems.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::Uri;
use axum::response::Response;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::context::RequestContext;
use super::routes::Matched;
use crate::server::problem::Problem;

pub type Client = hyper_util::client::legacy::Client<HttpConnector, Body>;

/// The pooled client shared by every request.
pub fn client() -> Client {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(Duration::from_secs(5)));
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector)
}

/// Headers that describe one connection, not the message (RFC 9110 7.6.1).
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// Credentials meant for Portico that must never reach an upstream.
const PORTICO_CREDENTIALS: [&str; 1] = ["x-api-key"];

/// Sends the request to the route's upstream and streams the answer back.
pub async fn forward(
    client: &Client,
    timeout: Duration,
    ctx: &RequestContext,
    route: &Matched,
    request: Request,
) -> Result<Response, Problem> {
    let (mut parts, body) = request.into_parts();
    let target = upstream_uri(&route.api.upstream, &route.rest, parts.uri.query())
        .ok_or_else(|| Problem::bad_gateway("The API's upstream address is not valid."))?;
    if target.scheme_str() != Some("http") {
        return Err(Problem::bad_gateway(
            "This API's upstream uses a scheme the gateway cannot call yet (only http).",
        ));
    }
    let original_host = parts.headers.get(header::HOST).cloned();
    strip_hop_by_hop(&mut parts.headers);
    for name in PORTICO_CREDENTIALS {
        parts.headers.remove(name);
    }
    parts.headers.remove(header::HOST);
    add_forwarded(&mut parts.headers, ctx, original_host.as_ref());
    parts.uri = target;

    let upstream_request = Request::from_parts(parts, body);
    let response = match tokio::time::timeout(timeout, client.request(upstream_request)).await {
        Err(_elapsed) => {
            return Err(Problem::gateway_timeout(format!(
                "The API's upstream did not answer within {} seconds.",
                timeout.as_secs()
            )))
        }
        Ok(Err(err)) => {
            tracing::warn!(request.id = ctx.request_id.as_deref().unwrap_or("-"), error = %err, "upstream request failed");
            return Err(Problem::bad_gateway(
                "The API's upstream could not be reached.",
            ));
        }
        Ok(Ok(response)) => response,
    };
    let (mut parts, body) = response.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    Ok(Response::from_parts(parts, Body::new(body)))
}

/// Joins the upstream base, the rest of the path and the query.
fn upstream_uri(base: &str, rest: &str, query: Option<&str>) -> Option<Uri> {
    let mut target = String::with_capacity(base.len() + rest.len() + 1 + query.map_or(0, str::len));
    target.push_str(base);
    target.push_str(rest);
    if let Some(query) = query {
        target.push('?');
        target.push_str(query);
    }
    target.parse().ok()
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // Headers named in Connection are hop-by-hop too.
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named.iter().chain(HOP_BY_HOP.iter()) {
        headers.remove(name);
    }
}

fn add_forwarded(headers: &mut HeaderMap, ctx: &RequestContext, host: Option<&HeaderValue>) {
    let client_ip = ctx.peer.ip().to_string();
    let prior = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let chain = match prior {
        Some(prior) => format!("{prior}, {client_ip}"),
        None => client_ip.clone(),
    };
    let host_text = host
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let forwarded_for = if ctx.peer.is_ipv6() {
        format!("\"[{client_ip}]\"")
    } else {
        client_ip
    };
    let mut forwarded = format!("for={forwarded_for};proto=http");
    if !host_text.is_empty() {
        forwarded.push_str(&format!(";host=\"{host_text}\""));
    }
    let pairs = [
        ("x-forwarded-for", chain),
        ("x-forwarded-proto", "http".to_owned()),
        ("x-forwarded-host", host_text),
        ("forwarded", forwarded),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            if !value.is_empty() {
                headers.insert(name, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_base_rest_and_query() {
        let uri = upstream_uri("http://up.test/v1", "/pets/1", Some("a=1&b=2")).unwrap();
        assert_eq!(uri.to_string(), "http://up.test/v1/pets/1?a=1&b=2");
        assert_eq!(
            upstream_uri("http://up.test", "", None)
                .unwrap()
                .to_string(),
            "http://up.test/"
        );
    }

    #[test]
    fn strips_hop_by_hop_and_connection_named_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONNECTION,
            HeaderValue::from_static("keep-alive, x-secret-hop"),
        );
        headers.insert("x-secret-hop", HeaderValue::from_static("1"));
        headers.insert(header::TE, HeaderValue::from_static("trailers"));
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        strip_hop_by_hop(&mut headers);
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key(header::ACCEPT));
    }
}
