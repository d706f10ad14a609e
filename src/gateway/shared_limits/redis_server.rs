//! A real `redis-server` for tests: a free port, a temporary directory, no
//! persistence; stopped by its PID when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REDIS_SERVER: &str = "/usr/bin/redis-server";

pub struct RedisServer {
    pub port: u16,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts one, or `None` (with a note) when redis-server is not
    /// installed, unless PORTICO_TEST_REQUIRE_REDIS=1 demands it.
    pub fn start() -> Option<Self> {
        if !Path::new(REDIS_SERVER).exists() {
            assert!(
                std::env::var("PORTICO_TEST_REQUIRE_REDIS").as_deref() != Ok("1"),
                "{REDIS_SERVER} is required (PORTICO_TEST_REQUIRE_REDIS=1): apt-get install redis-server"
            );
            eprintln!("skipping: {REDIS_SERVER} is not installed");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut server = Self {
            port,
            child: None,
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        server.run();
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts the server again on the same port (with no data).
    pub fn run(&mut self) {
        assert!(self.child.is_none(), "redis-server already runs");
        let child = Command::new(REDIS_SERVER)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills the server (by its PID) and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
