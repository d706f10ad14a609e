//! The gateway against nginx, its memory with 100,000 keys, and how exact
//! its rate limit is.
//!
//! `cargo bench --features ssr --bench gateway` (scripts/bench-gateway
//! installs wrk and nginx from Debian's packages and runs this).
//!
//! 1. Throughput and latency: one nginx serves a small JSON answer (the
//!    upstream); the release `portico serve` proxies to it with key auth,
//!    a plan's rates and quotas (set high, so nothing is refused), usage
//!    recording and the identity token on; a second nginx proxies to the
//!    same upstream with keep-alive. `wrk` loads each in turn, interleaved,
//!    for `ROUNDS` rounds (`BENCH_ROUNDS`), each round starting with the
//!    next server; throughputs are compared round by round, and a ratio is
//!    the median of the rounds' ratios. Both proxies log every request to
//!    a file, as each does by default. Each run also reports the server's
//!    processor time per call (user and system, from /proc, nginx's
//!    workers included), and the part of it in user space: what a call
//!    costs, which the machine's other load moves less than it moves the
//!    calls per second, and whether the difference is in the program or in
//!    the kernel's socket work.
//! 2. Memory: the resident size of a `portico serve` whose database holds
//!    100,000 working keys (50,000 applications with two keys and an
//!    approved subscription each), over one holding only the bench's key.
//! 3. Rate-limit accuracy: `BURST` calls at once with a key whose plan
//!    allows `RATE` per second; how many passed.
//! 4. The cluster's limiter: when redis-server is installed, a second
//!    gateway with `--redis-url` (rates and quotas in Redis, one script call
//!    per request) joins the interleaved rounds, and its figures are set
//!    against the in-memory limiter's.
//!
//! 5. A baseline: with `BENCH_BASELINE=/path/to/portico` (another build
//!    with the same migrations, say the previous commit's), a gateway from
//!    that binary joins the rounds too, and this build's throughput is set against it: a change
//!    is measured against what it changes in the same run, not against
//!    figures from another day.
//!
//! Every server listens on 127.0.0.1 on a free port and is stopped by its
//! PID at the end. The last line reads
//! `gateway/nginx throughput: R; p99 gateway: A ms, nginx: B ms; rss 100k keys: M MB`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use portico::db::Db;
use portico::secret::{Secret, SecretKind};

/// Rounds of each wrk run (the figures are medians).
const ROUNDS: usize = 5;
/// Seconds of each wrk run, after a warm-up of `WARM_UP` seconds.
const SECONDS: u64 = 8;
const WARM_UP: u64 = 2;
/// wrk's connections (one thread: the machine has two cores for
/// everything: wrk, the proxy under test and the upstream).
const CONNECTIONS: u32 = 32;
/// Keys in the memory measurement.
const KEYS: usize = 100_000;
/// The accuracy check: calls at once against a limit of `RATE` per second.
const BURST: usize = 300;
const RATE: u32 = 100;
/// The targets of the issue.
const MIN_THROUGHPUT_RATIO: f64 = 0.9;
const MAX_ADDED_P99_MS: f64 = 1.0;
const MAX_RSS_MB: f64 = 64.0;

const TS: &str = "2026-01-01T00:00:00Z";

fn main() -> Result<()> {
    let portico = PathBuf::from(env!("CARGO_BIN_EXE_portico"));
    for tool in ["wrk", "nginx"] {
        if which(tool).is_none() {
            bail!("{tool} is not installed: scripts/bench-gateway installs it (Debian's packages wrk and nginx-light)");
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(&portico))
}

async fn run(portico: &Path) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let rounds = rounds()?;
    println!(
        "load average at start: {}; wrk: 1 thread, {CONNECTIONS} connections, {rounds} rounds of {SECONDS} s",
        load_average()
    );

    // ---- The upstream and the nginx proxy.
    let upstream_port = free_port()?;
    let nginx_port = free_port()?;
    let upstream = Nginx::start(&dir.path().join("upstream"), &upstream_conf(upstream_port))?;
    let proxy = Nginx::start(
        &dir.path().join("proxy"),
        &proxy_conf(nginx_port, upstream_port),
    )?;

    // ---- Portico with the bench's API, plan, application and keys.
    let (gateway, gateway_url, keys) =
        seeded(portico, dir.path(), "portico", upstream_port, None).await?;

    // The same with the limits in Redis, when Redis is installed.
    let redis = Redis::start(dir.path())?;
    let shared = match &redis {
        Some(redis) => {
            let url = redis.url();
            Some(
                seeded(
                    portico,
                    dir.path(),
                    "portico-redis",
                    upstream_port,
                    Some(&url),
                )
                .await?,
            )
        }
        None => {
            println!("redis-server is not installed: the Redis limiter is not measured");
            None
        }
    };

    // Another build of the gateway, when one is named.
    let baseline = match std::env::var_os("BENCH_BASELINE") {
        Some(binary) => {
            let binary = PathBuf::from(binary);
            println!("baseline: {}", binary.display());
            Some(seeded(&binary, dir.path(), "portico-baseline", upstream_port, None).await?)
        }
        None => None,
    };

    let nginx_url = format!("http://127.0.0.1:{nginx_port}/bench/echo/items");
    let check = reqwest::Client::new();
    for (url, key) in [(&gateway_url, Some(&keys.high)), (&nginx_url, None)] {
        let mut request = check.get(url.as_str());
        if let Some(key) = key {
            request = request.header("x-api-key", key.as_str());
        }
        let response = request.send().await?;
        if response.status() != 200 {
            bail!("{url} answered {} before the load", response.status());
        }
    }

    // ---- 1. Throughput and latency, interleaved; each round starts with
    // the next target, so that none is always first or last.
    let mut targets = vec![
        Target::new("gateway", &gateway_url, Some(&keys.high), gateway.pid()),
        Target::new("nginx", &nginx_url, None, proxy.0.id()),
    ];
    if let Some((server, url, keys)) = &baseline {
        targets.push(Target::new("baseline", url, Some(&keys.high), server.pid()));
    }
    if let Some((server, url, keys)) = &shared {
        targets.push(Target::new(
            "gateway with Redis limits",
            url,
            Some(&keys.high),
            server.pid(),
        ));
    }
    for round in 0..rounds {
        for n in 0..targets.len() {
            let at = (round + n) % targets.len();
            let target = &mut targets[at];
            let run = wrk(&target.url, target.key.as_deref(), target.pid)?;
            println!(
                "round {}: {} {:.0} req/s p50 {:.3} ms p99 {:.3} ms, {:.1} us of processor per call, {:.1} in user space ({} non-2xx)",
                round + 1,
                target.name,
                run.rps,
                run.p50_ms,
                run.p99_ms,
                run.cpu_us,
                run.user_us,
                run.non_2xx
            );
            if target.key.is_some() && run.non_2xx > 0 {
                bail!(
                    "{} refused {} calls: the bench's plan should allow them all",
                    target.name,
                    run.non_2xx
                );
            }
            target.runs.push(run);
        }
    }
    let (gateway_runs, nginx_runs) = (&targets[0].runs, &targets[1].runs);
    let (g, n) = (Run::median(gateway_runs), Run::median(nginx_runs));
    let ratio = paired_ratio(gateway_runs, nginx_runs);
    println!(
        "throughput: gateway {:.0} req/s, nginx {:.0} req/s (medians); gateway/nginx by round {}, median {ratio:.2} (target >= {MIN_THROUGHPUT_RATIO})",
        g.rps,
        n.rps,
        by_round(gateway_runs, nginx_runs)
    );
    println!(
        "latency p50: gateway {:.3} ms, nginx {:.3} ms; p99: gateway {:.3} ms, nginx {:.3} ms, added {:.3} ms (target <= {MAX_ADDED_P99_MS})",
        g.p50_ms,
        n.p50_ms,
        g.p99_ms,
        n.p99_ms,
        g.p99_ms - n.p99_ms
    );
    println!(
        "processor time per call (medians): gateway {:.1} us, nginx {:.1} us, gateway/nginx {:.2}; in user space {:.1} against {:.1} us ({:.2}), in the kernel {:.1} against {:.1} us ({:.2})",
        g.cpu_us,
        n.cpu_us,
        g.cpu_us / n.cpu_us,
        g.user_us,
        n.user_us,
        g.user_us / n.user_us,
        g.cpu_us - g.user_us,
        n.cpu_us - n.user_us,
        (g.cpu_us - g.user_us) / (n.cpu_us - n.user_us)
    );
    let runs_of = |name: &str| {
        targets
            .iter()
            .find(|target| target.name == name)
            .map(|target| &target.runs)
    };
    if let Some(baseline_runs) = runs_of("baseline") {
        let b = Run::median(baseline_runs);
        println!(
            "this build against the baseline: {:.0} against {:.0} req/s (medians); by round {}, median {:.2}; p99 {:.3} against {:.3} ms; processor per call {:.1} against {:.1} us ({:.2})",
            g.rps,
            b.rps,
            by_round(gateway_runs, baseline_runs),
            paired_ratio(gateway_runs, baseline_runs),
            g.p99_ms,
            b.p99_ms,
            g.cpu_us,
            b.cpu_us,
            g.cpu_us / b.cpu_us
        );
    }
    if let Some(redis_runs) = runs_of("gateway with Redis limits") {
        let r = Run::median(redis_runs);
        println!(
            "Redis limiter: {:.0} req/s; against the in-memory limiter by round {}, median {:.2}; p50 {:.3} ms, p99 {:.3} ms ({:+.3} ms against in-memory)",
            r.rps,
            by_round(redis_runs, gateway_runs),
            paired_ratio(redis_runs, gateway_runs),
            r.p50_ms,
            r.p99_ms,
            r.p99_ms - g.p99_ms,
        );
    }
    drop(baseline);

    // ---- 3. Rate-limit accuracy.
    let passed = burst(&check, &gateway_url, &keys.limited).await?;
    println!("rate limit: {BURST} calls at once against {RATE}/s: {passed} passed (limit {RATE}, plus what refills during the burst)");
    if let Some((server, url, keys)) = &shared {
        let shared_passed = burst(&check, url, &keys.limited).await?;
        println!(
            "rate limit in Redis: {BURST} calls at once against {RATE}/s: {shared_passed} passed"
        );
        let (rss, _) = server.memory_mb()?;
        println!("gateway with Redis limits after the load: rss {rss:.1} MB");
    }
    drop(shared);
    drop(redis);
    let (gateway_rss, gateway_hwm) = gateway.memory_mb()?;
    println!("gateway after the load: rss {gateway_rss:.1} MB, peak {gateway_hwm:.1} MB");
    drop(gateway);
    drop(proxy);

    // ---- 2. Memory: an empty gateway, then one with 100,000 keys.
    let empty = measure_rss(portico, dir.path(), "empty", upstream_port, 0).await?;
    let full = measure_rss(portico, dir.path(), "full", upstream_port, KEYS).await?;
    let added = full - empty;
    println!("memory: rss {empty:.1} MB without keys, {full:.1} MB with {KEYS} keys: {added:.1} MB for the keys (target < {MAX_RSS_MB})");
    drop(upstream);

    let met = [
        ratio >= MIN_THROUGHPUT_RATIO,
        g.p99_ms - n.p99_ms <= MAX_ADDED_P99_MS,
        added < MAX_RSS_MB,
        passed <= BURST && passed >= RATE as usize / 2,
    ];
    println!(
        "targets: throughput {}, p99 {}, memory {}, rate limit {}",
        verdict(met[0]),
        verdict(met[1]),
        verdict(met[2]),
        verdict(met[3])
    );
    println!(
        "gateway/nginx throughput: {ratio:.2}; p99 gateway: {:.2} ms, nginx: {:.2} ms; rss 100k keys: {added:.1} MB",
        g.p99_ms, n.p99_ms
    );
    Ok(())
}

/// A `portico serve` from `binary` on a database of its own in `dir/name`,
/// seeded with the bench's API and keys; and the URL of the bench's API on
/// its gateway.
async fn seeded(
    binary: &Path,
    dir: &Path,
    name: &str,
    upstream_port: u16,
    redis_url: Option<&str>,
) -> Result<(Portico, String, Keys)> {
    let data = dir.join(name);
    std::fs::create_dir_all(&data)?;
    let url = portico::db::sqlite_url(&data.join("portico.db"));
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let keys = seed(&db, upstream_port, 0).await?;
    db.close().await;
    let server = Portico::start(binary, &data, &url, redis_url)?;
    server.wait_ready().await?;
    let url = format!("http://127.0.0.1:{}/bench/echo/items", server.gateway_port);
    Ok((server, url, keys))
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// The keys the bench calls with.
struct Keys {
    /// On a plan whose limits are far above what wrk can send.
    high: String,
    /// On a plan of `RATE` per second.
    limited: String,
}

/// One agency, one API (`bench/echo`, upstream the nginx upstream), two
/// plans, the bench's two applications with a key each, and `extra` more
/// keys (two per application, each application subscribed).
async fn seed(db: &Db, upstream_port: u16, extra: usize) -> Result<Keys> {
    let mut tx = db.begin().await?;
    let run = |sql: &'static str| sqlx::query(sql);
    run("insert into tenant (id, slug, name, created_at, updated_at) values (1, 'bench', 'Bench agency', $1, $1)")
        .bind(TS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into api (id, tenant_id, slug, name, lifecycle, access_mode, upstream_url, created_at, updated_at) \
         values (1, 1, 'echo', 'Echo', 'published', 'key', $1, $2, $2)",
    )
    .bind(format!("http://127.0.0.1:{upstream_port}"))
    .bind(TS)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into plan (id, api_id, slug, name, rate_per_second, rate_per_minute, quota_per_day, quota_per_month, approval, created_at, updated_at) values \
         (1, 1, 'high', 'High', 1000000, 60000000, 1000000000, 1000000000, 'auto', $1, $1), \
         (2, 1, 'limited', 'Limited', $2, null, null, null, 'auto', $1, $1)",
    )
    .bind(TS)
    .bind(i64::from(RATE))
    .execute(&mut *tx)
    .await?;
    run("insert into user_account (id, kind, display_name, created_at, updated_at) values (1, 'individual', 'Bench developer', $1, $1)")
        .bind(TS)
        .execute(&mut *tx)
        .await?;
    let apps = 2 + extra / 2;
    let mut secrets = Vec::new();
    for app in 1..=apps {
        let app = i64::try_from(app)?;
        sqlx::query("insert into app (id, owner_user_id, name, created_at, updated_at) values ($1, 1, $2, $3, $3)")
            .bind(app)
            .bind(format!("App {app}"))
            .bind(TS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into subscription (app_id, plan_id, api_id, status, purpose, created_at, updated_at) \
             values ($1, $2, 1, 'approved', 'Benchmark', $3, $3)",
        )
        .bind(app)
        .bind(if app == 2 { 2_i64 } else { 1 })
        .bind(TS)
        .execute(&mut *tx)
        .await?;
        let keys = if app <= 2 { 1 } else { 2 };
        for _ in 0..keys {
            let secret = Secret::generate(SecretKind::ApiKey)?;
            sqlx::query(
                "insert into api_key (app_id, name, prefix, hash, created_at, updated_at) values ($1, 'bench', $2, $3, $4, $4)",
            )
            .bind(app)
            .bind(secret.display_prefix())
            .bind(secret.hash())
            .bind(TS)
            .execute(&mut *tx)
            .await?;
            if app <= 2 {
                secrets.push(secret.expose().to_owned());
            }
        }
    }
    tx.commit().await?;
    let limited = secrets.pop().context("the limited key")?;
    let high = secrets.pop().context("the bench key")?;
    Ok(Keys { high, limited })
}

/// The resident size of a Portico whose database has `extra` keys more
/// than the bench's, once it has loaded them and answered a call.
async fn measure_rss(
    portico: &Path,
    dir: &Path,
    name: &str,
    upstream_port: u16,
    extra: usize,
) -> Result<f64> {
    let data = dir.join(name);
    std::fs::create_dir_all(&data)?;
    let url = portico::db::sqlite_url(&data.join("portico.db"));
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let keys = seed(&db, upstream_port, extra).await?;
    db.close().await;
    let server = Portico::start(portico, &data, &url, None)?;
    server.wait_ready().await?;
    let url = format!("http://127.0.0.1:{}/bench/echo/items", server.gateway_port);
    let response = reqwest::Client::new()
        .get(&url)
        .header("x-api-key", &keys.high)
        .send()
        .await?;
    if response.status() != 200 {
        bail!("{url} answered {} with {extra} keys", response.status());
    }
    // Let start-up garbage (the SQLite reads) settle before reading.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(server.memory_mb()?.0)
}

/// `BURST` calls at once; how many got 200.
async fn burst(client: &reqwest::Client, url: &str, key: &str) -> Result<usize> {
    // Wait for a fresh second's worth of the limit.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let calls: Vec<_> = (0..BURST)
        .map(|_| {
            let request = client.get(url).header("x-api-key", key);
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let mut passed = 0;
    for call in calls {
        match call.await?? {
            200 => passed += 1,
            429 => {}
            other => bail!("a burst call answered {other}"),
        }
    }
    Ok(passed)
}

/// One wrk run's figures.
#[derive(Clone, Copy, Debug)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    /// The server's processor time per call, user and system, in
    /// microseconds: what a call costs, less moved by the machine's other
    /// load than the calls per second are.
    cpu_us: f64,
    /// The part of it in user space (the rest is the kernel's).
    user_us: f64,
}

impl Run {
    fn median(runs: &[Run]) -> Run {
        let pick = |f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
        Run {
            rps: pick(|r| r.rps),
            p50_ms: pick(|r| r.p50_ms),
            p99_ms: pick(|r| r.p99_ms),
            non_2xx: runs.iter().map(|r| r.non_2xx).sum(),
            cpu_us: pick(|r| r.cpu_us),
            user_us: pick(|r| r.user_us),
        }
    }
}

/// One server under load, and its runs.
struct Target {
    name: &'static str,
    url: String,
    key: Option<String>,
    /// The server's process (with its children: nginx's workers).
    pid: u32,
    runs: Vec<Run>,
}

impl Target {
    fn new(name: &'static str, url: &str, key: Option<&String>, pid: u32) -> Self {
        Self {
            name,
            url: url.to_owned(),
            key: key.cloned(),
            pid,
            runs: Vec::new(),
        }
    }
}

/// Processor time used so far by `pid` and its children, in user space
/// and in the kernel, in ticks of 1/100 s (Linux's USER_HZ, the unit of
/// /proc/PID/stat).
fn cpu_ticks(pid: u32) -> Result<(u64, u64)> {
    // After the command's name in parentheses: state, ppid, ... utime
    // (14th field of the line), stime (15th).
    let fields = |text: &str| -> Option<(u32, u64, u64)> {
        let rest = text.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ppid = fields.get(1)?.parse().ok()?;
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some((ppid, utime, stime))
    };
    let (mut user, mut system) = (0, 0);
    for entry in std::fs::read_dir("/proc")? {
        let entry = entry?;
        let Some(id) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some((ppid, utime, stime)) = fields(&text) {
            if id == pid || ppid == pid {
                user += utime;
                system += stime;
            }
        }
    }
    Ok((user, system))
}

/// `BENCH_ROUNDS`, or `ROUNDS`.
fn rounds() -> Result<usize> {
    match std::env::var("BENCH_ROUNDS") {
        Ok(text) => match text.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("BENCH_ROUNDS={text}: give a whole number of rounds, 1 or more"),
        },
        Err(_) => Ok(ROUNDS),
    }
}

/// The median of the rounds' throughput ratios `a / b`: each round's two
/// runs shared the machine's state of the moment, which moves between
/// rounds by more than the changes measured.
fn paired_ratio(a: &[Run], b: &[Run]) -> f64 {
    median(a.iter().zip(b).map(|(a, b)| a.rps / b.rps).collect())
}

/// The middle value; the mean of the middle two of an even count.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

/// Each round's throughput ratio `a / b`, for the output.
fn by_round(a: &[Run], b: &[Run]) -> String {
    let ratios: Vec<String> = a
        .iter()
        .zip(b)
        .map(|(a, b)| format!("{:.2}", a.rps / b.rps))
        .collect();
    ratios.join(" ")
}

/// A warm-up, then the measured run, with the processor time `pid` (and
/// its children) used during it.
fn wrk(url: &str, key: Option<&str>, pid: u32) -> Result<Run> {
    let mut args = vec![
        "-t1".to_owned(),
        format!("-c{CONNECTIONS}"),
        "--latency".to_owned(),
    ];
    if let Some(key) = key {
        args.push("-H".into());
        args.push(format!("x-api-key: {key}"));
    }
    let warm = Command::new("wrk")
        .args(&args)
        .arg(format!("-d{WARM_UP}s"))
        .arg(url)
        .output()?;
    if !warm.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&warm.stderr));
    }
    let before = cpu_ticks(pid)?;
    let output = Command::new("wrk")
        .args(&args)
        .arg(format!("-d{SECONDS}s"))
        .arg(url)
        .output()?;
    let after = cpu_ticks(pid)?;
    let (user, system) = (after.0 - before.0, after.1 - before.1);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut run = parse_wrk(&text).with_context(|| format!("reading wrk's output:\n{text}"))?;
    let calls = run.rps * SECONDS as f64;
    let per_call = |ticks: u64| {
        if calls > 0.0 {
            ticks as f64 * 10_000.0 / calls
        } else {
            0.0
        }
    };
    run.cpu_us = per_call(user + system);
    run.user_us = per_call(user);
    Ok(run)
}

fn parse_wrk(text: &str) -> Option<Run> {
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
    };
    let rps = field("Requests/sec:")?.parse().ok()?;
    let p50_ms = duration_ms(field("50%")?)?;
    let p99_ms = duration_ms(field("99%")?)?;
    let non_2xx = field("Non-2xx or 3xx responses:").map_or(Some(0), |n| n.parse().ok())?;
    Some(Run {
        rps,
        p50_ms,
        p99_ms,
        non_2xx,
        cpu_us: 0.0,
        user_us: 0.0,
    })
}

/// wrk's `812.00us`, `1.25ms`, `2.10s` in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        "m" => number * 60_000.0,
        _ => return None,
    })
}

/// A `portico serve` started from the release binary, stopped on drop.
struct Portico {
    child: Child,
    portal_port: u16,
    gateway_port: u16,
}

impl Portico {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn start(
        binary: &Path,
        data: &Path,
        database_url: &str,
        redis_url: Option<&str>,
    ) -> Result<Self> {
        let portal_port = free_port()?;
        let gateway_port = free_port()?;
        let log = std::fs::File::create(data.join("portico.log"))?;
        let mut command = Command::new(binary);
        // Portico's default log filter (a line per call), unless the bench
        // is run with BENCH_RUST_LOG to see what logging costs.
        match std::env::var("BENCH_RUST_LOG") {
            Ok(filter) => command.env("RUST_LOG", filter),
            Err(_) => command.env_remove("RUST_LOG"),
        };
        if let Some(url) = redis_url {
            command.env("PORTICO_REDIS_URL", url);
        }
        let child = command
            .arg("serve")
            .env("PORTICO_DATA_DIR", data)
            .env("PORTICO_DATABASE_URL", database_url)
            .env("PORTICO_PORTAL_ADDR", format!("127.0.0.1:{portal_port}"))
            .env("PORTICO_GATEWAY_ADDR", format!("127.0.0.1:{gateway_port}"))
            .env("PORTICO_SITE_ROOT", data)
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        Ok(Self {
            child,
            portal_port,
            gateway_port,
        })
    }

    async fn wait_ready(&self) -> Result<()> {
        let url = format!("http://127.0.0.1:{}/healthz", self.gateway_port);
        let client = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(response) = client.get(&url).send().await {
                if response.status().is_success() {
                    let portal = format!("http://127.0.0.1:{}/healthz", self.portal_port);
                    client.get(&portal).send().await?;
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("Portico did not answer on {url} within a minute")
    }

    /// Resident and peak resident size, in MB.
    fn memory_mb(&self) -> Result<(f64, f64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        Ok((kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0))
    }
}

impl Drop for Portico {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// A Redis without persistence, when redis-server is installed.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    fn start(dir: &Path) -> Result<Option<Self>> {
        let Some(binary) = which("redis-server") else {
            return Ok(None);
        };
        let port = free_port()?;
        let child = Command::new(binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .spawn()
            .context("starting redis-server")?;
        std::thread::sleep(Duration::from_millis(300));
        Ok(Some(Self { child, port }))
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// An nginx in the foreground with its own prefix directory.
struct Nginx(Child);

impl Nginx {
    fn start(prefix: &Path, conf: &str) -> Result<Self> {
        std::fs::create_dir_all(prefix.join("logs"))?;
        let file = prefix.join("nginx.conf");
        std::fs::write(&file, conf)?;
        let binary = which("nginx").context("nginx is not installed")?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(&file)
            .arg("-e")
            .arg(prefix.join("logs/error.log"))
            .stdout(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        // nginx binds before it forks its workers; a short wait suffices.
        std::thread::sleep(Duration::from_millis(300));
        Ok(Self(child))
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        stop(&mut self.0);
    }
}

/// SIGTERM, then wait (SIGKILL after five seconds).
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn common_conf(workers: &str) -> String {
    format!(
        "daemon off;\nmaster_process on;\nworker_processes {workers};\nuser root;\npid logs/nginx.pid;\n\
         events {{ worker_connections 1024; }}\n"
    )
}

/// The upstream: a small JSON answer to anything.
fn upstream_conf(port: u16) -> String {
    format!(
        "{}http {{\n  access_log off;\n  server {{\n    listen 127.0.0.1:{port};\n    \
         location / {{ default_type application/json; return 200 '{{\"items\":[1,2,3]}}'; }}\n  }}\n}}\n",
        common_conf("1")
    )
}

/// nginx as a plain reverse proxy to the upstream, with keep-alive and an
/// access log, as a production proxy runs.
fn proxy_conf(port: u16, upstream: u16) -> String {
    format!(
        "{}http {{\n  access_log logs/access.log;\n  \
         upstream origin {{ server 127.0.0.1:{upstream}; keepalive 64; }}\n  \
         server {{\n    listen 127.0.0.1:{port};\n    \
         location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n  }}\n}}\n",
        common_conf("auto")
    )
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain([PathBuf::from("/usr/sbin")])
            .map(|dir| dir.join(tool))
            .find(|path| path.is_file())
    })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}
