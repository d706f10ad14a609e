//! Database pools and migrations: the one query layer that both SQLite and
//! PostgreSQL serve.
//!
//! Portico talks to both backends through `sqlx::Any`. The alternative, an enum
//! of concrete pools with every query written twice or made generic over the
//! driver, doubles the code that a domain module owns for no gain a user would
//! see. `Any` costs us the richer column types: timestamps are stored as
//! RFC 3339 text in UTC (which sorts correctly and which both backends can
//! cast), identifiers as 64-bit integers, flags and states as constrained text.
//! Queries use `$1, $2, ...` placeholders, which both drivers accept.
//!
//! Migrations are kept in one folder per backend because the DDL differs
//! (identity columns, `autoincrement`), while the tables and columns are the
//! same. Migrations are append-only: never edit one that has shipped.

use std::{fmt, str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Which database server holds Portico's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Tells the backend from a connection URL, or says which schemes work.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!(
                "unsupported database URL scheme: use sqlite://PATH or postgres://USER@HOST/DB"
            )
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pool of connections to one backend.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl fmt::Debug for Db {
    // The URL may carry a password: it is never kept, so never printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Db {
    /// Connects to `url`, creating a SQLite file if it does not exist yet.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyConnectOptions::from_str(url)
            .with_context(|| format!("the {backend} database URL is not valid"))?;
        let mut pool = AnyPoolOptions::new()
            .acquire_timeout(Duration::from_secs(5))
            .max_connections(match backend {
                // SQLite serialises writers; a few readers are all it can use.
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            });
        if backend == Backend::Sqlite {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers work while a writer commits; the busy
                    // timeout makes a second writer wait instead of failing.
                    // Checkpoints run in the background (Db::spawn_checkpoints)
                    // instead of inside the commit that fills the WAL past 1,000
                    // pages: a large import no longer waits for its own 25 MB to
                    // be copied into the database file. 16,384 pages (64 MB) is
                    // the ceiling if the background task falls behind.
                    conn.execute("pragma journal_mode = wal; pragma synchronous = normal; pragma busy_timeout = 5000; pragma foreign_keys = on; pragma wal_autocheckpoint = 16384;")
                        .await?;
                    Ok(())
                })
            });
        }
        let pool = pool
            .connect_with(options)
            .await
            .with_context(|| format!("could not connect to the {backend} database"))?;
        Ok(Self { pool, backend })
    }

    /// Starts a transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that a second writer waits for the first
    /// (the busy timeout). A deferred transaction that reads first and
    /// writes after another connection committed fails at once with
    /// "database is locked" (SQLITE_BUSY_SNAPSHOT), which no timeout helps:
    /// a form then answered 500 when two people saved at the same moment.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Applies every migration that has not run yet.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .with_context(|| format!("applying the {} migrations failed", self.backend))
    }

    /// Whether the database answers a trivial query right now.
    pub async fn ping(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }

    /// SQLite only: copies the write-ahead log into the database file every
    /// ten seconds without blocking readers or writers (a passive
    /// checkpoint), for as long as the pool is open.
    pub fn spawn_checkpoints(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            every.tick().await;
            loop {
                every.tick().await;
                if pool.is_closed() {
                    break;
                }
                if let Err(err) = sqlx::query("pragma wal_checkpoint(passive)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %err, "WAL checkpoint failed");
                }
            }
        });
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A SQLite URL for a file path, creating the file when it is missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_told_from_the_url_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@localhost/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@localhost/db").unwrap(),
            Backend::Postgres
        );
        let err = Backend::from_url("mysql://u@localhost/db").unwrap_err();
        assert!(err.to_string().contains("sqlite://"), "{err}");
    }

    /// A transaction that reads, then writes after another connection has
    /// written, commits: on SQLite the other writer waits for it. (With a
    /// deferred BEGIN its write failed with "database is locked".)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_that_reads_then_writes_is_not_refused_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&sqlite_url(&dir.path().join("t.db")))
            .await
            .unwrap();
        let pool = db.pool().clone();
        sqlx::query("create table t (n integer not null)")
            .execute(&pool)
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        sqlx::query("select count(*) from t")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let other = tokio::spawn(async move {
            sqlx::query("insert into t (n) values (2)")
                .execute(&pool)
                .await
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            !other.is_finished(),
            "the other writer waits for the transaction"
        );
        sqlx::query("insert into t (n) values (1)")
            .execute(&mut *tx)
            .await
            .expect("the transaction's write");
        tx.commit().await.unwrap();
        other
            .await
            .unwrap()
            .expect("the other writer, after the commit");
        let order: Vec<i64> = sqlx::query_scalar("select n from t order by rowid")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(order, [1, 2]);
    }
}
