//! Real identity providers for the sign-in tests: MockPass (Singpass and
//! Corppass) and oidc-provider (any OpenID Connect provider, and the FAPI 2.0
//! profile), run as Node processes from `end2end/` (see
//! end2end/oidc/README.md), and Portico started with a sign-in configuration
//! that points at them.
//!
//! Portico binds port 0, and the providers need Portico's URLs (its JWKS and
//! callbacks) while Portico's configuration needs the providers' issuers. So
//! a test picks the provider's port first, writes the configuration, starts
//! Portico, then starts the provider with Portico's URLs.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::cookie::{CookieStore, Jar};
use tempfile::TempDir;

use crate::helpers::{self, Backend, TestApp};

/// How long a provider may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a provider's stderr kept for a failure message.
const STDERR_LIMIT: usize = 64 * 1024;

/// The `end2end/` directory, where the providers' scripts and packages are.
pub fn end2end_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("end2end")
}

/// Whether the providers' npm packages are installed. Without them the test
/// is skipped (with a line saying so), unless PORTICO_TEST_REQUIRE_PROVIDERS
/// is set: then it fails, as the test command must run it.
pub fn available() -> bool {
    let modules = end2end_dir().join("node_modules");
    let installed = ["@opengovsg/mockpass", "oidc-provider"]
        .iter()
        .all(|package| modules.join(package).join("package.json").is_file());
    if !installed {
        assert!(
            std::env::var_os("PORTICO_TEST_REQUIRE_PROVIDERS").is_none(),
            "the identity providers are not installed in {}: run scripts/test (it runs npm ci \
             in end2end/)",
            modules.display()
        );
        eprintln!(
            "skipping: the identity providers are not installed in {} (scripts/test installs \
             them)",
            modules.display()
        );
    }
    installed
}

/// A free port on 127.0.0.1, held until the provider that will listen on it
/// starts (so that Portico, which binds port 0 meanwhile, cannot take it).
pub struct FreePort(std::net::TcpListener);

impl FreePort {
    pub fn new() -> Self {
        FreePort(std::net::TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1"))
    }

    pub fn port(&self) -> u16 {
        self.0.local_addr().expect("a bound port").port()
    }
}

impl Default for FreePort {
    fn default() -> Self {
        Self::new()
    }
}

/// A provider process; killed when dropped.
pub struct Provider {
    child: Child,
    /// `http://127.0.0.1:PORT`, as its ready line says.
    pub base: String,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// What the provider has written to stderr so far (why it refused a request).
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// Whether `text` shows up on the provider's stderr within a second
    /// (it is read by another thread).
    pub async fn stderr_shows(&self, text: &str) -> bool {
        for _ in 0..20 {
            if self.stderr().contains(text) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// MockPass on `port`, fetching Portico's JWKS for both Singpass and Corppass.
    pub async fn mockpass(port: FreePort, portico_jwks: &str) -> Provider {
        let env = [
            ("MOCKPASS_PORT", port.port().to_string()),
            ("SP_RP_JWKS_ENDPOINT", portico_jwks.to_string()),
            ("CP_RP_JWKS_ENDPOINT", portico_jwks.to_string()),
        ];
        Self::start("oidc/mockpass.cjs", port, &env).await
    }

    /// oidc-provider on `port` with the given settings (`OIDC_*`).
    pub async fn oidc_provider(port: FreePort, settings: &[(&str, String)]) -> Provider {
        let mut env = vec![("OIDC_PORT", port.port().to_string())];
        env.extend(settings.iter().cloned());
        Self::start("oidc/provider.mjs", port, &env).await
    }

    /// Starts `node SCRIPT` in end2end/ on `port` (released just before)
    /// and waits for its ready line.
    async fn start(script: &str, port: FreePort, env: &[(&str, String)]) -> Provider {
        let dir = end2end_dir();
        let mut command = Command::new("node");
        command
            .arg(script)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Only what the test says: no persona or page settings from outside.
        for name in [
            "PORT",
            "SHOW_LOGIN_PAGE",
            "MOCKPASS_NRIC",
            "MOCKPASS_STATELESS",
            "OIDC_PROFILE",
            "OIDC_CLIENT_AUTH",
            "OIDC_DPOP_NONCE",
        ] {
            command.env_remove(name);
        }
        for (name, value) in env {
            command.env(name, value);
        }
        drop(port);
        let mut child = command.spawn().unwrap_or_else(|err| {
            panic!("cannot start `node {script}` in {}: {err}", dir.display())
        });

        let stderr = Arc::new(Mutex::new(String::new()));
        {
            let mut pipe = child.stderr.take().expect("stderr is piped");
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    let mut text = stderr.lock().expect("stderr lock");
                    if text.len() < STDERR_LIMIT {
                        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
                    }
                }
            });
        }
        // Stdout is read to its end (MockPass logs every request there; a
        // full pipe would stop the process); the ready line is passed on.
        let (ready_tx, ready_rx) = mpsc::channel::<String>();
        {
            let pipe = child.stdout.take().expect("stdout is piped");
            std::thread::spawn(move || {
                let mut ready = Some(ready_tx);
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some((_, url)) = line.split_once(" ready at ") {
                        if let Some(tx) = ready.take() {
                            let _ = tx.send(url.trim().to_string());
                        }
                    }
                }
            });
        }
        let waited = tokio::task::spawn_blocking(move || ready_rx.recv_timeout(READY_TIMEOUT))
            .await
            .expect("the wait for the ready line");
        match waited {
            Ok(base) => Provider {
                child,
                base,
                stderr,
            },
            Err(err) => {
                let status = match child.try_wait() {
                    Ok(Some(status)) => format!("it exited with {status}"),
                    _ => "it is still running".to_string(),
                };
                let _ = child.kill();
                let _ = child.wait();
                let why = match err {
                    mpsc::RecvTimeoutError::Timeout => {
                        format!("no ready line within {READY_TIMEOUT:?}")
                    }
                    mpsc::RecvTimeoutError::Disconnected => {
                        "stdout closed before the ready line".to_string()
                    }
                };
                let stderr = stderr.lock().expect("stderr lock").clone();
                panic!("`node {script}` did not start: {why}; {status}. Its stderr:\n{stderr}");
            }
        }
    }
}

/// Portico with a sign-in configuration, and the directory of that file.
pub struct Portal {
    pub app: TestApp,
    _config_dir: TempDir,
}

impl std::ops::Deref for Portal {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

impl Portal {
    /// Starts Portico (development mode, so that cookies work over plain
    /// http) with `auth_toml` as its sign-in configuration; `None` when the
    /// backend is not available (PostgreSQL without a server).
    pub async fn start(backend: Backend, auth_toml: &str) -> Option<Portal> {
        let config_dir = tempfile::tempdir().expect("a temporary directory");
        let path = config_dir.path().join("auth.toml");
        std::fs::write(&path, auth_toml).expect("the sign-in configuration is written");
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        let url = helpers::fresh_database(backend, &data_dir).await?;
        let app = helpers::spawn_configured(data_dir, Some(url), |config| {
            config.auth_config = Some(path);
        })
        .await;
        Some(Portal {
            app,
            _config_dir: config_dir,
        })
    }

    /// Portico's public keys, as providers fetch them.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.portal)
    }

    /// Where provider `id` sends people back to.
    pub fn callback(&self, id: &str) -> String {
        format!("{}/sign-in/{id}/callback", self.portal)
    }

    /// Where the portal sends people after signing out at a provider.
    pub fn signed_out(&self) -> String {
        format!("{}/?signed-out=1", self.portal)
    }
}

/// A browser: its own cookies, and every redirect left to the test.
pub struct Browser {
    pub http: reqwest::Client,
    jar: Arc<Jar>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("an HTTP client");
        Browser { http, jar }
    }

    /// The `Cookie` header this browser sends to `url`.
    pub fn cookies_for(&self, url: &str) -> String {
        let url = reqwest::Url::parse(url).expect("a URL");
        self.jar
            .cookies(&url)
            .and_then(|value| value.to_str().ok().map(str::to_string))
            .unwrap_or_default()
    }

    /// The value of cookie `name` sent to `url`.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.cookies_for(url).split("; ").find_map(|pair| {
            pair.split_once('=')
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    pub async fn get(&self, url: &str) -> reqwest::Response {
        self.http
            .get(url)
            .send()
            .await
            .unwrap_or_else(|err| panic!("GET {url}: {err}"))
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(url)
            .form(form)
            .send()
            .await
            .unwrap_or_else(|err| panic!("POST {url}: {err}"))
    }

    /// GETs `url`, which must answer 200; the page.
    pub async fn page(&self, url: &str) -> String {
        let response = self.get(url).await;
        let status = response.status();
        let body = response.text().await.expect("a body");
        assert_eq!(status, 200, "GET {url}: {body}");
        body
    }

    /// GETs `url`, which must redirect with `status`; where to (absolute).
    pub async fn redirected(&self, url: &str, status: u16) -> reqwest::Url {
        let response = self.get(url).await;
        location(url, response, status).await
    }

    /// POSTs a form to `url`, which must redirect with `status`; where to.
    pub async fn form_redirected(
        &self,
        url: &str,
        form: &[(&str, &str)],
        status: u16,
    ) -> reqwest::Url {
        let response = self.post_form(url, form).await;
        location(url, response, status).await
    }
}

/// The absolute `Location` of a redirect answering `url`, after checking its status.
pub async fn location(url: &str, response: reqwest::Response, status: u16) -> reqwest::Url {
    let got = response.status().as_u16();
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    if got != status || target.is_none() {
        let body = response.text().await.unwrap_or_default();
        panic!("{url} answered {got} (expected a {status} redirect), location {target:?}: {body}");
    }
    reqwest::Url::parse(url)
        .expect("a URL")
        .join(&target.expect("checked above"))
        .expect("a redirect to a URL")
}

/// The HTML-escaped forms of a text that pages may use.
pub fn unescape(html: &str) -> String {
    html.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `value` of the input named `name` in a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let value = tag.split_once("value=\"")?.1;
    Some(unescape(&value[..value.find('"')?]))
}

/// Whether a text holds something shaped like a JWT (`eyJ…`, three dotted parts).
pub fn holds_jwt(text: &str) -> bool {
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(at, _)| {
        let parts: Vec<&str> = text[at..]
            .split(|c: char| !(b64(c) || c == '.'))
            .next()
            .unwrap_or("")
            .split('.')
            .collect();
        parts.len() >= 3 && parts[..3].iter().all(|part| part.len() >= 2)
    })
}

/// Reads a query parameter of a URL.
pub fn query(url: &reqwest::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The names of a URL's query parameters, sorted.
pub fn query_names(url: &reqwest::Url) -> Vec<String> {
    let mut names: Vec<String> = url.query_pairs().map(|(key, _)| key.into_owned()).collect();
    names.sort();
    names
}

#[test]
fn tokens_on_a_page_are_found() {
    let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    assert!(holds_jwt(&format!("<p>{jwt}</p>")));
    assert!(holds_jwt(&format!("href=\"/x?id_token_hint={jwt}&y\"")));
    assert!(!holds_jwt("csrf eyJ4dGhpcy1pcy1ub3QtYS1qd3Q and 1.2.3"));
    assert_eq!(
        input_value(
            r#"<form><input type="hidden" name="csrf_token" value="a&amp;b"/></form>"#,
            "csrf_token"
        )
        .as_deref(),
        Some("a&b")
    );
}
