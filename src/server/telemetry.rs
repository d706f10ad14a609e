//! Logging: `tracing` with structured fields, filtered by `RUST_LOG`.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use super::log_batch;

/// Installs the global subscriber for the `portico` process. Lines are
/// written to standard output in batches by a thread of their own (see
/// [`log_batch`]): the gateway logs a line per call, and a request must
/// not wait for the terminal or the disk. Keep the guard until the process
/// ends; dropping it writes what is left.
pub fn init_for_process() -> std::io::Result<log_batch::Guard> {
    let (writer, guard) = log_batch::start(std::io::stdout())?;
    super::log_direct::install(writer.clone(), ansi());
    install(writer);
    Ok(guard)
}

/// Whether lines are coloured: only on a terminal.
fn ansi() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// Installs the global subscriber, writing directly (tests); later calls
/// do nothing.
pub fn init() {
    install(std::io::stdout);
}

fn install<W>(writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,hyper_util=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi())
        .event_format(super::log_format::Line)
        .with_writer(writer)
        .try_init();
}
