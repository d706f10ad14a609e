//! Starting Portico for a test: fresh database, ephemeral ports, shutdown on drop.

use std::path::PathBuf;

use portico::db::Db;
use portico::gateway::routes::RouteTable;
use portico::server::config::Config;
use portico::server::startup::Application;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running Portico and what a test needs to talk to it.
pub struct TestApp {
    pub portal: String,
    pub gateway: String,
    pub http: reqwest::Client,
    pub db: Db,
    pub routes: RouteTable,
    pub config: Config,
    stop: Option<oneshot::Sender<()>>,
    run: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    data_dir: Option<TempDir>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A fresh database URL for the backend, or `None` when PostgreSQL is not
/// configured (allowed only outside the test command, which requires it).
pub async fn fresh_database(backend: Backend, dir: &TempDir) -> Option<String> {
    match backend {
        Backend::Sqlite => Some(portico::db::sqlite_url(&dir.path().join("portico.db"))),
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
                assert!(
                    std::env::var_os("PORTICO_TEST_REQUIRE_POSTGRES").is_none(),
                    "PORTICO_TEST_DATABASE_URL is required: run scripts/test"
                );
                eprintln!("skipping: PORTICO_TEST_DATABASE_URL is not set (scripts/test sets it)");
                return None;
            };
            let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL server");
            sqlx::query(&format!("create database {name}"))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            let base = admin_url
                .rsplit_once('/')
                .expect("a database URL has a path")
                .0;
            Some(format!("{base}/{name}"))
        }
    }
}

/// Starts Portico in development mode on a fresh database.
pub async fn spawn(backend: Backend) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = fresh_database(backend, &dir).await?;
    Some(spawn_with(dir, Some(url)).await)
}

/// Starts Portico on the given data directory and database.
pub async fn spawn_with(dir: TempDir, database_url: Option<String>) -> TestApp {
    spawn_configured(dir, database_url, |_| {}).await
}

/// Starts Portico on the given data directory and database, with the test
/// configuration changed by `configure` first (e.g. a sign-in configuration).
pub async fn spawn_configured(
    dir: TempDir,
    database_url: Option<String>,
    configure: impl FnOnce(&mut Config),
) -> TestApp {
    // Logs only when asked for (RUST_LOG=info cargo test ...), to keep output readable.
    if std::env::var_os("RUST_LOG").is_some() {
        portico::server::telemetry::init();
    }
    let mut config = Config::for_tests(PathBuf::from(dir.path()), database_url);
    config.site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/site");
    configure(&mut config);
    let app = Application::build(config.clone())
        .await
        .expect("the application builds");
    let portal = format!("http://{}", app.portal_addr());
    let gateway = format!("http://{}", app.gateway_addr());
    let db = app.db().clone();
    let routes = app.routes().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let run = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    TestApp {
        portal,
        gateway,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // No request of a test waits for ever: a stuck one fails, naming its URL.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("an HTTP client"),
        db,
        routes,
        config,
        stop: Some(stop),
        run: Some(run),
        data_dir: Some(dir),
    }
}

impl TestApp {
    /// Stops this Portico, waits until it has shut down (the gateway
    /// writes its counters then), and starts another on the same data
    /// directory and database.
    pub async fn restart(mut self) -> TestApp {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(run) = self.run.take() {
            run.await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
        let dir = self.data_dir.take().expect("a data directory");
        spawn_with(dir, self.config.database_url.clone()).await
    }

    pub async fn get_json(&self, url: &str) -> (u16, serde_json::Value) {
        let response = self.http.get(url).send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    pub async fn get_text(&self, url: &str) -> (u16, String) {
        let response = self.http.get(url).send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }
}

/// A signed-in demo person: the session cookie and its CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub async fn sign_in(app: &TestApp, who: &str) -> Session {
    let response = app
        .http
        .post(format!("{}/dev/sign-in", app.portal))
        .form(&[("who", who)])
        .send()
        .await
        .expect("sign-in sent");
    assert_eq!(response.status(), 303, "the development sign-in redirects");
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_session="))
        .expect("a session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let viewer: serde_json::Value = app
        .http
        .get(format!("{}/fn/viewer", app.portal))
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("viewer sent")
        .json()
        .await
        .expect("the viewer as JSON");
    let csrf = viewer["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_string();
    assert!(csrf.len() >= 32, "the token is long enough: {csrf}");
    Session { cookie, csrf }
}

impl TestApp {
    /// POSTs a form as the signed-in person, with their CSRF token added;
    /// redirects are not followed.
    pub async fn post_form(
        &self,
        session: &Session,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &session.csrf));
        self.http
            .post(format!("{}{path}", self.portal))
            .header(COOKIE, &session.cookie)
            .form(&form)
            .send()
            .await
            .expect("form sent")
    }

    /// GETs a page as the signed-in person: its status and HTML.
    pub async fn page(&self, session: &Session, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.portal))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }
}

/// Where a redirect leads.
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Runs each named test (an `async fn(TestApp)` in the enclosing module) once
/// on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::spawn($crate::helpers::Backend::Sqlite).await.expect("SQLite always runs");
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::spawn($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
