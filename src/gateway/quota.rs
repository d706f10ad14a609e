//! Quotas per key and plan, per day and per calendar month (UTC): counted
//! in memory on the request path, flushed in batches by the usage task
//! (`super::usage`) as additions to `quota_usage`, and loaded at start, so
//! that they survive a restart.

use super::FastMap;
use std::sync::{Arc, Mutex, MutexGuard};

use time::{Date, Month, OffsetDateTime};

use super::limits::{PolicyState, Verdict};
use super::snapshot::Limits;
use crate::usage::repo::QuotaRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Period {
    Day,
    Month,
}

/// (key, API, period, window): the window is days since 1970 for a day,
/// `year * 12 + month - 1` for a month.
type CounterKey = (i64, i64, Period, i64);

#[derive(Clone, Copy, Debug, Default)]
struct Counter {
    used: u64,
    /// Calls not yet written to the database.
    unflushed: u64,
}

/// Every quota counter of this gateway.
#[derive(Clone, Default)]
pub struct Quotas(Arc<Mutex<FastMap<CounterKey, Counter>>>);

fn day_index(at: OffsetDateTime) -> i64 {
    at.unix_timestamp().div_euclid(86_400)
}

fn month_index(at: OffsetDateTime) -> i64 {
    let at = at.to_offset(time::UtcOffset::UTC);
    i64::from(at.year()) * 12 + i64::from(u8::from(at.month())) - 1
}

/// Seconds from `at` to the start of the next UTC month.
fn seconds_to_next_month(at: OffsetDateTime) -> u64 {
    let at = at.to_offset(time::UtcOffset::UTC);
    let (year, month) = match at.month() {
        Month::December => (at.year() + 1, Month::January),
        month => (at.year(), month.next()),
    };
    Date::from_calendar_date(year, month, 1)
        .map(|d| (d.midnight().assume_utc() - at).whole_seconds().max(1) as u64)
        .unwrap_or(86_400)
}

fn window_text(period: Period, index: i64) -> String {
    match period {
        Period::Day => {
            let day = OffsetDateTime::UNIX_EPOCH + time::Duration::days(index);
            crate::usage::service::day_window(day)
        }
        Period::Month => format!(
            "{:04}-{:02}",
            index.div_euclid(12),
            index.rem_euclid(12) + 1
        ),
    }
}

/// One call more in the current day and month of a (key, API).
fn add_call(
    counters: &mut FastMap<CounterKey, Counter>,
    key_id: i64,
    api_id: i64,
    now: OffsetDateTime,
) {
    for (period, index) in [
        (Period::Day, day_index(now)),
        (Period::Month, month_index(now)),
    ] {
        let counter = counters.entry((key_id, api_id, period, index)).or_default();
        counter.used += 1;
        counter.unflushed += 1;
    }
}

impl Quotas {
    fn lock(&self) -> MutexGuard<'_, FastMap<CounterKey, Counter>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the stored counters of the current windows (at start).
    pub fn load(&self, rows: &[QuotaRow], now: OffsetDateTime) {
        let mut counters = self.lock();
        for row in rows {
            let (period, index) = match row.period.as_str() {
                "day" => (Period::Day, day_index(now)),
                _ => (Period::Month, month_index(now)),
            };
            let counter = counters
                .entry((row.key_id, row.api_id, period, index))
                .or_default();
            counter.used += u64::try_from(row.used).unwrap_or(0);
        }
    }

    /// Checks the plan's quotas and, when the call may go, counts it. Every
    /// call that passes is counted, with or without a quota, so that a
    /// quota added to a plan later starts from what was really used.
    pub fn check_and_count(
        &self,
        key_id: i64,
        api_id: i64,
        limits: &Limits,
        now: OffsetDateTime,
        verdict: &mut Verdict,
    ) {
        let day_left = 86_400 - now.unix_timestamp().rem_euclid(86_400) as u64;
        let periods = [
            (
                Period::Day,
                day_index(now),
                limits.per_day,
                "day",
                86_400,
                day_left,
            ),
            (
                Period::Month,
                month_index(now),
                limits.per_month,
                "month",
                2_592_000,
                seconds_to_next_month(now),
            ),
        ];
        let mut counters = self.lock();
        let mut refused = false;
        for (period, index, quota, name, window, reset) in periods {
            let Some(quota) = quota else { continue };
            let used = counters
                .get(&(key_id, api_id, period, index))
                .map_or(0, |c| c.used);
            if used >= quota {
                refused = true;
                verdict.refuse(reset);
            }
            // The call about to be counted is not remaining any more.
            let remaining = quota.saturating_sub(used + u64::from(used < quota));
            verdict.policies.push(PolicyState {
                name,
                quota,
                window,
                remaining,
                reset,
            });
        }
        if refused || verdict.retry_after.is_some() {
            return;
        }
        add_call(&mut counters, key_id, api_id, now);
    }

    /// This node's count of the current day and month for a (key, API), with
    /// the windows' indexes (days since 1970; `year * 12 + month - 1`): the
    /// seeds of the shared counters (`super::shared_limits`).
    pub fn seeds(&self, key_id: i64, api_id: i64, now: OffsetDateTime) -> (i64, u64, i64, u64) {
        let (day, month) = (day_index(now), month_index(now));
        let counters = self.lock();
        let used = |period, index| {
            counters
                .get(&(key_id, api_id, period, index))
                .map_or(0, |c: &Counter| c.used)
        };
        (
            day,
            used(Period::Day, day),
            month,
            used(Period::Month, month),
        )
    }

    /// Counts a call that the shared limits let through, without a check of
    /// its own, so that it is written to the database like any other.
    pub fn count(&self, key_id: i64, api_id: i64, now: OffsetDateTime) {
        add_call(&mut self.lock(), key_id, api_id, now);
    }

    /// The calls counted since the last flush, as additions to store; the
    /// counters of past windows are dropped once written.
    pub fn take_unflushed(&self, now: OffsetDateTime) -> Vec<QuotaRow> {
        let (today, this_month) = (day_index(now), month_index(now));
        let mut counters = self.lock();
        let mut rows = Vec::new();
        for (&(key_id, api_id, period, index), counter) in counters.iter_mut() {
            if counter.unflushed > 0 {
                rows.push(QuotaRow {
                    key_id,
                    api_id,
                    period: match period {
                        Period::Day => "day".into(),
                        Period::Month => "month".into(),
                    },
                    window_start: window_text(period, index),
                    used: i64::try_from(counter.unflushed).unwrap_or(i64::MAX),
                });
                counter.unflushed = 0;
            }
        }
        counters.retain(|&(_, _, period, index), counter| {
            counter.unflushed > 0
                || match period {
                    Period::Day => index == today,
                    Period::Month => index == this_month,
                }
        });
        rows
    }

    /// Gives back additions that could not be written, for the next flush.
    pub fn restore(&self, rows: &[QuotaRow], now: OffsetDateTime) {
        let mut counters = self.lock();
        for row in rows {
            let (period, index) = if row.period == "day" {
                (Period::Day, day_index(now))
            } else {
                (Period::Month, month_index(now))
            };
            if window_text(period, index) != row.window_start {
                continue;
            }
            let counter = counters
                .entry((row.key_id, row.api_id, period, index))
                .or_default();
            counter.unflushed += u64::try_from(row.used).unwrap_or(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn a_daily_quota_refuses_until_midnight_and_survives_a_reload() {
        let now = at("2026-12-31T23:00:00Z");
        let limits = Limits {
            per_day: Some(2),
            ..Limits::default()
        };
        let quotas = Quotas::default();
        for _ in 0..2 {
            let mut verdict = Verdict::default();
            quotas.check_and_count(1, 9, &limits, now, &mut verdict);
            assert_eq!(verdict.retry_after, None);
        }
        let mut verdict = Verdict::default();
        quotas.check_and_count(1, 9, &limits, now, &mut verdict);
        assert_eq!(verdict.retry_after, Some(3600));
        let rows = quotas.take_unflushed(now);
        assert_eq!(rows.len(), 2);
        let day = rows.iter().find(|r| r.period == "day").unwrap();
        assert_eq!((day.window_start.as_str(), day.used), ("2026-12-31", 2));
        let month = rows.iter().find(|r| r.period == "month").unwrap();
        assert_eq!(month.window_start, "2026-12");
        assert!(quotas.take_unflushed(now).is_empty());

        let restarted = Quotas::default();
        restarted.load(&rows, now);
        let mut verdict = Verdict::default();
        restarted.check_and_count(1, 9, &limits, now, &mut verdict);
        assert_eq!(verdict.retry_after, Some(3600));
        let mut tomorrow = Verdict::default();
        restarted.check_and_count(1, 9, &limits, at("2027-01-01T00:00:01Z"), &mut tomorrow);
        assert_eq!(tomorrow.retry_after, None);
    }

    #[test]
    fn months_end_at_the_next_first() {
        assert_eq!(seconds_to_next_month(at("2026-12-31T23:59:00Z")), 60);
        assert_eq!(
            window_text(Period::Month, month_index(at("2026-01-15T00:00:00Z"))),
            "2026-01"
        );
    }
}
