//! SQL of usage. Only this file reads or writes `usage_minute` and
//! `quota_usage`. Every write adds to what is stored (an upsert), so two
//! flushes of the same minute or window add up.

use std::fmt::Write as _;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, FromRow, Row};

use super::model::{Scope, BUCKETS};

/// Calls of one minute for one key, API and status class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MinuteRow {
    /// RFC 3339, seconds zero.
    pub minute: String,
    pub key_id: i64,
    pub app_id: i64,
    pub api_id: i64,
    /// 2 for 2xx ... 5 for 5xx (1 for anything below 200).
    pub status_class: i64,
    pub requests: i64,
    pub errors: i64,
    pub latency_us_sum: i64,
    pub buckets: [i64; BUCKETS],
}

fn bucket_columns() -> String {
    (0..BUCKETS)
        .map(|i| format!("bucket_{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn upsert_minute_sql() -> String {
    let columns = bucket_columns();
    let mut values = String::new();
    let mut adds = String::new();
    for i in 0..BUCKETS {
        let _ = write!(values, ", ${}", 9 + i);
        let _ = write!(
            adds,
            ", bucket_{i} = usage_minute.bucket_{i} + excluded.bucket_{i}"
        );
    }
    format!(
        "insert into usage_minute (minute, key_id, app_id, api_id, status_class, requests, \
         errors, latency_us_sum, {columns}) values ($1, $2, $3, $4, $5, $6, $7, $8{values}) \
         on conflict (minute, key_id, api_id, status_class) do update set \
         requests = usage_minute.requests + excluded.requests, \
         errors = usage_minute.errors + excluded.errors, \
         latency_us_sum = usage_minute.latency_us_sum + excluded.latency_us_sum{adds}"
    )
}

/// Adds the rows to what is stored (the caller holds the transaction).
pub async fn add_minutes(conn: &mut AnyConnection, rows: &[MinuteRow]) -> sqlx::Result<()> {
    let sql = upsert_minute_sql();
    for row in rows {
        let mut query = sqlx::query(&sql)
            .bind(&row.minute)
            .bind(row.key_id)
            .bind(row.app_id)
            .bind(row.api_id)
            .bind(row.status_class)
            .bind(row.requests)
            .bind(row.errors)
            .bind(row.latency_us_sum);
        for count in row.buckets {
            query = query.bind(count);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Calls counted in one quota window: `period` is `day` or `month`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct QuotaRow {
    pub key_id: i64,
    pub api_id: i64,
    pub period: String,
    pub window_start: String,
    pub used: i64,
}

/// Adds `delta` calls to a quota window.
pub async fn add_quota(conn: &mut AnyConnection, row: &QuotaRow, now: &str) -> sqlx::Result<()> {
    sqlx::query(
        "insert into quota_usage (key_id, api_id, period, window_start, used, updated_at) \
         values ($1, $2, $3, $4, $5, $6) on conflict (key_id, api_id, period, window_start) \
         do update set used = quota_usage.used + excluded.used, updated_at = excluded.updated_at",
    )
    .bind(row.key_id)
    .bind(row.api_id)
    .bind(&row.period)
    .bind(&row.window_start)
    .bind(row.used)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every counter of the current day and month windows, for the gateway's
/// start.
pub async fn load_quotas(pool: &AnyPool, day: &str, month: &str) -> sqlx::Result<Vec<QuotaRow>> {
    sqlx::query_as(
        "select key_id, api_id, period, window_start, used from quota_usage \
         where (period = 'day' and window_start = $1) or (period = 'month' and window_start = $2)",
    )
    .bind(day)
    .bind(month)
    .fetch_all(pool)
    .await
}

/// The counters of one key on one API in the given windows: (day, month).
pub async fn quota_used(
    pool: &AnyPool,
    key_id: i64,
    api_id: i64,
    day: &str,
    month: &str,
) -> sqlx::Result<(i64, i64)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "select period, used from quota_usage where key_id = $1 and api_id = $2 \
         and ((period = 'day' and window_start = $3) or (period = 'month' and window_start = $4))",
    )
    .bind(key_id)
    .bind(api_id)
    .bind(day)
    .bind(month)
    .fetch_all(pool)
    .await?;
    let pick = |period: &str| {
        rows.iter()
            .find(|(p, _)| p == period)
            .map_or(0, |(_, used)| *used)
    };
    Ok((pick("day"), pick("month")))
}

/// Stored minutes of a scope since `from` (inclusive), summed per step
/// (the first `step_len` characters of the minute: 16 for minutes, 13 for
/// hours, 10 for days) and status class.
pub async fn sum_by_step(
    pool: &AnyPool,
    scope: Scope,
    from: &str,
    step_len: u8,
) -> sqlx::Result<Vec<MinuteRow>> {
    let (condition, id, api) = match scope {
        Scope::App(id) => ("app_id = $1 and $3 = 0", id, 0),
        Scope::Key(id) => ("key_id = $1 and $3 = 0", id, 0),
        Scope::Api(id) => ("api_id = $1 and $3 = 0", id, 0),
        Scope::AppOnApi { app, api } => ("app_id = $1 and api_id = $3", app, api),
    };
    let sums: String = (0..BUCKETS)
        .map(|i| format!(", cast(sum(bucket_{i}) as bigint) as bucket_{i}"))
        .collect();
    let sql = format!(
        "select substr(minute, 1, {step_len}) as step, status_class, \
         cast(sum(requests) as bigint) as requests, cast(sum(errors) as bigint) as errors, \
         cast(sum(latency_us_sum) as bigint) as latency_us_sum{sums} \
         from usage_minute where {condition} and minute >= $2 \
         group by step, status_class order by step, status_class"
    );
    let rows = sqlx::query(&sql)
        .bind(id)
        .bind(from)
        .bind(api)
        .fetch_all(pool)
        .await?;
    rows.iter().map(minute_of).collect()
}

/// One working key of an application on one API it has approved access
/// to, with the plan's quotas and what the key used in the given windows.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct QuotaLineRow {
    pub api_name: String,
    pub plan_name: String,
    pub key_name: String,
    pub key_prefix: String,
    pub quota_per_day: Option<i64>,
    pub quota_per_month: Option<i64>,
    pub day_used: i64,
    pub month_used: i64,
}

/// Each working key (not revoked, not expired at `now`) of the application
/// against each API it has approved access to.
pub async fn quota_lines(
    pool: &AnyPool,
    app_id: i64,
    day: &str,
    month: &str,
    now: &str,
) -> sqlx::Result<Vec<QuotaLineRow>> {
    let used = |period: &str, window: &str| {
        format!(
            "coalesce((select cast(sum(q.used) as bigint) from quota_usage q where q.key_id = k.id \
             and q.api_id = s.api_id and q.period = '{period}' and q.window_start = {window}), 0)"
        )
    };
    let sql = format!(
        "select x.name as api_name, p.name as plan_name, k.name as key_name, \
         k.prefix as key_prefix, p.quota_per_day, p.quota_per_month, \
         {} as day_used, {} as month_used \
         from subscription s join plan p on p.id = s.plan_id join api x on x.id = s.api_id \
         join api_key k on k.app_id = s.app_id \
         where s.app_id = $1 and s.status = 'approved' and k.revoked_at is null \
         and (k.expires_at is null or k.expires_at > $4) \
         order by x.name, k.name, k.id",
        used("day", "$2"),
        used("month", "$3"),
    );
    sqlx::query_as(&sql)
        .bind(app_id)
        .bind(day)
        .bind(month)
        .bind(now)
        .fetch_all(pool)
        .await
}

/// An API's calls since `from` per application, with its owner: the
/// busiest `limit` first. Calls without a valid key are not anyone's.
pub async fn consumers(
    pool: &AnyPool,
    api_id: i64,
    from: &str,
    limit: i64,
) -> sqlx::Result<Vec<(ConsumerRow, [i64; BUCKETS])>> {
    let sums: String = (0..BUCKETS)
        .map(|i| format!(", cast(sum(m.bucket_{i}) as bigint) as bucket_{i}"))
        .collect();
    let sql = format!(
        "select m.app_id, a.name as app_name, u.display_name as owner_name, \
         u.email as owner_email, cast(sum(m.requests) as bigint) as requests, \
         cast(sum(m.errors) as bigint) as errors{sums} \
         from usage_minute m join app a on a.id = m.app_id \
         join user_account u on u.id = a.owner_user_id \
         where m.api_id = $1 and m.minute >= $2 \
         group by m.app_id, a.name, u.display_name, u.email \
         order by requests desc, a.name limit $3"
    );
    let rows = sqlx::query(&sql)
        .bind(api_id)
        .bind(from)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| Ok((ConsumerRow::from_row(row)?, buckets_of(row)?)))
        .collect()
}

/// A consumer's totals (see [`consumers`]).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsumerRow {
    pub app_id: i64,
    pub app_name: String,
    pub owner_name: String,
    pub owner_email: Option<String>,
    pub requests: i64,
    pub errors: i64,
}

/// The summed latency buckets of a row (`bucket_0` .. `bucket_11`).
fn buckets_of(row: &AnyRow) -> sqlx::Result<[i64; BUCKETS]> {
    let mut buckets = [0i64; BUCKETS];
    for (i, bucket) in buckets.iter_mut().enumerate() {
        *bucket = row.try_get(format!("bucket_{i}").as_str())?;
    }
    Ok(buckets)
}

fn minute_of(row: &AnyRow) -> sqlx::Result<MinuteRow> {
    let buckets = buckets_of(row)?;
    Ok(MinuteRow {
        minute: row.try_get("step")?,
        status_class: row.try_get("status_class")?,
        requests: row.try_get("requests")?,
        errors: row.try_get("errors")?,
        latency_us_sum: row.try_get("latency_us_sum")?,
        buckets,
        ..MinuteRow::default()
    })
}
