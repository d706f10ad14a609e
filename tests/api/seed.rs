//! Demo seeding is idempotent: a restart duplicates nothing and loses nothing.

use crate::helpers::{fresh_database, spawn_with, Backend, TestApp};

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["tenant", "api", "api_tag", "api_version", "plan"] {
        let (n,): (i64,) = sqlx::query_as(&format!("select count(*) from {table}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        counts.push(n);
    }
    counts
}

async fn restart_keeps_data(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = fresh_database(backend, &dir).await else {
        return;
    };
    let keep = tempfile::tempdir().unwrap();
    let first = spawn_with(keep, Some(url.clone())).await;
    let before = counts(&first).await;
    // The demo data, and Portico's own REST API (its agency, tags, version).
    assert_eq!(before, vec![4, 4, 10, 4, 6]);
    // An owner's change to demo data survives the restart.
    sqlx::query("update api set summary = 'Edited by its owner' where slug = 'petstore'")
        .execute(first.db.pool())
        .await
        .unwrap();
    drop(first);

    let second = spawn_with(tempfile::tempdir().unwrap(), Some(url)).await;
    assert_eq!(counts(&second).await, before);
    let (summary,): (String,) = sqlx::query_as("select summary from api where slug = 'petstore'")
        .fetch_one(second.db.pool())
        .await
        .unwrap();
    assert_eq!(summary, "Edited by its owner");
    // The demo upstream moved with the new portal port, and still answers.
    let response = second
        .http
        .get(format!("{}/demo-ipo/data-sets/ping", second.gateway))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_on_sqlite_duplicates_and_loses_nothing() {
    restart_keeps_data(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_on_postgres_duplicates_and_loses_nothing() {
    restart_keeps_data(Backend::Postgres).await;
}
