//! Lines written straight to the process's log output, in the layout of
//! [`Line`](super::log_format::Line), without passing through `tracing`.
//!
//! The gateway logs one line per call. Through `tracing` that line costs
//! the dispatch to the subscriber, a visitor call per field through trait
//! objects, `fmt` machinery for the fields written with `%`, and a writer
//! made and dropped per line: about 8% of the instructions of a proxied
//! call. nginx, Envoy and Kong keep a dedicated access-log writer for the
//! same reason. Here the caller fills a per-thread buffer field by field
//! and hands it whole to the batching writer ([`log_batch`]).
//!
//! The caller asks `tracing` first whether its line is wanted
//! (`tracing::enabled!`, which `RUST_LOG` decides as for any event, and
//! which is a cached answer, not a dispatch), and falls back to the event
//! when [`write`] says no direct output is installed (tests, tools). The
//! same line either way: the caller's test compares them. Spans are not
//! written: the lines written here are logged outside any span.

use std::cell::RefCell;
use std::sync::OnceLock;

use tracing::Level;

use super::log_batch::Batched;
use super::log_format::{write_head, write_quoted, Millis};

struct Output {
    out: Batched,
    ansi: bool,
}

static OUTPUT: OnceLock<Output> = OnceLock::new();

/// Sends direct lines to `out`, coloured like the others when `ansi`;
/// once per process (later calls do nothing).
pub fn install(out: Batched, ansi: bool) {
    let _ = OUTPUT.set(Output { out, ansi });
}

/// Writes one line at `level` with the fields `fill` adds, and returns
/// true; returns false, writing nothing, when no output is installed.
pub fn write(level: Level, fill: impl FnOnce(&mut LineBuf)) -> bool {
    let Some(output) = OUTPUT.get() else {
        return false;
    };
    thread_local! {
        static BUF: RefCell<LineBuf> = const { RefCell::new(LineBuf::new()) };
    }
    BUF.with(|cell| {
        let mut line = cell.borrow_mut();
        line.start(level, output.ansi);
        fill(&mut line);
        line.text.push('\n');
        output.out.append(line.text.as_bytes());
        // A rare long line does not keep its memory for the thread's life.
        if line.text.capacity() > 4096 {
            line.text = String::new();
        }
    });
    true
}

/// A line being written: the message, then `name=value` fields, each
/// written as the formatter writes the same value of an event.
pub struct LineBuf {
    text: String,
    first: bool,
}

impl LineBuf {
    const fn new() -> Self {
        Self {
            text: String::new(),
            first: true,
        }
    }

    fn start(&mut self, level: Level, ansi: bool) {
        self.text.clear();
        self.first = true;
        // Writing to a String does not fail.
        let _ = write_head(&mut self.text, level, ansi);
    }

    fn name(&mut self, name: &str) {
        if !self.first {
            self.text.push(' ');
        }
        self.first = false;
        if !name.is_empty() {
            self.text.push_str(name);
            self.text.push('=');
        }
    }

    /// The message, as `tracing` writes it: first and without a name.
    pub fn message(&mut self, message: &str) {
        self.name("");
        self.text.push_str(message);
    }

    /// A text field (`name = "..."` in an event): quoted, escaped if need be.
    pub fn text(&mut self, name: &str, value: &str) {
        self.name(name);
        let _ = write_quoted(&mut self.text, value);
    }

    /// A field written as it is (`name = %value` in an event), from its
    /// pieces.
    pub fn bare(&mut self, name: &str, pieces: &[&str]) {
        self.name(name);
        for piece in pieces {
            self.text.push_str(piece);
        }
    }

    /// An integer field.
    pub fn number(&mut self, name: &str, value: impl itoa::Integer) {
        self.name(name);
        self.text.push_str(itoa::Buffer::new().format(value));
    }

    /// Milliseconds from microseconds (`name = %Millis(us)` in an event).
    pub fn millis(&mut self, name: &str, micros: u64) {
        self.name(name);
        let _ = Millis(micros).write_to(&mut self.text);
    }
}

/// A line as [`write`] would write it, for tests.
#[cfg(test)]
pub fn line_of(level: Level, fill: impl FnOnce(&mut LineBuf)) -> String {
    let mut line = LineBuf::new();
    line.start(level, false);
    fill(&mut line);
    line.text.push('\n');
    line.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_written_as_the_formatter_writes_them() {
        let through_tracing = super::super::log_format::testing::lines_of(|| {
            tracing::info!(
                a = "x y",
                b = "say \"hi\"\n",
                c = %"/bare",
                n = -12i64,
                took = %Millis(1_005),
                "the message"
            );
        });
        let direct = line_of(Level::INFO, |line| {
            line.message("the message");
            line.text("a", "x y");
            line.text("b", "say \"hi\"\n");
            line.bare("c", &["/", "bare"]);
            line.number("n", -12i64);
            line.millis("took", 1_005);
        });
        let after_time = |text: &str| text.split_once(' ').unwrap().1.to_owned();
        assert_eq!(after_time(&direct), after_time(&through_tracing));
        assert_eq!(direct.len(), through_tracing.len());
    }
}
