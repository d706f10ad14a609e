//! The gateway: forwards open APIs to their upstream, and answers every
//! failure with an RFC 9457 problem.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::helpers::TestApp;

crate::on_both_backends!(
    forwards_to_the_demo_upstream,
    streams_request_bodies_to_the_upstream,
    unknown_routes_get_a_problem_404,
    key_apis_refuse_calls_without_a_key,
    unreachable_upstream_is_a_502,
    slow_upstream_is_a_504,
    upstream_connections_are_kept_between_calls,
    an_upstream_closing_its_connections_costs_no_call,
    a_large_answer_streams_through_and_its_connection_is_kept,
);

async fn problem(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert!(response.headers().contains_key("x-request-id"));
    (status, response.json().await.expect("a problem body"))
}

async fn forwards_to_the_demo_upstream(app: TestApp) {
    let response = app
        .http
        .get(format!(
            "{}/demo-ipo/data-sets/v1/oa_citations/fields?limit=5",
            app.gateway
        ))
        .header("x-api-key", "must-not-reach-the-upstream")
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "1")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let echo: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echo["service"], "Portico demo upstream");
    assert_eq!(echo["api"], "data-sets");
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/v1/oa_citations/fields");
    assert_eq!(echo["query"], "limit=5");
    let headers = &echo["headers"];
    assert_eq!(headers["accept"], "application/json");
    assert_eq!(headers["x-forwarded-for"], "127.0.0.1");
    assert_eq!(headers["x-forwarded-proto"], "http");
    assert!(headers["forwarded"]
        .as_str()
        .unwrap()
        .starts_with("for=127.0.0.1;proto=http"));
    assert_eq!(
        headers["x-request-id"],
        request_id.as_str(),
        "the request id reaches the upstream"
    );
    assert!(headers.get("x-api-key").is_none(), "the key is stripped");
    assert!(
        headers.get("x-hop").is_none(),
        "connection-named headers are stripped"
    );
    // The API's root, with and without the slash that the API page's
    // `curl` example ends with.
    for root in ["", "/"] {
        let response = app
            .http
            .get(format!("{}/demo-ipo/data-sets{root}", app.gateway))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "root {root:?}");
        let echo: serde_json::Value = response.json().await.unwrap();
        assert_eq!(echo["api"], "data-sets", "root {root:?}");
        assert_eq!(echo["path"], "/", "root {root:?}");
    }
}

async fn streams_request_bodies_to_the_upstream(app: TestApp) {
    let body = vec![b'x'; 40_000];
    let response = app
        .http
        .post(format!("{}/demo-ipo/data-sets/v1/search", app.gateway))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let echo: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body_bytes"], 40_000);
}

async fn unknown_routes_get_a_problem_404(app: TestApp) {
    for path in [
        "/",
        "/demo-ipo",
        "/demo-ipo/nothing/here",
        "/nobody/data-sets",
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.gateway))
            .send()
            .await
            .unwrap();
        let (status, body) = problem(response).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["status"], 404);
        assert_eq!(body["title"], "Not Found");
        assert_eq!(body["instance"], path);
        assert!(body["detail"]
            .as_str()
            .unwrap()
            .contains("/{agency}/{api}/"));
    }
}

async fn key_apis_refuse_calls_without_a_key(app: TestApp) {
    let response = app
        .http
        .get(format!(
            "{}/demo-transport/train-travel/stations",
            app.gateway
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, 401);
    assert!(body["detail"].as_str().unwrap().contains("x-api-key"));
}

/// Points the demo's open API `data-sets` at `upstream`.
pub async fn point_data_sets_at(app: &TestApp, upstream: &str) {
    sqlx::query("update api set upstream_url = $1 where slug = 'data-sets'")
        .bind(upstream)
        .execute(app.db.pool())
        .await
        .unwrap();
    app.routes.reload(&app.db).await.unwrap();
}

async fn unreachable_upstream_is_a_502(app: TestApp) {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    point_data_sets_at(&app, &format!("http://127.0.0.1:{port}/v1")).await;
    let response = app
        .http
        .get(format!("{}/demo-ipo/data-sets/x", app.gateway))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, 502);
    assert_eq!(body["detail"], "The API's upstream could not be reached.");
}

async fn slow_upstream_is_a_504(app: TestApp) {
    // An upstream that accepts the connection and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    point_data_sets_at(&app, &format!("http://{addr}")).await;
    let response = app
        .http
        .get(format!("{}/demo-ipo/data-sets/x", app.gateway))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, 504);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains(&app.config.upstream_timeout_secs.to_string()));
    silent.abort();
}

/// A plain HTTP/1.1 upstream that gives every request `answer` (status
/// line, headers and body), written in pieces of 64 KiB with a pause
/// between them, and counts the connections it accepted; with
/// `close_after_each`, it closes each connection after its first answer,
/// without saying so in a header (as an upstream whose keep-alive timeout
/// ran out does).
async fn counting_upstream(answer: Vec<u8>, close_after_each: bool) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.clear();
                    for (n, piece) in answer.chunks(64 << 10).enumerate() {
                        if n > 0 {
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                        }
                        if socket.write_all(piece).await.is_err() {
                            return;
                        }
                    }
                    if close_after_each {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), accepted)
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

async fn upstream_connections_are_kept_between_calls(app: TestApp) {
    let (upstream, accepted) = counting_upstream(OK.to_vec(), false).await;
    point_data_sets_at(&app, &upstream).await;
    five_calls_pass(&app).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "five calls one after another share one upstream connection"
    );
}

async fn an_upstream_closing_its_connections_costs_no_call(app: TestApp) {
    let (upstream, accepted) = counting_upstream(OK.to_vec(), true).await;
    point_data_sets_at(&app, &upstream).await;
    five_calls_pass(&app).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 5, "a connection per call");
}

/// Five calls one after another through the gateway, each answered "ok".
async fn five_calls_pass(app: &TestApp) {
    for n in 0..5 {
        let response = app
            .http
            .get(format!("{}/demo-ipo/data-sets/x/{n}", app.gateway))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "call {n}");
        assert_eq!(response.text().await.unwrap(), "ok");
    }
}

/// 4 MiB: an answer that arrives over many reads, long after its head.
const LARGE: usize = 4 << 20;

fn large_byte(n: usize) -> u8 {
    (n % 251) as u8
}

async fn a_large_answer_streams_through_and_its_connection_is_kept(app: TestApp) {
    // Chunked, in chunks of 16 KiB.
    let mut answer = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for start in (0..LARGE).step_by(16 << 10) {
        answer.extend_from_slice(format!("{:x}\r\n", 16 << 10).as_bytes());
        answer.extend((start..start + (16 << 10)).map(large_byte));
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"0\r\n\r\n");
    let (upstream, accepted) = counting_upstream(answer, false).await;
    point_data_sets_at(&app, &upstream).await;
    for n in 0..2 {
        let response = app
            .http
            .get(format!("{}/demo-ipo/data-sets/large", app.gateway))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "call {n}");
        let body = response.bytes().await.unwrap();
        assert_eq!(body.len(), LARGE, "call {n}: the whole answer");
        let wrong = body
            .iter()
            .enumerate()
            .position(|(i, &b)| b != large_byte(i));
        assert_eq!(wrong, None, "call {n}: the answer's bytes in order");
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the second call reuses the connection the first answer came on"
    );
}
