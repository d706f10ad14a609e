//! Lanes: a number per thread, taken in turn, for state that each serving
//! thread writes on every call and that is read as a whole only now and
//! then (usage events, metrics). Two threads writing the same memory pass
//! its cache line between their cores on every write; in lanes of their
//! own, each thread's writes stay on its core.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Lanes per structure; threads beyond this many share lanes.
pub const LANES: usize = 16;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// This thread's lane, in `0..LANES`.
pub fn mine() -> usize {
    thread_local! {
        static LANE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % LANES;
    }
    LANE.with(|lane| *lane)
}
