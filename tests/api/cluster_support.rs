//! Real servers for the cluster tests, each in a temporary directory on a
//! free loopback port, stopped by PID when dropped: a PostgreSQL cluster of
//! its own (the test stops and restarts it) and `portico gateway` nodes run
//! from the built binary (Redis: `crate::redis_server`); and a relay that
//! cuts connections without a word.
//!
//! Missing servers skip the test with a note, except under the test command
//! (`PORTICO_TEST_REQUIRE_CLUSTER=1`), where they are installed and a
//! missing one is a failure.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Whether a missing server fails the test instead of skipping it.
fn required() -> bool {
    std::env::var_os("PORTICO_TEST_REQUIRE_CLUSTER").is_some()
}

fn skip(what: &str) -> Option<()> {
    assert!(
        !required(),
        "{what} is required by PORTICO_TEST_REQUIRE_CLUSTER"
    );
    eprintln!("skipping: {what} (scripts/test installs it)");
    None
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A program run as the `postgres` user when the tests run as root
/// (PostgreSQL refuses to run as root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn wait_for_port(port: u16, what: &str) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} did not listen on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A PostgreSQL server of the test's own.
pub struct Postgres {
    bin: PathBuf,
    dir: TempDir,
    pub port: u16,
}

impl Postgres {
    pub fn start() -> Option<Self> {
        let Some(bin) = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").is_file())
            .max()
        else {
            skip("PostgreSQL's server (Debian's postgresql)")?;
            unreachable!()
        };
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let status = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "initdb");
        let server = Self {
            bin,
            dir,
            port: free_port(),
        };
        server.start_again();
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl(&self, args: &[&str]) {
        let status = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(args)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {args:?}");
    }

    /// Starts the server (again, on the same port and data).
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        self.pg_ctl(&["-l", log.to_str().unwrap(), "-w", "-o", &options, "start"]);
        wait_for_port(self.port, "PostgreSQL");
    }

    /// Stops the server at once (connections are cut).
    pub fn stop(&self) {
        self.pg_ctl(&["-m", "immediate", "-w", "stop"]);
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// SIGTERM, and wait (SIGKILL after ten seconds).
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A `portico gateway` process.
pub struct GatewayNode {
    child: Option<Child>,
    _dir: TempDir,
    pub url: String,
}

impl GatewayNode {
    /// Starts a gateway node on the database and Redis, with the serve
    /// node's keys (the identity token's signing key is the cluster's).
    pub fn start(database_url: &str, redis_url: &str, keys_dir: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("gateway.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_portico"))
            .arg("gateway")
            .env("PORTICO_DATABASE_URL", database_url)
            .env("PORTICO_REDIS_URL", redis_url)
            .env("PORTICO_GATEWAY_ADDR", format!("127.0.0.1:{port}"))
            .env("PORTICO_DATA_DIR", dir.path())
            .env("PORTICO_KEYS_DIR", keys_dir)
            .env("PORTICO_USAGE_FLUSH_MS", "200")
            .env(
                "RUST_LOG",
                "info,portico::gateway::feed=debug,portico::gateway::changes=debug",
            )
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        wait_for_port(port, "portico gateway");
        Self {
            child: Some(child),
            _dir: dir,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Stops the node as an operator would (SIGTERM: it writes its usage).
    pub fn stop(mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// What the node logged, for a failing assertion's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("gateway.log")).unwrap_or_default()
    }
}

impl Drop for GatewayNode {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}

/// A TCP relay to a local port whose connections can be cut without a
/// word, as a network partition or a database failing over to another
/// address cuts them: from [`Relay::cut`] on, bytes are taken and dropped,
/// and nothing is closed, so each end waits for an answer that never
/// comes (a half-open connection). After [`Relay::mend`] new connections
/// pass again; those cut stay cut. It runs on the test's runtime.
pub struct Relay {
    pub port: u16,
    /// Bumped by each cut: a connection made before it is dead for good.
    cuts: Arc<AtomicU64>,
    cut: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    pub async fn start(to_port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cuts = Arc::new(AtomicU64::new(0));
        let cut = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let (cuts, cut) = (cuts.clone(), cut.clone());
            async move {
                while let Ok((client, _)) = listener.accept().await {
                    let born = cuts.load(Ordering::SeqCst);
                    let (cuts, cut) = (cuts.clone(), cut.clone());
                    let dead =
                        move || cut.load(Ordering::SeqCst) || cuts.load(Ordering::SeqCst) != born;
                    tokio::spawn(async move {
                        let Ok(server) =
                            tokio::net::TcpStream::connect(("127.0.0.1", to_port)).await
                        else {
                            return;
                        };
                        let (client_in, client_out) = client.into_split();
                        let (server_in, server_out) = server.into_split();
                        tokio::join!(
                            pass(client_in, server_out, dead.clone()),
                            pass(server_in, client_out, dead)
                        );
                    });
                }
            }
        });
        Self {
            port,
            cuts,
            cut,
            task,
        }
    }

    /// `database_url` with its port replaced by the relay's.
    pub fn url(&self, database_url: &str) -> String {
        let (head, tail) = database_url.rsplit_once(':').unwrap();
        let path = tail.find('/').map_or("", |at| &tail[at..]);
        format!("{head}:{}{path}", self.port)
    }

    /// Cuts every connection, and every one made until [`Relay::mend`].
    pub fn cut(&self) {
        self.cuts.fetch_add(1, Ordering::SeqCst);
        self.cut.store(true, Ordering::SeqCst);
    }

    /// New connections pass again.
    pub fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Passes bytes from `from` to `to` until `dead()`; from then on takes
/// them and drops them, and holds both ends open until the test ends.
async fn pass(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    dead: impl Fn() -> bool,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let read = from.read(&mut buf).await.unwrap_or(0);
        if dead() {
            if read == 0 {
                // Closed at this end: the other end is never told.
                std::future::pending::<()>().await;
            }
            continue;
        }
        if read == 0 || to.write_all(&buf[..read]).await.is_err() {
            let _ = to.shutdown().await;
            return;
        }
    }
}
