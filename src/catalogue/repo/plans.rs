//! SQL of the plans an API offers.

use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::catalogue::model::PlanSummary;

#[derive(Debug, FromRow)]
struct PlanRow {
    slug: String,
    name: String,
    description: String,
    rate_per_second: Option<i64>,
    rate_per_minute: Option<i64>,
    quota_per_day: Option<i64>,
    quota_per_month: Option<i64>,
    approval: String,
    open_for_requests: i64,
}

/// Active plans of an API, cheapest limits first.
pub async fn list_active_plans(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<PlanSummary>> {
    let rows: Vec<PlanRow> = sqlx::query_as(
        "select slug, name, description, rate_per_second, rate_per_minute, quota_per_day, \
         quota_per_month, approval, open_for_requests from plan where api_id = $1 and status = 'active' \
         order by coalesce(rate_per_second, 0), id",
    )
    .bind(api_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PlanSummary {
            slug: r.slug,
            name: r.name,
            description: r.description,
            rate_per_second: r.rate_per_second,
            rate_per_minute: r.rate_per_minute,
            quota_per_day: r.quota_per_day,
            quota_per_month: r.quota_per_month,
            approval: r.approval,
            open_for_requests: r.open_for_requests == 1,
        })
        .collect())
}

/// A plan to offer on an API.
pub struct NewPlan<'a> {
    pub api_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    pub approval: &'a str,
}

/// Inserts the plan unless the API has one with its slug.
pub async fn ensure_plan(
    conn: &mut AnyConnection,
    plan: &NewPlan<'_>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into plan (api_id, slug, name, description, rate_per_second, rate_per_minute, \
         quota_per_day, quota_per_month, approval, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) on conflict (api_id, slug) do nothing",
    )
    .bind(plan.api_id)
    .bind(plan.slug)
    .bind(plan.name)
    .bind(plan.description)
    .bind(plan.rate_per_second)
    .bind(plan.rate_per_minute)
    .bind(plan.quota_per_day)
    .bind(plan.quota_per_month)
    .bind(plan.approval)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
