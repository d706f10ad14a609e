//! The layout of Portico's log lines: `tracing_subscriber`'s full format,
//! written with less work per line.
//!
//! A line reads `2026-12-03T09:31:05.123456Z  INFO span{a=1}: message
//! name="text" count=3`: the UTC time in microseconds, the level, the
//! spans in scope, the message, then the fields, text quoted and escaped
//! so that a caller's input cannot forge a line. The gateway writes one
//! line per call, and the general formatter spent about 5% of its time on
//! it: a calendar conversion per line, styling through `nu_ansi_term` even
//! when colours are off, and `fmt` machinery for every number. Here the
//! date and time to the second are formatted once a second per thread,
//! numbers with `itoa`, and colours only on a terminal.

use std::cell::RefCell;
use std::fmt::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// The event formatter to give `tracing_subscriber`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Line;

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let ansi = writer.has_ansi_escapes();
        write_head(&mut writer, *event.metadata().level(), ansi)?;
        if let Some(scope) = ctx.event_scope() {
            let mut any = false;
            for span in scope.from_root() {
                writer.write_str(span.name())?;
                let extensions = span.extensions();
                if let Some(fields) = extensions.get::<FormattedFields<N>>() {
                    if !fields.is_empty() {
                        write!(writer, "{{{fields}}}")?;
                    }
                }
                writer.write_char(':')?;
                any = true;
            }
            if any {
                writer.write_char(' ')?;
            }
        }
        let mut fields = Fields {
            out: &mut writer,
            first: true,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The start of every line: the time now, the level, each followed by a
/// space (see [`crate::server::log_direct`], which starts its lines so too).
pub(super) fn write_head(out: &mut impl Write, level: Level, ansi: bool) -> fmt::Result {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    if ansi {
        out.write_str(DIM)?;
    }
    write_time(out, now.as_secs(), now.subsec_micros())?;
    if ansi {
        out.write_str(RESET)?;
    }
    out.write_char(' ')?;
    write_level(out, level, ansi)?;
    out.write_char(' ')
}

fn write_level(out: &mut impl Write, level: Level, ansi: bool) -> fmt::Result {
    let (text, colour) = match level {
        Level::ERROR => ("ERROR", "\x1b[31m"),
        Level::WARN => (" WARN", "\x1b[33m"),
        Level::INFO => (" INFO", "\x1b[32m"),
        Level::DEBUG => ("DEBUG", "\x1b[34m"),
        Level::TRACE => ("TRACE", "\x1b[35m"),
    };
    if ansi {
        out.write_str(colour)?;
        out.write_str(text)?;
        out.write_str(RESET)
    } else {
        out.write_str(text)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.uuuuuuZ` in UTC; the part up to the seconds is
/// kept per thread and formatted again only when the second changes.
fn write_time(out: &mut impl Write, secs: u64, micros: u32) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    SECOND.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.0 != secs {
            cached.1 = format_second(secs);
            cached.0 = secs;
        }
        out.write_str(&cached.1)
    })?;
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(micros);
    out.write_char('.')?;
    for _ in digits.len()..6 {
        out.write_char('0')?;
    }
    out.write_str(digits)?;
    out.write_char('Z')
}

fn format_second(secs: u64) -> String {
    let at = i64::try_from(secs)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    // A whole second in RFC 3339 ends in `Z`; the fraction goes before it.
    let mut text = super::clock::format_timestamp(at);
    text.pop();
    text
}

/// Writes an event's fields: the message as it is, then `name=value`.
struct Fields<'a, 'w> {
    out: &'a mut Writer<'w>,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    /// Starts a field: a space before all but the first, then `name=`
    /// (nothing for the message).
    fn start(&mut self, field: &Field) -> fmt::Result {
        if !self.first {
            self.out.write_char(' ')?;
        }
        self.first = false;
        if field.name() != "message" {
            let name = field.name();
            self.out
                .write_str(name.strip_prefix("r#").unwrap_or(name))?;
            self.out.write_char('=')?;
        }
        Ok(())
    }

    fn write(&mut self, field: &Field, value: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        if self.result.is_ok() {
            self.result = self.start(field).and_then(|()| value(self.out));
        }
    }

    fn number(&mut self, field: &Field, text: &str) {
        self.write(field, |out| out.write_str(text));
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.write(field, |out| out.write_str(value));
        } else {
            self.write(field, |out| write_quoted(out, value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.number(field, itoa::Buffer::new().format(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.number(field, if value { "true" } else { "false" });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.write(field, |out| write!(out, "{value:?}"));
    }
}

/// `"text"`, escaped as Rust's `Debug` escapes it when it holds anything
/// but printable ASCII other than `"` and `\`.
pub(super) fn write_quoted(out: &mut impl Write, value: &str) -> fmt::Result {
    let plain = value
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\');
    if plain {
        out.write_char('"')?;
        out.write_str(value)?;
        out.write_char('"')
    } else {
        write!(out, "{value:?}")
    }
}

/// Milliseconds with three decimals from microseconds, for log fields
/// (`%Millis(us)`): integer arithmetic, no float formatting.
#[derive(Clone, Copy, Debug)]
pub struct Millis(pub u64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

impl Millis {
    pub(super) fn write_to(self, out: &mut impl Write) -> fmt::Result {
        let fraction = self.0 % 1000;
        out.write_str(itoa::Buffer::new().format(self.0 / 1000))?;
        out.write_char('.')?;
        if fraction < 100 {
            out.write_char('0')?;
        }
        if fraction < 10 {
            out.write_char('0')?;
        }
        out.write_str(itoa::Buffer::new().format(fraction))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_microseconds() {
        let mut out = String::new();
        write_time(&mut out, 1_764_754_265, 42).unwrap();
        assert_eq!(out, "2025-12-03T09:31:05.000042Z");
        out.clear();
        // The cached second is replaced when the second changes.
        write_time(&mut out, 0, 999_999).unwrap();
        assert_eq!(out, "1970-01-01T00:00:00.999999Z");
    }

    #[test]
    fn text_is_quoted_and_escaped_when_it_needs_to_be() {
        let mut out = String::new();
        write_quoted(&mut out, "abc-123 x").unwrap();
        assert_eq!(out, "\"abc-123 x\"");
        out.clear();
        write_quoted(&mut out, "a\"b\nINFO forged").unwrap();
        assert_eq!(out, "\"a\\\"b\\nINFO forged\"");
    }

    #[test]
    fn milliseconds_keep_three_decimals() {
        assert_eq!(Millis(1_234).to_string(), "1.234");
        assert_eq!(Millis(5).to_string(), "0.005");
        assert_eq!(Millis(12_050).to_string(), "12.050");
        assert_eq!(Millis(0).to_string(), "0.000");
    }

    #[test]
    fn lines_carry_time_level_spans_message_and_fields() {
        let text = testing::lines_of(|| {
            let span = tracing::info_span!("request", id = 7);
            let _entered = span.enter();
            tracing::warn!(
                path = "/a \"b\"",
                status = 404u16,
                delta = -3i64,
                ok = false,
                took = %Millis(2_500),
                "not found"
            );
        });
        let (time, rest) = text.split_once(' ').unwrap();
        assert_eq!(time.len(), "2026-12-03T09:31:05.123456Z".len(), "{text}");
        assert!(time.ends_with('Z'), "{text}");
        assert_eq!(
            rest,
            " WARN request{id=7}: not found path=\"/a \\\"b\\\"\" status=404 delta=-3 ok=false took=2.500\n"
        );
    }
}

/// What lines the formatter writes, for tests here and of other modules.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Capture {
        type Writer = Self;
        fn make_writer(&'w self) -> Self {
            self.clone()
        }
    }

    /// The lines `events` logs through tracing with [`super::Line`],
    /// without colours.
    pub fn lines_of(events: impl FnOnce()) -> String {
        let capture = Capture::default();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .event_format(super::Line)
            .with_writer(capture.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, events);
        let text = capture.0.lock().unwrap().clone();
        String::from_utf8(text).unwrap()
    }
}
