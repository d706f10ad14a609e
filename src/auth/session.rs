//! Sessions in the database (either backend), for tower-sessions; and the
//! session layer the portal wears: cookie settings and timeouts.

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::db::Db;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "portico_session";

/// A session unused for this long ends (idle timeout).
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);

/// A signed-in session ends this long after the sign-in, however busy it is
/// (absolute timeout). Checked when the caller is loaded.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);

/// The session store: one row per session in `web_session`.
#[derive(Clone, Debug)]
pub struct DbStore {
    db: Db,
}

impl DbStore {
    pub fn new(db: Db) -> Self {
        DbStore { db }
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|err| session_store::Error::Encode(err.to_string()))
}

#[async_trait]
impl SessionStore for DbStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; a collision is all but impossible, but an
        // existing session must never be overwritten by a new one.
        loop {
            let inserted = sqlx::query(
                "insert into web_session (id, data, expires_at) values ($1, $2, $3) \
                 on conflict (id) do nothing",
            )
            .bind(record.id.to_string())
            .bind(encode(record)?)
            .bind(record.expiry_date.unix_timestamp())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        sqlx::query(
            "insert into web_session (id, data, expires_at) values ($1, $2, $3) \
             on conflict (id) do update set data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(encode(record)?)
        .bind(record.expiry_date.unix_timestamp())
        .execute(self.db.pool())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(String, i64)> = sqlx::query_as(
            "select data, expires_at from web_session where id = $1 and expires_at > $2",
        )
        .bind(id.to_string())
        .bind(now)
        .fetch_optional(self.db.pool())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&data)
            .map_err(|err| session_store::Error::Decode(err.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at)
            .map_err(|err| session_store::Error::Decode(err.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("delete from web_session where id = $1")
            .bind(id.to_string())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("delete from web_session where expires_at <= $1")
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(self.db.pool())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// The portal's session layer. Cookies are HttpOnly and SameSite=Lax
/// always, Secure outside development (where the portal is plain http on
/// loopback); the session ends after [`IDLE_TIMEOUT`] without a request.
pub fn layer(db: Db, secure: bool) -> SessionManagerLayer<DbStore> {
    SessionManagerLayer::new(DbStore::new(db))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(IDLE_TIMEOUT))
}

/// Session keys.
pub const USER_ID: &str = "user_id";
pub const PROVIDER: &str = "provider";
pub const SIGNED_IN_AT: &str = "signed_in_at";
pub const CSRF: &str = "csrf";
pub const ID_TOKEN: &str = "id_token";
pub const PENDING: &str = "oidc_pending";

/// A new random token (256 bits, base64url).
pub fn new_token() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
