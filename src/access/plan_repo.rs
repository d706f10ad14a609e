//! SQL of plan writes, and of the plans an agency's owners manage. (The
//! catalogue reads active plans for its pages, and the demo seeds plans,
//! through `crate::catalogue::repo`.)

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::PlanAdminRow;

/// A stored plan.
#[derive(Debug, Clone, FromRow)]
pub struct StoredPlan {
    pub id: i64,
    pub api_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    pub approval: String,
    pub open_for_requests: i64,
    pub status: String,
    /// Pending and approved requests on it.
    pub live: i64,
}

impl StoredPlan {
    pub fn row(&self) -> PlanAdminRow {
        PlanAdminRow {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            rate_per_second: self.rate_per_second,
            rate_per_minute: self.rate_per_minute,
            quota_per_day: self.quota_per_day,
            quota_per_month: self.quota_per_month,
            approval: self.approval.clone(),
            open_for_requests: self.open_for_requests == 1,
            status: self.status.clone(),
            live_subscriptions: self.live,
        }
    }

    /// Whether a developer may ask for it now.
    pub fn takes_requests(&self) -> bool {
        self.status == "active" && self.open_for_requests == 1
    }
}

const COLUMNS: &str = "p.id, p.api_id, p.slug, p.name, p.description, p.rate_per_second, \
     p.rate_per_minute, p.quota_per_day, p.quota_per_month, p.approval, p.open_for_requests, \
     p.status, (select count(*) from subscription s where s.plan_id = p.id \
     and s.status in ('pending', 'approved')) as live from plan p";

/// What a plan is: the fields its form sets.
pub struct PlanFields<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub rate_per_second: Option<i64>,
    pub rate_per_minute: Option<i64>,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    pub approval: &'a str,
    pub open_for_requests: bool,
}

/// Every plan of an API, active first, then by limits.
pub async fn list(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<StoredPlan>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where p.api_id = $1 \
         order by p.status, coalesce(p.rate_per_second, 0), p.id"
    ))
    .bind(api_id)
    .fetch_all(pool)
    .await
}

pub async fn find(
    conn: &mut AnyConnection,
    api_id: i64,
    slug: &str,
) -> sqlx::Result<Option<StoredPlan>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where p.api_id = $1 and p.slug = $2"
    ))
    .bind(api_id)
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    api_id: i64,
    slug: &str,
    plan: &PlanFields<'_>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into plan (api_id, slug, name, description, rate_per_second, rate_per_minute, \
         quota_per_day, quota_per_month, approval, open_for_requests, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(api_id)
    .bind(slug)
    .bind(plan.name)
    .bind(plan.description)
    .bind(plan.rate_per_second)
    .bind(plan.rate_per_minute)
    .bind(plan.quota_per_day)
    .bind(plan.quota_per_month)
    .bind(plan.approval)
    .bind(i64::from(plan.open_for_requests))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    plan: &PlanFields<'_>,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update plan set name = $1, description = $2, rate_per_second = $3, \
         rate_per_minute = $4, quota_per_day = $5, quota_per_month = $6, approval = $7, \
         open_for_requests = $8, updated_at = $9 where id = $10",
    )
    .bind(plan.name)
    .bind(plan.description)
    .bind(plan.rate_per_second)
    .bind(plan.rate_per_minute)
    .bind(plan.quota_per_day)
    .bind(plan.quota_per_month)
    .bind(plan.approval)
    .bind(i64::from(plan.open_for_requests))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every request ever made on the plan, decided or not: the plan is kept
/// (retired) while any refers to it.
pub async fn count_subscriptions(conn: &mut AnyConnection, id: i64) -> sqlx::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from subscription where plan_id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

pub async fn retire(conn: &mut AnyConnection, id: i64, now: &str) -> sqlx::Result<()> {
    sqlx::query(
        "update plan set status = 'retired', open_for_requests = 0, updated_at = $1 where id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("delete from plan where id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An API by its agency's and its own slug, whatever its visibility.
#[derive(Debug, Clone, FromRow)]
pub struct ApiRef {
    pub id: i64,
    pub tenant_id: i64,
    pub slug: String,
    pub name: String,
    pub agency_slug: String,
    pub agency_name: String,
}

pub async fn find_api(pool: &AnyPool, agency: &str, api: &str) -> sqlx::Result<Option<ApiRef>> {
    sqlx::query_as(
        "select a.id, a.tenant_id, a.slug, a.name, t.slug as agency_slug, t.name as agency_name \
         from api a join tenant t on t.id = a.tenant_id where t.slug = $1 and a.slug = $2",
    )
    .bind(agency)
    .bind(api)
    .fetch_optional(pool)
    .await
}
