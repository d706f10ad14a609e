//! https upstreams: the gateway calls an upstream over TLS when its
//! certificate comes from an authority it trusts (the system's, or those of
//! `--upstream-ca-file`), refuses one it does not trust with a 502 that says
//! so, and a CA file that is not one stops start-up with the reason.
//!
//! The certificates are made here by the `openssl` command (Debian's
//! package): an agency's authority, and a server certificate for 127.0.0.1
//! that it signed; the upstream is a real TLS server on a free port.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use hyper_util::rt::TokioIo;
use portico::server::config::Config;
use portico::server::startup::Application;
use tokio_rustls::rustls;

use crate::gateway::point_data_sets_at;
use crate::helpers::{fresh_database, spawn_configured, Backend};

/// An authority's certificate, and a server certificate and key it signed.
struct Authority {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command (Debian's package openssl; scripts/test installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A certificate authority named `name`, and a certificate for 127.0.0.1
/// signed by it, in `dir/name-*.pem`.
fn authority(dir: &Path, name: &str) -> Authority {
    let file = |what: &str| format!("{name}-{what}.pem");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let subject = format!("/CN={name} certificate authority");
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", &subject];
    let (ca_key, ca_cert) = (file("ca-key"), file("ca"));
    ca.extend(ec);
    ca.extend(["-keyout", &ca_key, "-out", &ca_cert]);
    openssl(dir, &ca);
    let (key, request, cert) = (file("key"), file("request"), file("cert"));
    let mut server = vec!["req", "-subj", "/CN=127.0.0.1"];
    server.extend(ec);
    server.extend(["-keyout", &key, "-out", &request]);
    openssl(dir, &server);
    let extensions = dir.join(file("extensions"));
    std::fs::write(
        &extensions,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let extensions = extensions.to_string_lossy().into_owned();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            &request,
            "-CA",
            &ca_cert,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-extfile",
            &extensions,
            "-out",
            &cert,
        ],
    );
    Authority {
        ca: dir.join(ca_cert),
        cert: dir.join(cert),
        key: dir.join(key),
    }
}

/// An https server on 127.0.0.1 that answers every request with JSON
/// naming its path; its base URL.
async fn tls_upstream(authority: &Authority) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let certs = CertificateDer::pem_file_iter(&authority.cert)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(&authority.key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate hangs up here.
                let Ok(stream) = acceptor.accept(stream).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(|request: hyper::Request<hyper::body::Incoming>| {
                        let body = serde_json::json!({ "tls": true, "path": request.uri().path() });
                        let response = hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(axum::body::Bytes::from(
                                body.to_string(),
                            )))
                            .unwrap();
                        async move { Ok::<_, std::convert::Infallible>(response) }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_upstream_is_called_when_its_authority_is_trusted() {
    let certs = tempfile::tempdir().unwrap();
    let agency = authority(certs.path(), "agency");
    let stranger = authority(certs.path(), "stranger");
    let trusted = tls_upstream(&agency).await;
    let untrusted = tls_upstream(&stranger).await;

    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(Backend::Sqlite, &dir).await;
    let ca = agency.ca.clone();
    let app = spawn_configured(dir, url, |config| config.upstream_ca_file = Some(ca)).await;
    // The agency's authority is trusted: the call goes through over TLS.
    let call = |upstream: String| {
        let app = &app;
        async move {
            point_data_sets_at(app, &upstream).await;
            let url = format!("{}/demo-ipo/data-sets/fields", app.gateway);
            let response = app.http.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = call(format!("{trusted}/v1")).await;
    assert_eq!(status, 200);
    assert_eq!(body["tls"], true);
    assert_eq!(body["path"], "/v1/fields");

    // Another authority is not: 502, saying why.
    let (status, body) = call(format!("{untrusted}/v1")).await;
    assert_eq!(status, 502);
    assert_eq!(
        body["detail"],
        "The API's upstream presented a TLS certificate the gateway does not trust."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_file_that_is_not_one_stops_start_up_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("ca.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    for (file, reason) in [
        (not_pem, "it holds no certificate"),
        (dir.path().join("missing.pem"), "No such file"),
    ] {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(data.path().to_path_buf(), None);
        config.upstream_ca_file = Some(file.clone());
        let err = match Application::build(config).await {
            Ok(_) => panic!("{} was accepted as a CA file", file.display()),
            Err(err) => format!("{err:#}"),
        };
        assert!(err.contains("--upstream-ca-file"), "{err}");
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(err.contains(reason), "{err}");
    }
}
