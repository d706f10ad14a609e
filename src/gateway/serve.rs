//! Serving API calls: one thread per core, each running a single-threaded
//! runtime with its own HTTP/1.1 connections and its own pool of upstream
//! connections, as nginx runs one worker per core.
//!
//! One listener accepts on the node's runtime and hands each connection to
//! the next thread in turn. From then on everything about the connection
//! (parsing the call, the phases, the upstream's connection and its answer)
//! happens on that thread: no task moves between threads and no wake-up
//! crosses them, which a shared work-stealing runtime does on nearly every
//! proxied call (the caller's connection on one worker, the upstream's on
//! the other). What the threads share (keys, limits, usage, metrics) is
//! behind locks and atomics already.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;

use super::context::Peer;
use super::upstream::Upstreams;
use super::{call, is_own_page, Gateway};

/// How long a caller may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long calls in flight may take to finish once the node stops.
const GRACE: Duration = Duration::from_secs(30);

type Accepted = (std::net::TcpStream, SocketAddr);

/// The number of serving threads: `configured`, or one per core when 0.
pub fn threads(configured: usize) -> usize {
    match configured {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Serves `listener` on `threads` threads until `stopped` completes, then
/// lets calls in flight finish (for at most 30 s) and returns.
pub async fn serve(
    listener: TcpListener,
    gateway: Gateway,
    threads: usize,
    stopped: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut workers = Vec::with_capacity(threads.max(1));
    for n in 0..threads.max(1) {
        let (streams, incoming) = mpsc::unbounded_channel::<Accepted>();
        let (finished, done) = oneshot::channel::<()>();
        // Each thread has its own upstream pool, so that a pooled
        // connection is always driven by the thread that uses it.
        let gateway = Arc::new(Gateway {
            upstreams: Upstreams::new(&gateway.tls),
            ..gateway.clone()
        });
        std::thread::Builder::new()
            .name(format!("gateway-{n}"))
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(work(incoming, gateway)),
                    Err(err) => tracing::error!(error = %err, "gateway thread not started"),
                }
                let _ = finished.send(());
            })?;
        workers.push((streams, done));
    }
    tokio::pin!(stopped);
    let mut next = 0;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut stopped => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) if is_connection_error(&err) => continue,
            Err(err) => {
                // Out of file descriptors, say: wait rather than spin.
                tracing::error!(error = %err, "the gateway cannot accept connections");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(err) => {
                tracing::debug!(error = %err, "a connection closed before it was served");
                continue;
            }
        };
        if workers[next].0.send((stream, peer)).is_err() {
            tracing::error!(thread = next, "a gateway thread stopped");
        }
        next = (next + 1) % workers.len();
    }
    drop(listener);
    // Every thread's sender is dropped before any is awaited, so that all
    // of them finish their calls in flight at once, not one after another.
    let done: Vec<_> = workers.into_iter().map(|(_, done)| done).collect();
    for done in done {
        let _ = done.await;
    }
    Ok(())
}

/// One thread's work: serve each connection it is handed until the
/// listener closes, then finish the calls in flight.
async fn work(mut incoming: mpsc::UnboundedReceiver<Accepted>, gateway: Arc<Gateway>) {
    let pages = gateway.clone().pages();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let sweeper = tokio::spawn({
        let upstreams = gateway.upstreams.clone();
        async move {
            let mut every = tokio::time::interval(super::upstream::IDLE_FOR);
            loop {
                every.tick().await;
                upstreams.sweep();
            }
        }
    });
    while let Some((stream, peer)) = incoming.recv().await {
        let stream = match tokio::net::TcpStream::from_std(stream) {
            Ok(stream) => stream,
            Err(err) => {
                tracing::error!(error = %err, "a connection could not be served");
                continue;
            }
        };
        // Answers are written whole; as nginx does on keep-alive
        // connections, do not hold a short last segment back.
        let _ = stream.set_nodelay(true);
        // What each call on this connection needs, behind one reference.
        let conn = Arc::new(Connection {
            gateway: gateway.clone(),
            pages: pages.clone(),
            peer: Peer::new(peer),
        });
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            let conn = conn.clone();
            async move {
                if is_own_page(request.uri().path()) {
                    request.extensions_mut().insert(ConnectInfo(conn.peer.addr));
                    conn.pages.clone().oneshot(request).await
                } else {
                    Ok(call(&conn.gateway, &conn.peer, request).await)
                }
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "a gateway connection ended with an error");
            }
        });
    }
    sweeper.abort();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(GRACE) => {
            tracing::warn!("calls still in flight after {GRACE:?} were cut off");
        }
    }
}

/// One caller's connection.
struct Connection {
    gateway: Arc<Gateway>,
    pages: axum::Router,
    peer: Peer,
}

/// Errors of one connection, not of the listener.
fn is_connection_error(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        err.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
