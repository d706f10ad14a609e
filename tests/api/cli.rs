//! The `portico` binary as an operator runs it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn portico() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command.env_remove("RUST_LOG").env("NO_COLOR", "1");
    for var in [
        "PORTICO_DATABASE_URL",
        "PORTICO_DATA_DIR",
        "PORTICO_PORTAL_ADDR",
        "PORTICO_GATEWAY_ADDR",
        "PORTICO_DEV",
    ] {
        command.env_remove(var);
    }
    command
}

#[test]
fn migrate_creates_the_sqlite_database_in_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let output = portico()
        .arg("migrate")
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("portico.db").exists());
}

#[test]
fn a_bad_database_url_is_refused_with_what_to_fix() {
    let output = portico()
        .args([
            "migrate",
            "--database-url",
            "mysql://root@localhost/portico",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("use sqlite://PATH or postgres://"),
        "{stderr}"
    );
}

#[test]
fn serve_logs_both_addresses_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = portico()
        .args([
            "--dev",
            "serve",
            "--portal-addr",
            "127.0.0.1:0",
            "--gateway-addr",
            "127.0.0.1:0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut portal, mut gateway) = (None, None);
    while portal.is_none() || gateway.is_none() {
        assert!(Instant::now() < deadline, "no listening lines in time");
        let line = lines.next().expect("the server is still running").unwrap();
        if let Some((_, addr)) = line.split_once("portal listening on http://") {
            portal = Some(addr.trim().to_owned());
        }
        if let Some((_, addr)) = line.split_once("gateway listening on http://") {
            gateway = Some(addr.trim().to_owned());
        }
    }
    let portal = portal.unwrap();
    assert!(
        !portal.ends_with(":0"),
        "port 0 was replaced by the bound port: {portal}"
    );
    let healthz = std::net::TcpStream::connect(&portal);
    assert!(
        healthz.is_ok(),
        "the portal accepts connections at {portal}"
    );
    drop(healthz);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "exit after SIGTERM: {exit}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}
