//! Forwarding to the upstream: a pooled hyper client, bodies streamed both
//! ways, hop-by-hop headers removed, `Forwarded` and `X-Forwarded-*` set,
//! the key removed, the consumer's identity token added, request bodies
//! limited in size (413), and upstream failures mapped to 502 and 504.

use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use hyper::body::Body as _;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::ClientConfig;

use super::auth::{authorization_is_a_key, KEY_HEADER};
use super::context::{Peer, RequestContext};
use super::identity;
use super::respond::Refusal;
use super::routes::Matched;
use super::upstream::Upstreams;
use crate::server::problem::Problem;

pub type Client = hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Body>;

/// A pooled client over http or https with `tls`, for the portal's calls
/// (importing a description, trying an API out); API calls through the
/// gateway use [`Upstreams`].
pub fn client(tls: &ClientConfig) -> Client {
    hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .build(connector(tls))
}

/// Connects over http, or https with `tls`, within 5 seconds.
pub fn connector(tls: &ClientConfig) -> HttpsConnector<HttpConnector> {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(Duration::from_secs(5)));
    connector.set_nodelay(true);
    connector.enforce_http(false);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls.clone())
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector)
}

/// TLS to upstreams: the certificate authorities the system trusts
/// (Debian's ca-certificates), and those of `extra_ca_file` (PEM), for
/// agencies whose upstreams use a certificate of their own authority.
pub fn tls_config(extra_ca_file: Option<&Path>) -> anyhow::Result<ClientConfig> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    let mut roots = rustls::RootCertStore::empty();
    let system = rustls_native_certs::load_native_certs();
    let (added, _) = roots.add_parsable_certificates(system.certs);
    if added == 0 {
        tracing::warn!("no system certificate authorities found: https upstreams are trusted only through --upstream-ca-file");
    }
    if let Some(path) = extra_ca_file {
        let read = |err: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "--upstream-ca-file {}: {err}; it should name a PEM file of CA certificates",
                path.display()
            )
        };
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|err| read(&err))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| read(&err))?;
        if certs.is_empty() {
            return Err(read(&"it holds no certificate"));
        }
        for cert in certs {
            roots.add(cert).map_err(|err| read(&err))?;
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Headers that describe one connection, not the message (RFC 9110 7.6.1).
/// A `static`, not a `const`: a `const` array of header names is built,
/// and dropped, wherever it is used, which was once per header per call.
static HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// How to forward one call.
pub struct Forwarding<'a> {
    pub upstreams: &'a Upstreams,
    /// How long the upstream may take to answer.
    pub timeout: Duration,
    /// The largest request body passed on, in bytes.
    pub max_body: u64,
    /// The consumer's identity token, for key APIs.
    pub identity: Option<HeaderValue>,
    /// The caller's end of the connection.
    pub peer: &'a Peer,
}

/// Sends the request to the route's upstream and streams the answer back.
pub async fn forward(
    how: Forwarding<'_>,
    ctx: &RequestContext,
    route: &Matched,
    request: Request,
) -> Result<Response, Refusal> {
    let (upstreams, timeout) = (how.upstreams, how.timeout);
    let (mut parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > how.max_body) {
        return Err(Refusal::too_large(how.max_body));
    }
    // A body of declared length is held to it by hyper, and a call without
    // one (most GETs) has nothing to count: only a chunked body is counted
    // as it streams.
    let body = if declared.is_some() || body.is_end_stream() {
        body
    } else {
        let limit = usize::try_from(how.max_body).unwrap_or(usize::MAX);
        Body::new(http_body_util::Limited::new(body, limit))
    };
    let base = route.api.target.as_ref().ok_or_else(|| {
        Problem::bad_gateway("This API's upstream address is not an http:// or https:// URL.")
    })?;
    let target = base
        .target(&route.rest, parts.uri.query())
        .ok_or_else(|| Problem::bad_gateway("The API's upstream address is not valid."))?;
    let original_host = parts.headers.get(header::HOST).cloned();
    strip_hop_by_hop(&mut parts.headers);
    strip_credentials(&mut parts.headers, how.identity);
    // The caller's Host is replaced by the upstream's as the call is sent.
    add_forwarded(&mut parts.headers, how.peer, original_host.as_ref());
    parts.uri = target;

    let upstream_request = Request::from_parts(parts, body);
    let response = match tokio::time::timeout(timeout, upstreams.send(base, upstream_request)).await
    {
        Err(_elapsed) => {
            return Err(Problem::gateway_timeout(format!(
                "The API's upstream did not answer within {} seconds.",
                timeout.as_secs()
            ))
            .into())
        }
        Ok(Err(err)) if body_too_large(&err) => return Err(Refusal::too_large(how.max_body)),
        Ok(Err(err)) if is_certificate_error(&err) => {
            tracing::warn!(request.id = ctx.request_id(), error = ?err, "upstream certificate not trusted");
            return Err(Problem::bad_gateway(
                "The API's upstream presented a TLS certificate the gateway does not trust.",
            )
            .into());
        }
        Ok(Err(err)) => {
            tracing::warn!(request.id = ctx.request_id(), error = ?err, "upstream request failed");
            return Err(Problem::bad_gateway("The API's upstream could not be reached.").into());
        }
        Ok(Ok(response)) => response,
    };
    let (mut parts, body) = response.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    Ok(Response::from_parts(parts, body))
}

/// Removes the caller's Portico key (never the upstream's own credentials)
/// and any identity header the caller sent, then adds the gateway's.
fn strip_credentials(headers: &mut HeaderMap, identity: Option<HeaderValue>) {
    headers.remove(&KEY_HEADER);
    if authorization_is_a_key(headers) {
        headers.remove(header::AUTHORIZATION);
    }
    match identity {
        Some(token) => headers.insert(identity::HEADER, token),
        None => headers.remove(&identity::HEADER),
    };
}

/// Whether the upstream call failed because the request body went over
/// the limit while it streamed.
fn body_too_large(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(err);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Whether the upstream call failed on the upstream's TLS certificate.
fn is_certificate_error(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(rustls::Error::InvalidCertificate(_)) = err.downcast_ref::<rustls::Error>() {
            return true;
        }
        // An io::Error's own source() skips the error it wraps.
        next = match err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    false
}

fn strip_hop_by_hop(headers: &mut HeaderMap) {
    // One pass over the names present, rather than a lookup for each of
    // the eight: most messages carry none, or only Connection.
    let found: Vec<HeaderName> = headers
        .keys()
        .filter(|name| HOP_BY_HOP.contains(name))
        .cloned()
        .collect();
    if found.is_empty() {
        return;
    }
    // Headers named in Connection are hop-by-hop too.
    let named: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|name| {
            !name.eq_ignore_ascii_case("keep-alive") && !name.eq_ignore_ascii_case("close")
        })
        .filter_map(|name| HeaderName::from_bytes(name.as_bytes()).ok())
        .collect();
    for name in named.iter().chain(found.iter()) {
        headers.remove(name);
    }
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");

/// This hop's entries in `X-Forwarded-For` (appended to the caller's
/// chain), `Forwarded` and `X-Forwarded-Proto`/`-Host`.
fn add_forwarded(headers: &mut HeaderMap, peer: &Peer, host: Option<&HeaderValue>) {
    let chain = match headers.get(&X_FORWARDED_FOR).and_then(|v| v.to_str().ok()) {
        Some(prior) => HeaderValue::try_from(format!("{prior}, {}", peer.addr.ip())).ok(),
        None => Some(peer.ip.clone()),
    };
    if let Some(chain) = chain {
        headers.insert(X_FORWARDED_FOR, chain);
    }
    // A host that is not one (empty, or with a quote or backslash that
    // would end the quoted `host=` early and forge what follows) is not
    // passed on.
    let host =
        host.filter(|h| !h.is_empty() && h.to_str().is_ok_and(|text| !text.contains(['"', '\\'])));
    if let Some(forwarded) = peer.forwarded(host) {
        headers.insert(header::FORWARDED, forwarded);
    }
    headers.insert(X_FORWARDED_PROTO, HeaderValue::from_static("http"));
    match host {
        Some(host) => headers.insert(X_FORWARDED_HOST, host.clone()),
        None => headers.remove(X_FORWARDED_HOST),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn forwarding_headers_name_this_hop_and_the_callers_host() {
        let peer = Peer::new("10.1.2.3:4000".parse().unwrap());
        let forwarded = |host: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(X_FORWARDED_FOR, HeaderValue::from_static("192.0.2.9"));
            let host = HeaderValue::from_static(host);
            add_forwarded(&mut headers, &peer, Some(&host));
            let text =
                |name: &HeaderName| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            (
                text(&header::FORWARDED),
                text(&X_FORWARDED_HOST),
                text(&X_FORWARDED_FOR),
            )
        };
        let api = (
            Some("for=10.1.2.3;proto=http;host=\"api.example.gov\"".to_owned()),
            Some("api.example.gov".to_owned()),
            Some("192.0.2.9, 10.1.2.3".to_owned()),
        );
        assert_eq!(forwarded("api.example.gov"), api);
        // The value kept for the connection changes with the host, and back.
        let other = forwarded("other.example.gov:8443");
        assert_eq!(
            other.0.as_deref(),
            Some("for=10.1.2.3;proto=http;host=\"other.example.gov:8443\"")
        );
        assert_eq!(forwarded("api.example.gov"), api);
        // A quote would end host="..." early and forge a `for=`.
        let forged = forwarded("x\";for=203.0.113.1");
        assert_eq!(forged.0.as_deref(), Some("for=10.1.2.3;proto=http"));
        assert_eq!(forged.1, None);
        let ipv6 = Peer::new("[2001:db8::1]:4000".parse().unwrap());
        assert_eq!(
            ipv6.forwarded(None).unwrap(),
            "for=\"[2001:db8::1]\";proto=http"
        );
    }
}
