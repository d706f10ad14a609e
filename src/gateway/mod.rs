//! The data plane: routes API calls to agencies' upstreams.
//!
//! A request passes named phases that share one [`context::RequestContext`]:
//! route, authenticate, authorise, limit, forward, respond, and record
//! (always, errors included). Nothing on the request path awaits the
//! database: routes, keys and subscriptions come from in-memory tables
//! loaded at start and changed through [`changes::Changes`] as soon as the
//! portal commits; quotas and usage are counted in memory and written in
//! batches by a background task.

pub mod auth;
pub mod changes;
pub mod context;
pub mod feed;
pub mod identity;
pub mod limits;
mod pages;
pub mod proxy;
pub mod quota;
pub mod respond;
pub mod routes;
pub mod serve;
pub mod shared_limits;
pub mod snapshot;
pub mod upstream;
pub mod usage;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::db::Db;
use crate::metrics::gateway::{GatewayMetrics, Limit};
use crate::server::clock::Clock;
use crate::server::health;
use crate::server::problem::Problem;

use context::{Peer, RequestContext};
use limits::{RateLimits, Verdict};
use quota::Quotas;
use respond::Refusal;
use routes::{AccessMode, Matched, RouteTable};
use shared_limits::SharedLimits;
use snapshot::{Grant, KeyEntry, Snapshot};
use usage::UsageSink;

/// The gateway's in-memory tables, looked up several times per call: std's
/// SipHash was 7% of the serving threads' instructions. foldhash is seeded
/// at random per process like std's; its keys here are database ids, the
/// SHA-256 of keys and published route names, none of which a caller can
/// choose so as to make them collide.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// `work`, given up when it has not finished within `limit`: a database
/// connection cut without a word leaves a query waiting for ever. The
/// error says that `what` got no answer.
pub async fn within<T, E>(
    limit: Duration,
    what: &str,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> anyhow::Result<T>
where
    E: Into<anyhow::Error>,
{
    match tokio::time::timeout(limit, work).await {
        Ok(done) => done.map_err(Into::into),
        Err(_) => Err(anyhow::anyhow!(
            "{what} got no answer within {} s",
            limit.as_secs()
        )),
    }
}

/// How the gateway is set up.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long an upstream may take to answer before the caller gets 504.
    pub upstream_timeout: Duration,
    /// The largest request body passed to an upstream (larger: 413).
    pub max_body_bytes: u64,
    /// How often usage and quota counters are written.
    pub flush_every: Duration,
    /// Where Portico's keys live (the upstream signing key among them).
    pub keys_dir: PathBuf,
    /// The gateway's public base URL: the identity token's issuer.
    pub issuer: String,
    /// Redis, where a cluster's gateway nodes share rate limits and quotas;
    /// `None`: this node limits alone, in memory.
    pub redis_url: Option<String>,
    /// Who may read `/metrics` (loopback only, or a bearer token).
    pub metrics: crate::metrics::Access,
    /// Certificate authorities trusted for https upstreams besides the
    /// system's (a PEM file).
    pub upstream_ca_file: Option<PathBuf>,
}

/// What every gateway request needs, cheap to clone.
#[derive(Clone)]
pub struct Gateway {
    /// The database, for health checks only: the request path never awaits it.
    pub db: Db,
    /// The time source; fixed in tests.
    pub clock: Clock,
    /// The routes the gateway knows, swapped whole on change.
    pub routes: RouteTable,
    /// Keys and approved subscriptions, changed through `changes`.
    pub snapshot: Snapshot,
    /// Per-second and per-minute rates per (key, API).
    pub rates: RateLimits,
    /// Daily and monthly quotas per (key, API).
    pub quotas: Quotas,
    /// The limits shared with the cluster's other nodes in Redis, when
    /// configured; they fall back on `rates` and `quotas`.
    pub shared: Option<SharedLimits>,
    /// Where each call is recorded.
    pub usage: UsageSink,
    /// Signs the consumer's identity for upstreams.
    pub identity: Arc<identity::Identity>,
    /// Connections to the upstreams (each serving thread has its own).
    pub upstreams: upstream::Upstreams,
    /// TLS to https upstreams, for more pools (one per serving thread).
    pub tls: Arc<rustls::ClientConfig>,
    /// Calls, latencies and refusals, for `/metrics`.
    pub metrics: Arc<GatewayMetrics>,
    /// Whether the database answered lately.
    pub database: health::DbWatch,
    /// How changes of other nodes reach this one.
    pub feed: feed::Feed,
    pub options: Options,
}

impl Gateway {
    /// Loads the snapshot and the quota counters, and starts the usage task.
    pub async fn start(
        db: Db,
        clock: Clock,
        routes: RouteTable,
        options: Options,
    ) -> anyhow::Result<Self> {
        let now = clock.now();
        let snapshot = Snapshot::load(&db, now).await?;
        let quotas = Quotas::default();
        let stored = crate::usage::repo::load_quotas(
            db.pool(),
            &crate::usage::service::day_window(now),
            &crate::usage::service::month_window(now),
        )
        .await?;
        quotas.load(&stored, now);
        let rates = RateLimits::default();
        rates.sweep_every_minute();
        let shared = match &options.redis_url {
            Some(url) => Some(SharedLimits::connect(url, rates.clone(), quotas.clone()).await?),
            None => None,
        };
        let (keys, grants) = snapshot.counts();
        tracing::info!(keys, subscriptions = grants, "gateway snapshot loaded");
        let identity = identity::Identity::load_or_generate(&options.keys_dir, &options.issuer)?;
        let tls = Arc::new(proxy::tls_config(options.upstream_ca_file.as_deref())?);
        let usage = UsageSink::start(
            db.clone(),
            clock.clone(),
            quotas.clone(),
            options.flush_every,
        );
        let database = health::DbWatch::spawn(db.clone());
        Ok(Self {
            db,
            clock,
            routes,
            snapshot,
            rates,
            quotas,
            shared,
            usage,
            identity: Arc::new(identity),
            upstreams: upstream::Upstreams::new(&tls),
            tls,
            metrics: Arc::default(),
            database,
            feed: feed::Feed::in_process(),
            options,
        })
    }

    /// The bus through which the portal's changes reach this gateway.
    pub fn changes(&self) -> changes::Changes {
        changes::Changes::new(
            self.db.clone(),
            self.clock.clone(),
            self.routes.clone(),
            self.snapshot.clone(),
        )
    }

    /// The gateway's own pages, with the portal's layers. API calls do
    /// not pass here: [`serve`] hands them to [`call`] directly.
    pub fn pages(self: Arc<Self>) -> Router {
        let own = Router::new()
            .route(HEALTHZ, get(pages::healthz))
            .route(JWKS, get(pages::jwks))
            .route(METRICS, get(pages::metrics));
        crate::server::layers::with_common_layers(own, tracing::Level::DEBUG).with_state(self)
    }
}

const HEALTHZ: &str = "/healthz";
const JWKS: &str = "/.well-known/jwks.json";
const METRICS: &str = "/metrics";

/// Whether `path` is one of the gateway's own pages rather than an API
/// call (APIs live at `/{agency}/{api}/...`, two segments at least).
pub fn is_own_page(path: &str) -> bool {
    matches!(path, HEALTHZ | JWKS | METRICS)
}

/// Every API call: the phases in order, then one log line and one event.
/// API calls pass no router and no tower layers: the request id, the
/// security headers and the log line are set here, once, as the profile
/// of the gateway showed each layer's share of a call's time.
pub async fn call(gw: &Gateway, peer: &Peer, mut request: Request) -> Response {
    let mut ctx = RequestContext::new(&request, peer.addr, gw.clock.now());
    request
        .headers_mut()
        .insert(context::REQUEST_ID, ctx.request_id.clone());
    let mut response = match process(gw, &mut ctx, peer, request).await {
        Ok(response) => response,
        Err(refusal) => {
            let instance = std::mem::take(&mut ctx.path);
            refusal.respond(instance, Some(ctx.request_id().to_owned()))
        }
    };
    let headers = response.headers_mut();
    headers.insert(context::REQUEST_ID, ctx.request_id.clone());
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    ctx.record(response.status(), &gw.usage);
    gw.metrics
        .observe(response.status().as_u16(), ctx.started.elapsed());
    response
}

/// What the portal's layers add to every answer, for the gateway's own.
const SECURITY_HEADERS: [(axum::http::HeaderName, &str); 2] = [
    (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (
        axum::http::header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    ),
];

async fn process(
    gw: &Gateway,
    ctx: &mut RequestContext,
    peer: &Peer,
    request: Request,
) -> Result<Response, Refusal> {
    let route = route(gw, ctx)?;
    let mut verdict = Verdict::default();
    let mut token = None;
    if route.api.access_mode == AccessMode::Key {
        let now = ctx.now;
        let key = auth::authenticate(&gw.snapshot, request.headers(), now)?;
        ctx.key = Some(key);
        let grant = authorise(gw, &key, &route)?;
        limit(gw, &key, &route, &grant, now, &mut verdict).await?;
        token = Some(identity_token(
            gw,
            &key,
            &route,
            &grant,
            now.unix_timestamp(),
        )?);
    }
    let how = proxy::Forwarding {
        upstreams: &gw.upstreams,
        timeout: gw.options.upstream_timeout,
        max_body: gw.options.max_body_bytes,
        identity: token,
        peer,
    };
    match proxy::forward(how, ctx, &route, request).await {
        Ok(mut response) => {
            verdict.write_headers(response.headers_mut());
            Ok(response)
        }
        Err(mut refusal) => {
            verdict.write_headers(&mut refusal.headers);
            Err(refusal)
        }
    }
}

/// Route: `/{agency}/{api}/...` in the route table; a suspended agency's
/// APIs answer 503.
fn route(gw: &Gateway, ctx: &mut RequestContext) -> Result<Matched, Refusal> {
    let route = gw.routes.resolve(&ctx.path).ok_or_else(|| {
        Problem::not_found("No API is published at this path. Paths look like /{agency}/{api}/...")
    })?;
    ctx.api_id = Some(route.api.api_id);
    ctx.route = Some(route.api.clone());
    if route.api.suspended {
        return Err(Problem::service_unavailable(
            "The agency that publishes this API is suspended on this portal: its APIs are unavailable until it is reactivated.",
        )
        .into());
    }
    Ok(route)
}

/// Authorise: the key's application holds an approved subscription.
fn authorise(gw: &Gateway, key: &KeyEntry, route: &Matched) -> Result<Arc<Grant>, Refusal> {
    gw.snapshot.grant(key.app_id, route.api.api_id).ok_or_else(|| {
        Refusal::forbidden(format!(
            "This key's application has no approved access to {}/{}: request a plan on the API's page, or wait for the agency's approval.",
            route.api.agency, route.api.api
        ))
    })
}

/// Limit: the plan's rates, then its quotas; over either, 429. Shared with
/// the other nodes in Redis when configured, else on this node alone.
async fn limit(
    gw: &Gateway,
    key: &KeyEntry,
    route: &Matched,
    grant: &Grant,
    now: time::OffsetDateTime,
    verdict: &mut Verdict,
) -> Result<(), Refusal> {
    let api_id = route.api.api_id;
    let by_rate = match &gw.shared {
        Some(shared) => {
            shared
                .check(key.key_id, api_id, &grant.limits, now, verdict)
                .await
        }
        None => {
            gw.rates.check(key.key_id, api_id, &grant.limits, verdict);
            let by_rate = verdict.retry_after.is_some();
            gw.quotas
                .check_and_count(key.key_id, api_id, &grant.limits, now, verdict);
            by_rate
        }
    };
    if verdict.retry_after.is_none() {
        return Ok(());
    }
    gw.metrics
        .limited(if by_rate { Limit::Rate } else { Limit::Quota });
    Err(Refusal::rate_limited(verdict))
}

fn identity_token(
    gw: &Gateway,
    key: &KeyEntry,
    route: &Matched,
    grant: &Grant,
    now: i64,
) -> Result<HeaderValue, Refusal> {
    let caller = identity::Caller {
        app_id: key.app_id,
        key_id: key.key_id,
        owner_user_id: key.owner_user_id,
        plan_id: grant.plan_id,
        plan: &grant.plan,
        api: &route.api.name,
        api_id: route.api.api_id,
    };
    gw.identity.token(&caller, now).map_err(|err| {
        tracing::error!(error = format!("{err:#}"), "identity token not signed");
        Refusal::from(Problem::internal())
    })
}
