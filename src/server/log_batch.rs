//! Log lines gathered in memory and written out in batches by a thread of
//! their own.
//!
//! The gateway logs a line per call. Handing each line to a writing thread
//! through a channel (as `tracing-appender` does) costs a wake-up of that
//! thread and a `write` per line: at tens of thousands of calls a second,
//! a visible share of the gateway's time. Here a line is appended to a
//! shared buffer under a lock, and the thread writes whatever gathered
//! every [`EVERY`], or as soon as [`BATCH`] bytes wait: one write for many
//! lines, and no wake-up per line. A line waits at most [`EVERY`] before
//! it is written.
//!
//! Nothing is dropped: past [`LIMIT`] bytes waiting (the output is slower
//! than the logging), callers wait for the thread to catch up, as they
//! would on a full pipe.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long a line may wait before it is written.
pub const EVERY: Duration = Duration::from_millis(25);
/// Bytes waiting that wake the writing thread early.
pub const BATCH: usize = 64 * 1024;
/// Bytes waiting beyond which callers wait.
pub const LIMIT: usize = 4 * 1024 * 1024;

struct Shared {
    state: Mutex<State>,
    /// Wakes the writing thread: a batch is full, or the process stops.
    full: Condvar,
    /// Wakes callers waiting for room.
    room: Condvar,
}

#[derive(Default)]
struct State {
    waiting: Vec<u8>,
    stopping: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while a line was appended leaves at worst half a line.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The writer to give `tracing_subscriber`; cheap to clone.
#[derive(Clone)]
pub struct Batched(Arc<Shared>);

/// Keep it while the process runs: dropping it writes what is left and
/// stops the writing thread.
pub struct Guard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the thread that writes to `out`.
pub fn start<W: Write + Send + 'static>(out: W) -> std::io::Result<(Batched, Guard)> {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        full: Condvar::new(),
        room: Condvar::new(),
    });
    let thread = std::thread::Builder::new()
        .name("portico-log".into())
        .spawn({
            let shared = shared.clone();
            move || write_batches(&shared, out)
        })?;
    Ok((
        Batched(shared.clone()),
        Guard {
            shared,
            thread: Some(thread),
        },
    ))
}

fn write_batches(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let stopping = {
            let mut state = shared.lock();
            if state.waiting.len() < BATCH && !state.stopping {
                state = shared
                    .full
                    .wait_timeout(state, EVERY)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            std::mem::swap(&mut state.waiting, &mut batch);
            state.stopping
        };
        shared.room.notify_all();
        if batch.is_empty() {
            if stopping {
                return;
            }
            continue;
        }
        // Nowhere to report a failed write to: the log is where errors go.
        let _ = out.write_all(&batch).and_then(|()| out.flush());
        batch.clear();
    }
}

impl Batched {
    /// Adds `line` to what waits to be written, waiting for room first
    /// when the output is behind.
    pub fn append(&self, line: &[u8]) {
        let shared = &self.0;
        let mut state = shared.lock();
        while state.waiting.len() >= LIMIT && !state.stopping {
            state = shared
                .room
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        let before = state.waiting.len();
        state.waiting.extend_from_slice(line);
        // Wake the thread once, as the batch fills, not on every line.
        if before < BATCH && state.waiting.len() >= BATCH {
            shared.full.notify_one();
        }
    }
}

impl Write for Batched {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.append(line);
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Batched {
    type Writer = Batched;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.lock().stopping = true;
        self.shared.full.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read, counting the writes it received.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let mut sink = self.0.lock().unwrap();
            sink.0.extend_from_slice(buf);
            sink.1 += 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_is_written_in_order_in_few_writes() {
        let sink = Sink::default();
        let (writer, guard) = start(sink.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let mut writer = writer.clone();
                std::thread::spawn(move || {
                    for n in 0..5_000 {
                        writer.write_all(format!("t{t} n{n}\n").as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard);
        let (text, writes) = sink.0.lock().unwrap().clone();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text.lines().count(), 20_000);
        for t in 0..4 {
            let own: Vec<usize> = text
                .lines()
                .filter_map(|line| line.strip_prefix(&format!("t{t} n")))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(own, (0..5_000).collect::<Vec<_>>(), "thread {t}'s lines");
        }
        assert!(writes < 2_000, "{writes} writes for 20,000 lines");
    }

    #[test]
    fn a_line_is_written_without_waiting_for_a_batch() {
        let sink = Sink::default();
        let (mut writer, _guard) = start(sink.clone()).unwrap();
        writer.write_all(b"alone\n").unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while sink.0.lock().unwrap().0.is_empty() {
            assert!(std::time::Instant::now() < deadline, "never written");
            std::thread::sleep(EVERY / 5);
        }
        assert_eq!(sink.0.lock().unwrap().0, b"alone\n");
    }
}
