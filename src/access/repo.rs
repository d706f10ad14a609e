//! SQL of access requests (`subscription`) and terms acceptances. The two
//! reads of `app` below are read-only: the `apps` module owns that table.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::{RequestRow, SubscriptionStatus, SubscriptionView};

/// A stored request with what the pages show beside it.
#[derive(Debug, Clone, FromRow)]
pub struct StoredRequest {
    pub id: i64,
    pub app_id: i64,
    pub api_id: i64,
    pub status: String,
    pub purpose: String,
    pub decision_reason: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub app_name: String,
    pub app_description: String,
    pub owner_user_id: i64,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub plan_name: String,
    pub api_slug: String,
    pub api_name: String,
    pub tenant_id: i64,
    pub agency_slug: String,
    pub agency_name: String,
}

impl StoredRequest {
    pub fn status(&self) -> SubscriptionStatus {
        SubscriptionStatus::parse(&self.status)
    }

    pub fn for_agency(self) -> RequestRow {
        RequestRow {
            id: self.id,
            status: self.status(),
            app_name: self.app_name,
            app_description: self.app_description,
            owner_name: self.owner_name,
            owner_email: self.owner_email,
            api: self.api_slug,
            api_name: self.api_name,
            plan_name: self.plan_name,
            purpose: self.purpose,
            decision_reason: self.decision_reason,
            created_at: self.created_at,
            decided_at: self.decided_at,
            keys: Vec::new(),
        }
    }

    pub fn for_developer(self) -> SubscriptionView {
        SubscriptionView {
            id: self.id,
            status: self.status(),
            app_id: self.app_id,
            app_name: self.app_name,
            agency: self.agency_slug,
            agency_name: self.agency_name,
            api: self.api_slug,
            api_name: self.api_name,
            plan_name: self.plan_name,
            purpose: self.purpose,
            decision_reason: self.decision_reason,
            created_at: self.created_at,
            decided_at: self.decided_at,
        }
    }
}

const SELECT: &str = "select s.id, s.app_id, s.api_id, s.status, s.purpose, s.decision_reason, \
     s.created_at, s.decided_at, a.name as app_name, a.description as app_description, \
     a.owner_user_id, u.display_name as owner_name, u.email as owner_email, \
     p.name as plan_name, x.slug as api_slug, x.name as api_name, x.tenant_id, \
     t.slug as agency_slug, t.name as agency_name \
     from subscription s join app a on a.id = s.app_id \
     join user_account u on u.id = a.owner_user_id join plan p on p.id = s.plan_id \
     join api x on x.id = s.api_id join tenant t on t.id = x.tenant_id";

/// An agency's requests in one status, oldest first (a queue).
pub async fn list_for_tenant(
    pool: &AnyPool,
    tenant_id: i64,
    status: SubscriptionStatus,
) -> sqlx::Result<Vec<StoredRequest>> {
    sqlx::query_as(&format!(
        "{SELECT} where x.tenant_id = $1 and s.status = $2 and a.deleted_at is null \
         order by s.created_at, s.id"
    ))
    .bind(tenant_id)
    .bind(status.as_str())
    .fetch_all(pool)
    .await
}

/// Every request on an API, newest first.
pub async fn list_for_api(pool: &AnyPool, api_id: i64) -> sqlx::Result<Vec<StoredRequest>> {
    sqlx::query_as(&format!(
        "{SELECT} where s.api_id = $1 order by s.created_at desc, s.id desc"
    ))
    .bind(api_id)
    .fetch_all(pool)
    .await
}

/// An application's requests, newest first.
pub async fn list_for_app(pool: &AnyPool, app_id: i64) -> sqlx::Result<Vec<StoredRequest>> {
    sqlx::query_as(&format!(
        "{SELECT} where s.app_id = $1 order by s.created_at desc, s.id desc"
    ))
    .bind(app_id)
    .fetch_all(pool)
    .await
}

/// Every request of a user's (undeleted) applications, newest first.
pub async fn list_for_owner(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<StoredRequest>> {
    sqlx::query_as(&format!(
        "{SELECT} where a.owner_user_id = $1 and a.deleted_at is null \
         order by s.created_at desc, s.id desc"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await
}

pub async fn find(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<StoredRequest>> {
    sqlx::query_as(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
}

/// A request to store.
pub struct NewRequest<'a> {
    pub app_id: i64,
    pub plan_id: i64,
    pub api_id: i64,
    pub status: SubscriptionStatus,
    pub purpose: &'a str,
    pub terms_version: i64,
    pub requested_by: i64,
    pub decision_reason: &'a str,
    pub decided_at: Option<&'a str>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    request: &NewRequest<'_>,
    now: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into subscription (app_id, plan_id, api_id, status, purpose, terms_version, \
         requested_by, decision_reason, decided_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
    )
    .bind(request.app_id)
    .bind(request.plan_id)
    .bind(request.api_id)
    .bind(request.status.as_str())
    .bind(request.purpose)
    .bind(request.terms_version)
    .bind(request.requested_by)
    .bind(request.decision_reason)
    .bind(request.decided_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Whether the application has a pending or approved request for the API.
pub async fn live_exists(conn: &mut AnyConnection, app_id: i64, api_id: i64) -> sqlx::Result<bool> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from subscription where app_id = $1 and api_id = $2 \
         and status in ('pending', 'approved')",
    )
    .bind(app_id)
    .bind(api_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Moves a request from `from` to `to`; false when it was no longer in
/// `from` (someone else decided first).
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    from: SubscriptionStatus,
    to: SubscriptionStatus,
    by: i64,
    reason: &str,
    now: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update subscription set status = $1, decided_by = $2, decision_reason = $3, \
         decided_at = $4, updated_at = $4 where id = $5 and status = $6",
    )
    .bind(to.as_str())
    .bind(by)
    .bind(reason)
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes that the user accepted this version of the terms (once).
pub async fn record_terms(
    conn: &mut AnyConnection,
    user_id: i64,
    version: i64,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into terms_acceptance (user_id, terms_version, accepted_at) values ($1, $2, $3) \
         on conflict (user_id, terms_version) do nothing",
    )
    .bind(user_id)
    .bind(version)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user's applications (id, name), oldest first. Read-only.
pub async fn list_apps(pool: &AnyPool, user_id: i64) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "select id, name from app where owner_user_id = $1 and deleted_at is null \
         order by created_at, id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// One of the user's applications (id, name): another user's, or a deleted
/// one, is not found. Read-only.
pub async fn find_app(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "select id, name from app where id = $1 and owner_user_id = $2 and deleted_at is null",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
}

/// The name of an application that has asked for the API (whatever the
/// request's status), so that the API's agency may look at its calls.
pub async fn app_name_on_api(
    pool: &AnyPool,
    app_id: i64,
    api_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "select a.name from app a where a.id = $1 and exists \
         (select 1 from subscription s where s.app_id = a.id and s.api_id = $2)",
    )
    .bind(app_id)
    .bind(api_id)
    .fetch_optional(pool)
    .await
}
