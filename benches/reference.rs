//! Import and reference rendering on a large real description.
//!
//! `cargo bench --features ssr --bench reference -- PATH_TO_OPENAPI_JSON`
//! (scripts/bench-reference fetches GitHub's REST description and runs this).
//!
//! 1. Import: a bare `serde_json` parse of the text, `prepare` (parse, convert,
//!    validate) and a whole `import` (the same plus storing the version in a
//!    fresh SQLite database, in one transaction), interleaved, median of each.
//! 2. Peak memory: the process's peak RSS (VmHWM) after the import rounds.
//! 3. Pages: Portico runs in-process on 127.0.0.1 (development mode, SQLite in
//!    a temporary directory); the document is imported as `demo-ipo/github`
//!    and every reference page is requested once, then the largest and the
//!    slowest ones many times each.
//!
//! The last line reads
//! `import/parse: R; slowest page p99: T ms; largest page: S KB; import peak RSS: M MB`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use portico::catalogue::repo;
use portico::catalogue::slug::Slug;
use portico::db::Db;
use portico::openapi::import::{import, prepare, ImportRequest};
use portico::openapi::operations::Index;
use portico::reference::pages::encode;
use portico::server::clock::Clock;
use portico::server::config::Config;
use portico::server::startup::Application;
use portico::tenants::repo::{self as tenants, NewTenant};
use serde_json::Value;
use tokio::sync::oneshot;

/// Rounds of the import measurements (each figure is their median).
const ROUNDS: usize = 5;
/// Requests of each page measured repeatedly.
const REPEATS: usize = 50;
/// Requests of a page that was over the time budget once.
const RECHECKS: usize = 5;
/// The targets.
const MAX_IMPORT_RATIO: f64 = 5.0;
const MAX_PAGE_MS: f64 = 50.0;
const MAX_PAGE_BYTES: usize = 300 * KB;
/// Browsing stops (and says so) after this long; the figures cover what was read.
const BROWSE_DEADLINE: Duration = Duration::from_secs(20 * 60);

const KB: usize = 1024;
const MB: f64 = 1024.0 * 1024.0;

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; the document is the first other argument.
    let path = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .map(PathBuf::from)
        .context(
            "usage: cargo bench --features ssr --bench reference -- PATH_TO_OPENAPI_JSON \
             (scripts/bench-reference fetches GitHub's description and passes it)",
        )?;
    let baseline = proc_status_kb("VmRSS");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(path, baseline))
}

async fn run(path: PathBuf, baseline_kb: Option<u64>) -> Result<()> {
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    println!(
        "document: {} ({:.1} MB); load average at start: {}",
        path.display(),
        text.len() as f64 / MB,
        load_average()
    );

    // ---- 1. Import against a bare parse, interleaved so that both see the
    // same load on the machine.
    let clock = Clock::system();
    let agency = Slug::parse("bench-agency").map_err(anyhow::Error::msg)?;
    let api = Slug::parse("github").map_err(anyhow::Error::msg)?;
    let mut parse_times = Vec::new();
    let mut prepare_times = Vec::new();
    let mut import_times = Vec::new();
    let mut operations = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let value: Value = serde_json::from_str(&text).context("the document is not JSON")?;
        parse_times.push(started.elapsed());
        drop(value);

        let started = Instant::now();
        let prepared = prepare(&text).map_err(|findings| {
            anyhow::anyhow!(
                "the document does not pass the import checks: {}",
                findings
                    .iter()
                    .take(5)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        prepare_times.push(started.elapsed());
        drop(prepared);

        // A new database each round, so every import is the first version of
        // its API and all rounds do the same work.
        let dir = tempfile::tempdir()?;
        let db = fresh_database(&dir, &agency, &clock).await?;
        let started = Instant::now();
        let outcome = import(
            &db,
            &clock,
            ImportRequest {
                agency: &agency,
                api: &api,
                label: None,
                text: &text,
                publish: true,
                actor: None,
            },
        )
        .await
        .map_err(|err| anyhow::anyhow!("{err}"))?;
        import_times.push(started.elapsed());
        operations = outcome.operations;
        db.close().await;
        // The import frees the parsed document on a blocking thread after
        // it answers; let that finish so that the next round's parse is
        // timed alone and not against the other core's work.
        tokio::time::sleep(Duration::from_millis(750)).await;
    }
    let peak_kb = proc_status_kb("VmHWM");
    let parse = median(&parse_times);
    let prepared = median(&prepare_times);
    let imported = median(&import_times);
    let ratio = imported.as_secs_f64() / parse.as_secs_f64();
    println!("\n== import ({operations} operations; median of {ROUNDS} rounds)");
    println!(
        "bare parse (serde_json::from_str::<Value>):      {:>8.1} ms",
        ms(parse)
    );
    println!(
        "prepare (parse, convert, validate; no storing):  {:>8.1} ms  ({:.1}x the parse)",
        ms(prepared),
        prepared.as_secs_f64() / parse.as_secs_f64()
    );
    println!(
        "import (prepare + storing in a fresh SQLite DB): {:>8.1} ms  ({ratio:.1}x the parse)",
        ms(imported)
    );
    println!(
        "storing (serialise, index, insert, commit) = import - prepare: {:.1} ms",
        ms(imported.saturating_sub(prepared))
    );
    println!(
        "  rounds, parse:  {}\n  rounds, import: {}",
        list_ms(&parse_times),
        list_ms(&import_times)
    );
    let peak_mb = peak_kb.map(|kb| kb as f64 / 1024.0);
    match (baseline_kb, peak_mb) {
        (Some(base), Some(peak)) => println!(
            "peak RSS after the import rounds: {peak:.0} MB (VmHWM; {:.0} MB before reading the file, \
             so {:.0} MB for the text, the parses and the imports)",
            base as f64 / 1024.0,
            peak - base as f64 / 1024.0
        ),
        _ => println!("peak RSS: not available (no /proc/self/status)"),
    }

    // ---- 2. The pages, served by Portico in-process.
    let data_dir = tempfile::tempdir()?;
    let database_url = portico::db::sqlite_url(&data_dir.path().join("portico.db"));
    let mut config = Config::for_tests(PathBuf::from(data_dir.path()), Some(database_url));
    config.dev = true;
    config.site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/site");
    let app = Application::build(config)
        .await
        .context("building the application")?;
    let portal = format!("http://{}", app.portal_addr());
    let db = app.db().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let result = browse(&portal, &db, &clock, &text).await;
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(15), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(err))) => eprintln!("the server stopped with an error: {err:#}"),
        Ok(Err(err)) => eprintln!("the server task failed: {err}"),
        Err(_) => eprintln!("the server did not stop within 15 s; leaving it"),
    }
    let pages = result?;

    // ---- 3. Verdict and the last line.
    println!(
        "\n== targets (load average at the end: {}; {} CPUs)",
        load_average(),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "import within {MAX_IMPORT_RATIO}x the bare parse: {ratio:.1}x, {}",
        verdict(ratio <= MAX_IMPORT_RATIO)
    );
    println!(
        "every page under {MAX_PAGE_MS} ms: slowest p99 {:.1} ms, {} page(s) over {MAX_PAGE_MS} ms when asked again, {}",
        pages.slowest_p99_ms,
        pages.over_time,
        verdict(pages.slowest_p99_ms < MAX_PAGE_MS && pages.over_time == 0)
    );
    println!(
        "every page under {} KB: largest {} KB, {} page(s) over, {}",
        MAX_PAGE_BYTES / KB,
        kb(pages.largest_bytes),
        pages.over_size,
        verdict(pages.over_size == 0)
    );
    println!(
        "import/parse: {ratio:.1}x; slowest page p99: {:.1} ms; largest page: {} KB; import peak RSS: {} MB",
        pages.slowest_p99_ms,
        kb(pages.largest_bytes),
        peak_mb.map_or_else(|| "n/a".to_owned(), |mb| format!("{mb:.0}"))
    );
    Ok(())
}

/// A migrated SQLite database in `dir` with one agency.
async fn fresh_database(dir: &tempfile::TempDir, agency: &Slug, clock: &Clock) -> Result<Db> {
    let db = Db::connect(&portico::db::sqlite_url(&dir.path().join("bench.db"))).await?;
    db.migrate().await?;
    let mut conn = db.pool().acquire().await?;
    tenants::ensure(
        &mut conn,
        &NewTenant {
            slug: agency.as_str(),
            name: "Benchmark agency",
            contact_email: None,
        },
        &clock.now_text(),
    )
    .await?;
    Ok(db)
}

/// One page as read once.
#[derive(Debug, Clone)]
struct Page {
    kind: &'static str,
    path: String,
    status: u16,
    bytes: usize,
    time: Duration,
}

/// What the page figures come to.
struct PageSummary {
    slowest_p99_ms: f64,
    largest_bytes: usize,
    over_time: usize,
    over_size: usize,
}

async fn browse(portal: &str, db: &Db, clock: &Clock, text: &str) -> Result<PageSummary> {
    let agency = Slug::parse("demo-ipo").map_err(anyhow::Error::msg)?;
    let api = Slug::parse("github").map_err(anyhow::Error::msg)?;
    let started = Instant::now();
    import(
        db,
        clock,
        ImportRequest {
            agency: &agency,
            api: &api,
            label: None,
            text,
            publish: true,
            actor: None,
        },
    )
    .await
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    println!(
        "\n== pages (Portico in-process on {portal}; the document imported as demo-ipo/github in {:.0} ms)",
        ms(started.elapsed())
    );

    // The pages to read, named the way tests/api/reference.rs names them.
    let pool = db.pool();
    let listed = repo::find_listed(pool, "demo-ipo", "github")
        .await?
        .context("demo-ipo/github is not listed")?;
    let version = repo::find_version(pool, listed.id, None)
        .await?
        .context("demo-ipo/github has no default version")?;
    let stored = repo::document_text(pool, version.id)
        .await?
        .context("the stored document is missing")?;
    let doc: Value = serde_json::from_str(&stored)?;
    drop(stored);
    let index = Index::of(&doc);
    let base = "/apis/demo-ipo/github/reference".to_owned();
    let mut paths: Vec<(&'static str, String)> = vec![
        ("index", base.clone()),
        ("schemas", format!("{base}/schemas")),
    ];
    paths.extend(
        index
            .tags
            .iter()
            .map(|tag| ("tag", format!("{base}/tags/{}", encode(&tag.slug)))),
    );
    paths.extend(index.operations.iter().map(|op| {
        (
            "operation",
            format!("{base}/operations/{}", encode(&op.slug)),
        )
    }));
    paths.extend(
        doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flat_map(|schemas| schemas.keys())
            .map(|name| ("schema", format!("{base}/schemas/{}", encode(name)))),
    );
    drop(doc);

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    println!(
        "note: times are taken by the client over loopback, from sending the request to the \
         last byte of the body: an upper bound of the server's time. Sizes are the HTML as \
         sent (no compression); 1 KB = 1024 bytes."
    );

    // The first request parses the stored document into the cache.
    let (status, bytes, cold) = fetch(&http, portal, &base).await?;
    if status != 200 {
        bail!("{base} answered {status}");
    }
    println!(
        "cold first page (index; parses the stored document into the cache): {:.1} ms, {} KB",
        ms(cold),
        kb(bytes)
    );

    let total = paths.len();
    let mut pages = Vec::with_capacity(total);
    let browse_started = Instant::now();
    for (kind, path) in paths {
        if browse_started.elapsed() > BROWSE_DEADLINE {
            println!(
                "STOPPED: browsing took longer than {} s; {} of {total} pages read",
                BROWSE_DEADLINE.as_secs(),
                pages.len()
            );
            break;
        }
        let (status, bytes, time) = fetch(&http, portal, &path).await?;
        pages.push(Page {
            kind,
            path,
            status,
            bytes,
            time,
        });
    }
    println!(
        "read {} pages once in {:.1} s",
        pages.len(),
        browse_started.elapsed().as_secs_f64()
    );
    let failed: Vec<&Page> = pages.iter().filter(|p| p.status != 200).collect();
    if !failed.is_empty() {
        println!("{} page(s) did not answer 200:", failed.len());
        for page in failed.iter().take(10) {
            println!("  {} {}", page.status, page.path);
        }
    }

    println!(
        "\n{:<10} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
        "kind", "pages", "med ms", "p99 ms", "max ms", "med KB", "max KB", ">50ms", ">300KB"
    );
    for kind in ["index", "schemas", "tag", "operation", "schema"] {
        let of_kind: Vec<&Page> = pages.iter().filter(|p| p.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let times: Vec<Duration> = of_kind.iter().map(|p| p.time).collect();
        let mut sizes: Vec<usize> = of_kind.iter().map(|p| p.bytes).collect();
        sizes.sort_unstable();
        println!(
            "{:<10} {:>5} {:>9.1} {:>9.1} {:>9.1} {:>9} {:>9} {:>8} {:>8}",
            kind,
            of_kind.len(),
            ms(median(&times)),
            ms(percentile(&times, 0.99)),
            ms(*times.iter().max().unwrap_or(&Duration::ZERO)),
            kb(sizes[sizes.len() / 2]),
            kb(*sizes.last().unwrap_or(&0)),
            of_kind.iter().filter(|p| ms(p.time) > MAX_PAGE_MS).count(),
            of_kind.iter().filter(|p| p.bytes > MAX_PAGE_BYTES).count(),
        );
    }

    let mut by_size = pages.clone();
    by_size.sort_by_key(|p| std::cmp::Reverse(p.bytes));
    println!("\ntop 5 largest pages:");
    for page in by_size.iter().take(5) {
        print_page(page);
    }
    let mut by_time = pages.clone();
    by_time.sort_by_key(|p| std::cmp::Reverse(p.time));
    println!("top 5 slowest pages (single request):");
    for page in by_time.iter().take(5) {
        print_page(page);
    }
    let over_size = pages.iter().filter(|p| p.bytes > MAX_PAGE_BYTES).count();
    // A single slow request may be the machine's doing (shared cores): a page
    // over the budget is asked for again, and counts when its median of
    // RECHECKS requests is still over.
    let slow_once: Vec<&Page> = pages.iter().filter(|p| ms(p.time) > MAX_PAGE_MS).collect();
    let mut over_time = 0;
    for page in &slow_once {
        let mut times = Vec::with_capacity(RECHECKS);
        for _ in 0..RECHECKS {
            times.push(fetch(&http, portal, &page.path).await?.2);
        }
        let again = median(&times);
        let still = ms(again) > MAX_PAGE_MS;
        over_time += usize::from(still);
        println!(
            "  over {MAX_PAGE_MS} ms once ({:.1} ms), median of {RECHECKS} more: {:.1} ms{}  {}",
            ms(page.time),
            ms(again),
            if still { ", still over" } else { "" },
            page.path
        );
    }
    println!(
        "pages over {MAX_PAGE_MS} ms: {over_time} of {} ({} in the single pass); over {} KB: {over_size} of {}",
        pages.len(),
        slow_once.len(),
        MAX_PAGE_BYTES / KB,
        pages.len()
    );

    // The pages that matter most, many times each.
    let largest_of = |kind: &str| {
        pages
            .iter()
            .filter(|p| p.kind == kind)
            .max_by_key(|p| p.bytes)
    };
    let mut picks: Vec<(String, &Page)> = Vec::new();
    let candidates = [
        ("largest tag page", largest_of("tag")),
        ("largest operation page", largest_of("operation")),
        (
            "slowest operation page",
            pages
                .iter()
                .filter(|p| p.kind == "operation")
                .max_by_key(|p| p.time),
        ),
        ("largest page", by_size.first()),
        ("slowest page", by_time.first()),
        ("index", pages.iter().find(|p| p.kind == "index")),
    ];
    for (label, page) in candidates {
        let Some(page) = page else { continue };
        match picks.iter_mut().find(|(_, p)| p.path == page.path) {
            Some((labels, _)) => {
                labels.push_str(", ");
                labels.push_str(label);
            }
            None => picks.push((label.to_owned(), page)),
        }
    }
    println!("\nrepeated pages ({REPEATS} requests each; nearest-rank p99 of {REPEATS} is their slowest):");
    println!(
        "{:>9} {:>9} {:>9} {:>8}  page",
        "med ms", "p99 ms", "max ms", "KB"
    );
    let mut slowest_p99 = Duration::ZERO;
    for (label, page) in picks {
        let times = repeat(&http, portal, &page.path).await?;
        let p99 = percentile(&times, 0.99);
        slowest_p99 = slowest_p99.max(p99);
        println!(
            "{:>9.1} {:>9.1} {:>9.1} {:>8}  {label}: {}",
            ms(median(&times)),
            ms(p99),
            ms(*times.iter().max().unwrap_or(&Duration::ZERO)),
            kb(page.bytes),
            page.path
        );
    }
    // For scale: what a request costs without GitHub's document.
    for (label, path) in [
        ("health check, no page", "/healthz"),
        (
            "a small document's reference index",
            "/apis/demo-animals/petstore/reference",
        ),
    ] {
        let times = repeat(&http, portal, path).await?;
        println!(
            "{:>9.1} {:>9.1} {:>9.1} {:>8}  for scale, {label}: {path}",
            ms(median(&times)),
            ms(percentile(&times, 0.99)),
            ms(*times.iter().max().unwrap_or(&Duration::ZERO)),
            "",
        );
    }
    Ok(PageSummary {
        slowest_p99_ms: ms(slowest_p99),
        largest_bytes: by_size.first().map_or(0, |p| p.bytes),
        over_time,
        over_size,
    })
}

/// One GET: status, body bytes and the time to the last byte.
async fn fetch(http: &reqwest::Client, portal: &str, path: &str) -> Result<(u16, usize, Duration)> {
    let started = Instant::now();
    let response = http
        .get(format!("{portal}{path}"))
        .send()
        .await
        .with_context(|| format!("GET {path}"))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .with_context(|| format!("reading {path}"))?;
    Ok((status, body.len(), started.elapsed()))
}

/// The page requested [`REPEATS`] times: the time of each request.
async fn repeat(http: &reqwest::Client, portal: &str, path: &str) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(REPEATS);
    for _ in 0..REPEATS {
        let (status, _, time) = fetch(http, portal, path).await?;
        if status != 200 {
            bail!("{path} answered {status}");
        }
        times.push(time);
    }
    Ok(times)
}

fn print_page(page: &Page) {
    println!(
        "  {:>8.1} ms {:>6} KB  {:<9} {}",
        ms(page.time),
        kb(page.bytes),
        page.kind,
        page.path
    );
}

/// A field of /proc/self/status in kB (VmRSS, VmHWM), where there is one.
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        line.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

/// The 1, 5 and 15 minute load averages: other work on the machine shows in
/// the times.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "n/a".to_owned())
}

fn median(times: &[Duration]) -> Duration {
    percentile(times, 0.5)
}

/// Nearest-rank percentile.
fn percentile(times: &[Duration], p: f64) -> Duration {
    if times.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn kb(bytes: usize) -> usize {
    (bytes + KB / 2) / KB
}

fn list_ms(times: &[Duration]) -> String {
    times
        .iter()
        .map(|t| format!("{:.0}", ms(*t)))
        .collect::<Vec<_>>()
        .join(", ")
        + " ms"
}
