//! Notification emails reach a real SMTP server (aiosmtpd, which
//! scripts/test installs from PyPI), and no request waits on it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::access_requests::{create_app, request, user_id, API, PURPOSE};
use crate::helpers::{sign_in, TestApp};

crate::on_both_backends!(notifications_are_emailed_through_smtp);

/// A real SMTP server: aiosmtpd writing each message into a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python with aiosmtpd that scripts/test installs; `None` outside it.
fn smtp_python() -> Option<String> {
    let python = std::env::var("PORTICO_TEST_SMTP_PYTHON").ok().or_else(|| {
        let home = std::env::var("HOME").ok()?;
        Some(format!("{home}/.cache/portico/smtp-venv/bin/python"))
    })?;
    let works = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        assert!(
            std::env::var_os("PORTICO_TEST_SMTP_PYTHON").is_none(),
            "{python} has no aiosmtpd: run scripts/test"
        );
        eprintln!("skipping: no Python with aiosmtpd (scripts/test installs one)");
        return None;
    }
    Some(python)
}

async fn start_smtp() -> Option<SmtpServer> {
    let python = smtp_python()?;
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // In its guard at once: killed and waited for on every path.
    let server = SmtpServer {
        child: Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts"),
        port,
        maildir,
        _dir: dir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not listen on {port}");
}

/// The messages received so far, as text.
fn received(maildir: &Path) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

async fn notifications_are_emailed_through_smtp(app: TestApp) {
    let Some(smtp) = start_smtp().await else {
        return;
    };
    // A fresh Portico on the same backend, now sending email.
    use crate::helpers::Backend;
    let postgres = app.config.database_url().starts_with("postgres");
    drop(app);
    let dir = tempfile::tempdir().unwrap();
    let backend = if postgres {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let url = crate::helpers::fresh_database(backend, &dir).await;
    let port = smtp.port;
    let app = crate::helpers::spawn_configured(dir, url, |config| {
        config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        config.mail_from = "Portico <portico@portal.example>".into();
    })
    .await;
    let developer = sign_in(&app, "developer").await;
    sign_in(&app, "owner").await;
    let planner = create_app(&app, user_id(&app, "developer").await, "Journey planner").await;
    let sent = request(&app, &developer, API, "partner", planner, PURPOSE).await;
    assert_eq!(sent.status(), 303, "the request did not wait on SMTP");
    let mut mails = Vec::new();
    for _ in 0..100 {
        mails = received(&smtp.maildir);
        if !mails.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails.len(), 1, "one email to the agency's owner: {mails:?}");
    let mail = &mails[0];
    assert!(mail.contains("To: owner@portico-demo.example"), "{mail}");
    assert!(
        mail.contains("From: Portico <portico@portal.example>"),
        "{mail}"
    );
    assert!(
        mail.contains("New access request: Journey planner asks for Train Travel API"),
        "{mail}"
    );
    assert!(mail.contains("/manage/demo-transport/requests"), "{mail}");
}
