//! What the usage pages and their CSV show, gathered once for both: an
//! application's usage for its developer, an API's for its agency. The
//! callers have checked who is asking; these check that what is named
//! belongs together (a key to the application, a consumer to the API).

use super::model::{ApiUsage, AppUsage, KeyChoice, Scope, Span};
use super::service;
use crate::access::service::managed_api;
use crate::server::error::AppError;
use crate::server::state::AppState;

/// How many consumers an API's page lists.
const TOP_CONSUMERS: i64 = 20;

/// The usage of the user's application `app` (as the path gave it), or of
/// one of its keys. Another user's application is not found.
pub async fn app_usage(
    state: &AppState,
    user_id: i64,
    app: &str,
    span: Span,
    key: Option<i64>,
) -> Result<AppUsage, AppError> {
    let now = state.clock.now();
    let pool = state.db.pool();
    let mut conn = pool.acquire().await?;
    let found = crate::apps::service::owned(&mut conn, user_id, app).await?;
    let keys = crate::keys::service::list(&mut conn, found.id, now).await?;
    drop(conn);
    let scope = match key {
        Some(id) if keys.iter().any(|k| k.id == id) => Scope::Key(id),
        Some(_) => {
            return Err(AppError::NotFound(
                "This application has no such key: choose one of its keys, or all of them.".into(),
            ))
        }
        None => Scope::App(found.id),
    };
    Ok(AppUsage {
        app_id: found.id,
        key,
        keys: keys
            .into_iter()
            .map(|k| KeyChoice {
                id: k.id,
                name: k.name,
                prefix: k.prefix,
            })
            .collect(),
        series: service::series(pool, scope, span, now).await?,
        quotas: service::quota_lines(pool, found.id, now).await?,
    })
}

/// The usage of an agency's API, or of one application's calls to it.
pub async fn api_usage(
    state: &AppState,
    agency: &str,
    api: &str,
    span: Span,
    app: Option<i64>,
) -> Result<ApiUsage, AppError> {
    let now = state.clock.now();
    let pool = state.db.pool();
    let api = managed_api(state, agency, api).await?;
    let (scope, app) = match app {
        None => (Scope::Api(api.id), None),
        Some(id) => {
            let name = crate::access::repo::app_name_on_api(pool, id, api.id)
                .await?
                .ok_or_else(|| {
                    AppError::NotFound(
                        "No application with this number has asked for this API.".into(),
                    )
                })?;
            (
                Scope::AppOnApi {
                    app: id,
                    api: api.id,
                },
                Some((id, name)),
            )
        }
    };
    // The figures first, then the consumers: usage is written while the
    // page reads, and the consumers read after the figures are never
    // behind them.
    let series = service::series(pool, scope, span, now).await?;
    let consumers = service::consumers(pool, api.id, span, now, TOP_CONSUMERS).await?;
    Ok(ApiUsage {
        series,
        agency: api.agency_slug,
        agency_name: api.agency_name,
        api: api.slug,
        api_name: api.name,
        app,
        consumers,
    })
}
