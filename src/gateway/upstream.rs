//! Connections to upstreams, kept open between calls: one pool per serving
//! thread, so that a connection is always driven by the thread that uses
//! it.
//!
//! A connection goes back to its pool when the upstream's answer has been
//! read to its end, and is taken again by the next call to the same
//! upstream. Calls at once to one upstream use as many connections; at
//! most [`MAX_IDLE`] stay open per upstream and thread, each for at most
//! [`IDLE_FOR`] unused. A call sent on a pooled connection that the
//! upstream closed meanwhile, before a byte of it was written, is sent
//! again on a new connection; nothing that reached the upstream is ever
//! sent twice.
//!
//! hyper-util's pooled client does the same in general; this one does no
//! more than a gateway needs, and costs less per call: its lock is never
//! contended, and no task is spawned per call to watch for the connection
//! to be free again.

use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::header::{self, HeaderValue};
use axum::http::uri::{Authority, Scheme};
use axum::http::{Request, Response, Uri};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::ClientConfig;
use tower::ServiceExt;

use super::FastMap;

/// Connections kept open per upstream and thread.
pub const MAX_IDLE: usize = 128;
/// How long an unused connection is kept.
pub const IDLE_FOR: Duration = Duration::from_secs(60);

/// An upstream's address as its connections are pooled under, compared
/// and hashed by `key` (`scheme://authority` in lower case), made once when
/// the routes load: hashing the `Authority` itself on every call (byte by
/// byte, case-folded, with std's SipHash) was 3% of a call's instructions.
#[derive(Debug, Clone)]
struct Origin {
    scheme: Scheme,
    authority: Authority,
    key: Arc<str>,
}

impl Origin {
    fn new(scheme: Scheme, authority: Authority) -> Self {
        let key = format!("{scheme}://{authority}").to_ascii_lowercase();
        Self {
            scheme,
            authority,
            key: key.into(),
        }
    }
}

impl PartialEq for Origin {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Origin {}

impl Hash for Origin {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

struct Idle {
    sender: SendRequest<Body>,
    since: Instant,
}

/// One serving thread's connections to upstreams.
#[derive(Clone)]
pub struct Upstreams {
    connector: HttpsConnector<HttpConnector>,
    idle: Arc<Mutex<FastMap<Origin, Vec<Idle>>>>,
}

/// Why a call did not reach its upstream, or got no answer.
#[derive(Debug)]
pub enum UpstreamError {
    /// Connecting, or the TLS handshake, failed.
    Connect(Box<dyn std::error::Error + Send + Sync>),
    /// The connection failed while the call was sent or answered.
    Http(hyper::Error),
    /// The upstream's address has no host.
    NoHost,
}

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Connect(_) => "connecting to the upstream failed",
            Self::Http(_) => "the upstream connection failed",
            Self::NoHost => "the upstream address has no host",
        })
    }
}

impl std::error::Error for UpstreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Connect(err) => Some(err.as_ref()),
            Self::Http(err) => Some(err),
            Self::NoHost => None,
        }
    }
}

impl From<hyper::Error> for UpstreamError {
    fn from(err: hyper::Error) -> Self {
        Self::Http(err)
    }
}

impl Upstreams {
    /// A pool with no connection yet, speaking TLS with `tls` to https
    /// upstreams.
    pub fn new(tls: &ClientConfig) -> Self {
        Self {
            connector: super::proxy::connector(tls),
            idle: Arc::default(),
        }
    }

    /// Sends `request` (whose URI is the path and query) to `base`'s
    /// origin and returns the answer, its body streaming; the connection
    /// returns to the pool once the body has been read to its end.
    pub async fn send(
        &self,
        base: &Base,
        mut request: Request<Body>,
    ) -> Result<Response<Body>, UpstreamError> {
        request
            .headers_mut()
            .insert(header::HOST, base.host.clone());
        loop {
            let (mut sender, reused) = match self.take(&base.origin).await {
                Some(sender) => (sender, true),
                None => (self.connect(&base.origin).await?, false),
            };
            match sender.try_send_request(request).await {
                Ok(response) => {
                    return Ok(self.give_back_at_end(response, base.origin.clone(), sender))
                }
                Err(mut err) => match err.take_message() {
                    // Not a byte was written: a pooled connection the
                    // upstream had closed. Send again, on another.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(err.into_error().into()),
                },
            }
        }
    }

    /// A pooled connection to `origin` that is open and free, if any.
    async fn take(&self, origin: &Origin) -> Option<SendRequest<Body>> {
        loop {
            let Idle { mut sender, since } = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_mut(origin)?
                .pop()?;
            // Closed by the upstream, or unused for too long: dropped,
            // which closes it. A connection given back as its answer
            // ended may not have noticed the end yet: it is free as soon
            // as it has.
            if since.elapsed() < IDLE_FOR && !sender.is_closed() && sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    async fn connect(&self, origin: &Origin) -> Result<SendRequest<Body>, UpstreamError> {
        let uri = Uri::builder()
            .scheme(origin.scheme.clone())
            .authority(origin.authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|_| UpstreamError::NoHost)?;
        let io = self
            .connector
            .clone()
            .oneshot(uri)
            .await
            .map_err(UpstreamError::Connect)?;
        let (sender, connection) = http1::handshake(io).await?;
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "an upstream connection ended with an error");
            }
        });
        Ok(sender)
    }

    fn give_back_at_end(
        &self,
        response: Response<Incoming>,
        origin: Origin,
        sender: SendRequest<Body>,
    ) -> Response<Body> {
        let home = Home {
            upstreams: self.clone(),
            origin,
            sender,
        };
        let (parts, body) = response.into_parts();
        let body = if body.is_end_stream() {
            home.give_back();
            Body::new(body)
        } else {
            Body::new(Returning {
                body,
                home: Some(home),
            })
        };
        Response::from_parts(parts, body)
    }

    /// Drops every unused connection that is closed or too old; the pool
    /// does this as it is used, this is for a pool that is not.
    pub fn sweep(&self) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        for list in idle.values_mut() {
            list.retain(|idle| idle.since.elapsed() < IDLE_FOR && !idle.sender.is_closed());
        }
        idle.retain(|_, list| !list.is_empty());
    }
}

/// Where a connection goes back once its answer is read.
struct Home {
    upstreams: Upstreams,
    origin: Origin,
    sender: SendRequest<Body>,
}

impl Home {
    fn give_back(self) {
        if self.sender.is_closed() {
            return;
        }
        let mut idle = self
            .upstreams
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let list = idle.entry(self.origin).or_default();
        if list.len() < MAX_IDLE {
            list.push(Idle {
                sender: self.sender,
                since: Instant::now(),
            });
        }
    }
}

/// An upstream's answer body that puts its connection back in the pool
/// when it ends. Dropped before its end (the caller went away), the
/// connection is dropped too: it still carries the rest of the answer.
struct Returning {
    body: Incoming,
    home: Option<Home>,
}

impl hyper::body::Body for Returning {
    type Data = axum::body::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        // A body of known length is at its end with its last frame, and
        // hyper's server stops polling it there.
        let ended = match &polled {
            Poll::Ready(None) => true,
            Poll::Ready(Some(Ok(_))) => self.body.is_end_stream(),
            Poll::Ready(Some(Err(_))) => {
                self.home = None;
                false
            }
            Poll::Pending => false,
        };
        if ended {
            if let Some(home) = self.home.take() {
                home.give_back();
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// `host` or `host:port` when the port is not the scheme's own.
fn host_header(origin: &Origin) -> &str {
    let default = if origin.scheme == Scheme::HTTPS {
        443
    } else {
        80
    };
    match origin.authority.port_u16() {
        Some(port) if port != default => origin.authority.as_str(),
        _ => origin.authority.host(),
    }
}

/// An upstream's base URL, taken apart once, when the routes load: the
/// origin its connections are pooled under, the Host header and the path
/// that calls' paths are appended to.
#[derive(Debug, Clone)]
pub struct Base {
    origin: Origin,
    host: HeaderValue,
    /// Without a trailing `/`; empty for none.
    path: String,
}

impl Base {
    /// `None` unless `url` is an absolute http:// or https:// URL. A query
    /// in it is not kept: each call's own query is sent.
    pub fn parse(url: &str) -> Option<Self> {
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme()?.clone();
        if scheme != Scheme::HTTP && scheme != Scheme::HTTPS {
            return None;
        }
        let origin = Origin::new(scheme, uri.authority()?.clone());
        let host = HeaderValue::from_str(host_header(&origin)).ok()?;
        Some(Self {
            host,
            origin,
            path: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// The request target (origin form, as HTTP/1.1 sends it) for the
    /// rest of a call's path after the API's prefix, and its query.
    pub fn target(&self, rest: &str, query: Option<&str>) -> Option<Uri> {
        let mut target =
            String::with_capacity(self.path.len() + rest.len() + 2 + query.map_or(0, str::len));
        target.push_str(&self.path);
        target.push_str(rest);
        if target.is_empty() {
            target.push('/');
        }
        if let Some(query) = query {
            target.push('?');
            target.push_str(query);
        }
        Uri::try_from(target).ok()
    }
}

#[cfg(test)]
mod tests;
