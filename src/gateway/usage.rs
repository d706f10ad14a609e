//! The usage sink: one event per gateway call, errors included, into a
//! bounded buffer (when it is full the event is counted as dropped: the
//! request path never waits). A background task takes the events every
//! 50 ms, adds them up per minute per (key, API, status class) and writes
//! them in batches, with the quota counters, every flush interval and when
//! asked.
//!
//! The buffer is in lanes: each serving thread appends to a lane of its
//! own (threads take lanes in turn), behind a lock that only that thread
//! takes per call and the task once per 50 ms. Through one shared channel,
//! every call made the serving threads update the same counters and queue,
//! memory that then moved between their cores on nearly every call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::quota::Quotas;
use super::FastMap;
use crate::db::Db;
use crate::server::clock::{format_timestamp, Clock};
use crate::server::lanes;
use crate::usage::model::bucket_of;
use crate::usage::repo::{self, MinuteRow};

/// How many events may wait in one lane before new ones are dropped:
/// taken every 50 ms, room for 1.3 million calls a second per thread.
const CAPACITY: usize = 65_536;

/// One call through the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageEvent {
    /// When it started, in Unix seconds.
    pub at: i64,
    /// 0 when no valid key was presented.
    pub key_id: i64,
    pub app_id: i64,
    /// 0 when the path matched no route.
    pub api_id: i64,
    pub status: u16,
    pub latency_us: u64,
}

/// Where the request path sends its events; cheap to clone.
#[derive(Clone)]
pub struct UsageSink {
    lanes: Arc<Lanes>,
    flushes: mpsc::Sender<oneshot::Sender<()>>,
    dropped: Arc<AtomicU64>,
    pending: Arc<AtomicUsize>,
}

impl UsageSink {
    /// Starts the task that aggregates and writes usage and quotas.
    pub fn start(db: Db, clock: Clock, quotas: Quotas, every: Duration) -> Self {
        let lanes = Arc::new(Lanes(std::array::from_fn(|_| Mutex::default())));
        let (flushes, flush_requests) = mpsc::channel(16);
        let dropped = Arc::new(AtomicU64::new(0));
        let pending = Arc::new(AtomicUsize::new(0));
        let writer = Writer {
            db,
            clock,
            quotas,
            minutes: FastMap::default(),
            dropped: dropped.clone(),
            pending: pending.clone(),
            spare: Vec::new(),
        };
        tokio::spawn(writer.run(lanes.clone(), flush_requests, every));
        Self {
            lanes,
            flushes,
            dropped,
            pending,
        }
    }

    /// Records one call; never waits.
    pub fn record(&self, event: UsageEvent) {
        let mut lane = lock(self.lanes.mine());
        if lane.len() < CAPACITY {
            lane.push(event);
        } else {
            drop(lane);
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Events dropped because their lane was full, since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Per-minute rows added up but not written yet (after the last flush).
    pub fn pending_rows(&self) -> usize {
        self.pending.load(Ordering::Relaxed)
    }

    /// Writes everything recorded so far, and returns once it is written
    /// (or failed, which the task logs). For shutdown and tests.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.flushes.send(done).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// Events waiting for the writer, one lane per serving thread.
struct Lanes([Mutex<Vec<UsageEvent>>; lanes::LANES]);

impl Lanes {
    /// This thread's lane.
    fn mine(&self) -> &Mutex<Vec<UsageEvent>> {
        &self.0[lanes::mine()]
    }
}

fn lock(lane: &Mutex<Vec<UsageEvent>>) -> MutexGuard<'_, Vec<UsageEvent>> {
    // Events are plain values: a panic mid-push leaves a valid vector.
    lane.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How often the writer takes the events waiting in the lanes.
const DRAIN_EVERY: Duration = Duration::from_millis(50);

/// How long one flush's write may take before it is given up and kept for
/// the next.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

type MinuteKey = (i64, i64, i64, i64);

struct Writer {
    db: Db,
    clock: Clock,
    quotas: Quotas,
    /// (minute in Unix seconds, key, API, status class) -> the sums.
    minutes: FastMap<MinuteKey, MinuteRow>,
    dropped: Arc<AtomicU64>,
    pending: Arc<AtomicUsize>,
    /// An emptied lane's vector, swapped for the next full one so that
    /// lanes keep their capacity.
    spare: Vec<UsageEvent>,
}

impl Writer {
    async fn run(
        mut self,
        lanes: Arc<Lanes>,
        mut flushes: mpsc::Receiver<oneshot::Sender<()>>,
        every: Duration,
    ) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The lanes are taken on a tick rather than awaited: a task waiting
        // for events would be woken by nearly every call under load, a
        // wake-up across threads per call.
        let mut drain = tokio::time::interval(DRAIN_EVERY);
        drain.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = drain.tick() => {
                    self.take(&lanes);
                    // Every sink is gone: write what is left and stop.
                    if Arc::strong_count(&lanes) == 1 {
                        self.flush().await;
                        return;
                    }
                },
                _ = tick.tick() => self.flush().await,
                Some(done) = flushes.recv() => {
                    self.take(&lanes);
                    self.flush().await;
                    let _ = done.send(());
                }
            }
        }
    }

    /// Adds up the events waiting in every lane.
    fn take(&mut self, lanes: &Lanes) {
        let mut events = std::mem::take(&mut self.spare);
        for lane in &lanes.0 {
            std::mem::swap(&mut *lock(lane), &mut events);
            for event in events.drain(..) {
                self.add(&event);
            }
        }
        self.spare = events;
    }

    fn add(&mut self, event: &UsageEvent) {
        let minute = event.at - event.at.rem_euclid(60);
        let class = i64::from((event.status / 100).clamp(1, 5));
        let row = self
            .minutes
            .entry((minute, event.key_id, event.api_id, class))
            .or_insert_with(|| MinuteRow {
                minute: OffsetDateTime::from_unix_timestamp(minute)
                    .map(format_timestamp)
                    .unwrap_or_default(),
                key_id: event.key_id,
                app_id: event.app_id,
                api_id: event.api_id,
                status_class: class,
                ..MinuteRow::default()
            });
        row.requests += 1;
        row.errors += i64::from(event.status >= 400);
        row.latency_us_sum += i64::try_from(event.latency_us).unwrap_or(i64::MAX);
        row.buckets[bucket_of(event.latency_us)] += 1;
    }

    async fn flush(&mut self) {
        let now = self.clock.now();
        let quotas = self.quotas.take_unflushed(now);
        if self.minutes.is_empty() && quotas.is_empty() {
            return;
        }
        self.pending.store(self.minutes.len(), Ordering::Relaxed);
        let rows: Vec<MinuteRow> = self.minutes.values().cloned().collect();
        // A write that gets no answer (a connection cut without a word) is
        // given up and tried again, not waited on for ever. As with any
        // connection lost between a commit and its answer, a write that
        // did commit is then counted again: usage may be counted twice in
        // that rare case, and is never lost.
        let at = format_timestamp(now);
        let write = write(&self.db, &rows, &quotas, &at);
        match super::within(WRITE_TIMEOUT, "the usage write", write).await {
            Ok(()) => {
                self.minutes.clear();
                self.pending.store(0, Ordering::Relaxed);
                touch_keys(&self.db, &rows).await;
                tracing::debug!(
                    rows = rows.len(),
                    quota.rows = quotas.len(),
                    dropped = self.dropped.load(Ordering::Relaxed),
                    "usage flushed"
                );
            }
            Err(err) => {
                // Kept for the next flush: usage is late, not lost.
                self.quotas.restore(&quotas, now);
                tracing::warn!(error = %err, rows = rows.len(), "usage not flushed; will retry");
            }
        }
    }
}

async fn write(
    db: &Db,
    rows: &[MinuteRow],
    quotas: &[repo::QuotaRow],
    now: &str,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    repo::add_minutes(&mut tx, rows).await?;
    for row in quotas {
        repo::add_quota(&mut tx, row, now).await?;
    }
    tx.commit().await
}

/// Notes the last minute each key was used (shown on the application page).
async fn touch_keys(db: &Db, rows: &[MinuteRow]) {
    let mut last: HashMap<i64, &str> = HashMap::new();
    for row in rows.iter().filter(|row| row.key_id > 0) {
        let at = last.entry(row.key_id).or_insert(&row.minute);
        if row.minute.as_str() > *at {
            *at = &row.minute;
        }
    }
    for (key_id, at) in last {
        if let Err(err) = crate::keys::repo::touch(db.pool(), key_id, at).await {
            tracing::warn!(error = %err, key.id = key_id, "last use of a key not noted");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::clock::Clock;

    fn event() -> UsageEvent {
        UsageEvent {
            at: 1_764_754_265,
            key_id: 0,
            app_id: 0,
            api_id: 0,
            status: 404,
            latency_us: 120,
        }
    }

    /// On this single-threaded runtime the writer cannot run while the
    /// test records: the lane fills, and what does not fit is counted.
    #[tokio::test]
    async fn a_full_lane_drops_and_counts_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&crate::db::sqlite_url(&dir.path().join("u.db")))
            .await
            .unwrap();
        let sink = UsageSink::start(
            db,
            Clock::system(),
            Quotas::default(),
            Duration::from_secs(60),
        );
        for _ in 0..CAPACITY + 3 {
            sink.record(event());
        }
        assert_eq!(sink.dropped(), 3);
        let waiting: usize = sink.lanes.0.iter().map(|lane| lock(lane).len()).sum();
        assert_eq!(waiting, CAPACITY);
    }
}
