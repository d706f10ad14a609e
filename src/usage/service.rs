//! Reading usage for pages: series per application, key or API, and the
//! quota a key has used. Counts are as of the gateway's last flush (every
//! few seconds), so a page shows a call within a minute of it.

use time::{Duration, OffsetDateTime, Time};

use super::model::{
    percentile_ms, ConsumerUsage, Point, QuotaLine, QuotaUsed, Scope, Series, Span, BUCKETS,
};
use super::repo::{self, MinuteRow};

/// The day quota window that `at` falls in: `2026-12-02` (UTC).
pub fn day_window(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// The month quota window that `at` falls in: `2026-12` (UTC).
pub fn month_window(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{:04}-{:02}", at.year(), u8::from(at.month()))
}

/// `at` with its seconds (and below) dropped, in UTC.
pub fn minute_of(at: OffsetDateTime) -> OffsetDateTime {
    let at = at.to_offset(time::UtcOffset::UTC);
    let time = Time::from_hms(at.hour(), at.minute(), 0).unwrap_or(Time::MIDNIGHT);
    at.replace_time(time)
}

impl Span {
    /// How many steps, how long each, and how many characters of a stored
    /// minute name its step.
    fn steps(self) -> (i64, Duration, u8) {
        match self {
            Span::Hour => (60, Duration::minutes(1), 16),
            Span::Day => (24, Duration::hours(1), 13),
            Span::Month => (30, Duration::days(1), 10),
        }
    }
}

/// The first step of the span that ends with the step holding `now`.
fn first_step(span: Span, now: OffsetDateTime) -> OffsetDateTime {
    let minute = minute_of(now);
    let (count, step, _) = span.steps();
    let current = match span {
        Span::Hour => minute,
        Span::Day => minute.replace_minute(0).unwrap_or(minute),
        Span::Month => minute.replace_time(Time::MIDNIGHT),
    };
    current - step * (count - 1) as i32
}

fn add(point: &mut Point, buckets: &mut [i64; BUCKETS], sum_us: &mut i64, row: &MinuteRow) {
    point.requests += row.requests;
    point.errors += row.errors;
    if (2..=5).contains(&row.status_class) {
        point.by_class[(row.status_class - 2) as usize] += row.requests;
    }
    *sum_us += row.latency_us_sum;
    for (total, count) in buckets.iter_mut().zip(row.buckets) {
        *total += count;
    }
}

fn finish(point: &mut Point, buckets: &[i64; BUCKETS], sum_us: i64) {
    point.p50_ms = percentile_ms(buckets, 0.5);
    point.p95_ms = percentile_ms(buckets, 0.95);
    point.mean_ms = (point.requests > 0).then(|| sum_us as f64 / 1000.0 / point.requests as f64);
}

/// Usage of `scope` over `span` up to `now`: one point per step (minute,
/// hour or day), empty steps included, oldest first, and the totals.
pub async fn series(
    pool: &sqlx::AnyPool,
    scope: Scope,
    span: Span,
    now: OffsetDateTime,
) -> sqlx::Result<Series> {
    let (count, step, len) = span.steps();
    let first = first_step(span, now);
    let from = crate::server::clock::format_timestamp(first);
    let rows = repo::sum_by_step(pool, scope, &from, len).await?;
    let mut points = Vec::with_capacity(count as usize);
    let mut total = Point {
        start: from.clone(),
        ..Point::default()
    };
    let (mut total_buckets, mut total_us) = ([0i64; BUCKETS], 0i64);
    for i in 0..count {
        let start = crate::server::clock::format_timestamp(first + step * i as i32);
        let label = &start[..len as usize];
        let mut point = Point {
            start: start.clone(),
            ..Point::default()
        };
        let (mut buckets, mut sum_us) = ([0i64; BUCKETS], 0i64);
        for row in rows.iter().filter(|row| row.minute == label) {
            add(&mut point, &mut buckets, &mut sum_us, row);
            add(&mut total, &mut total_buckets, &mut total_us, row);
        }
        finish(&mut point, &buckets, sum_us);
        points.push(point);
    }
    finish(&mut total, &total_buckets, total_us);
    Ok(Series {
        scope,
        span,
        points,
        total,
    })
}

/// How much of its daily and monthly quotas `key_id` has used on `api_id`
/// at `now`, as of the gateway's last flush.
pub async fn quota_used(
    pool: &sqlx::AnyPool,
    key_id: i64,
    api_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<QuotaUsed> {
    let (day, month) =
        repo::quota_used(pool, key_id, api_id, &day_window(now), &month_window(now)).await?;
    Ok(QuotaUsed { day, month })
}

/// What each working key of the application has used of its plans'
/// quotas today and this month, per API it has approved access to.
pub async fn quota_lines(
    pool: &sqlx::AnyPool,
    app_id: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<QuotaLine>> {
    let now_text = crate::server::clock::format_timestamp(now);
    let rows = repo::quota_lines(
        pool,
        app_id,
        &day_window(now),
        &month_window(now),
        &now_text,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| QuotaLine {
            api_name: row.api_name,
            plan_name: row.plan_name,
            key_name: row.key_name,
            key_prefix: crate::keys::service::shown_prefix(&row.key_prefix),
            used: QuotaUsed {
                day: row.day_used,
                month: row.month_used,
            },
            per_day: row.quota_per_day,
            per_month: row.quota_per_month,
        })
        .collect())
}

/// The API's busiest consumers over the span, at most `limit`.
pub async fn consumers(
    pool: &sqlx::AnyPool,
    api_id: i64,
    span: Span,
    now: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<ConsumerUsage>> {
    let from = crate::server::clock::format_timestamp(first_step(span, now));
    let rows = repo::consumers(pool, api_id, &from, limit).await?;
    Ok(rows
        .into_iter()
        .map(|(row, buckets)| ConsumerUsage {
            app_id: row.app_id,
            app_name: row.app_name,
            owner_name: row.owner_name,
            owner_email: row.owner_email,
            requests: row.requests,
            errors: row.errors,
            p95_ms: percentile_ms(&buckets, 0.95),
        })
        .collect())
}

/// A series as CSV: one line per step, its start in RFC 3339 (UTC).
pub fn to_csv(series: &Series) -> String {
    let mut out = String::from(
        "start,requests,status_2xx,status_3xx,status_4xx,status_5xx,errors,p50_ms,p95_ms,mean_ms\r\n",
    );
    let ms = |value: Option<u64>| value.map(|v| v.to_string()).unwrap_or_default();
    for p in &series.points {
        let mean = p.mean_ms.map(|m| format!("{m:.2}")).unwrap_or_default();
        let [c2, c3, c4, c5] = p.by_class;
        out.push_str(&format!(
            "{},{},{c2},{c3},{c4},{c5},{},{},{},{mean}\r\n",
            p.start,
            p.requests,
            p.errors,
            ms(p.p50_ms),
            ms(p.p95_ms),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn windows_and_minutes_are_utc() {
        let now = at("2026-12-02T23:59:30+08:00");
        assert_eq!(day_window(now), "2026-12-02");
        assert_eq!(month_window(now), "2026-12");
        assert_eq!(
            crate::server::clock::format_timestamp(minute_of(now)),
            "2026-12-02T15:59:00Z"
        );
    }

    #[test]
    fn spans_end_with_the_current_step() {
        let now = at("2026-12-02T10:20:30Z");
        let fmt = crate::server::clock::format_timestamp;
        assert_eq!(fmt(first_step(Span::Hour, now)), "2026-12-02T09:21:00Z");
        assert_eq!(fmt(first_step(Span::Day, now)), "2026-12-01T11:00:00Z");
        assert_eq!(fmt(first_step(Span::Month, now)), "2026-11-03T00:00:00Z");
    }

    #[test]
    fn a_series_reads_as_csv() {
        let point = Point {
            start: "2026-12-02T10:20:00Z".into(),
            requests: 3,
            errors: 1,
            by_class: [2, 0, 1, 0],
            p50_ms: Some(1),
            p95_ms: Some(5),
            mean_ms: Some(2.5),
        };
        let series = Series {
            scope: Scope::App(1),
            span: Span::Hour,
            points: vec![point, Point::default()],
            total: Point::default(),
        };
        let csv = to_csv(&series);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("start,requests,"));
        assert_eq!(lines[1], "2026-12-02T10:20:00Z,3,2,0,1,0,1,1,5,2.50");
        assert_eq!(lines[2], ",0,0,0,0,0,0,,,");
    }
}
