//! SQL that the gateway's snapshot reads: approved subscriptions with the
//! limits of their plan. Read-only; `plan` and `subscription` stay this
//! module's.

use sqlx::{AnyPool, FromRow};

/// What an approved subscription lets an application do on an API.
#[derive(Debug, Clone, FromRow)]
pub struct StoredGrant {
    pub subscription_id: i64,
    pub app_id: i64,
    pub api_id: i64,
    pub plan_id: i64,
    pub plan_slug: String,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
}

/// Which grants to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantFilter {
    All,
    App(i64),
    Plan(i64),
}

/// Approved subscriptions of living applications.
pub async fn list_approved(pool: &AnyPool, filter: GrantFilter) -> sqlx::Result<Vec<StoredGrant>> {
    let (condition, id) = match filter {
        GrantFilter::All => ("$1 = 0", 0),
        GrantFilter::App(id) => ("s.app_id = $1", id),
        GrantFilter::Plan(id) => ("s.plan_id = $1", id),
    };
    sqlx::query_as(&format!(
        "select s.id as subscription_id, s.app_id, s.api_id, p.id as plan_id, \
         p.slug as plan_slug, p.rate_per_second, p.rate_per_minute, p.quota_per_day, \
         p.quota_per_month from subscription s join plan p on p.id = s.plan_id \
         join app a on a.id = s.app_id \
         where s.status = 'approved' and a.deleted_at is null and {condition}"
    ))
    .bind(id)
    .fetch_all(pool)
    .await
}
