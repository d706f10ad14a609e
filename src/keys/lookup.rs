//! The gateway's question about a presented key: does it open the gateway
//! now, and for which application. Malformed keys cost no query.

use sqlx::AnyPool;

use super::model::KeyStatus;
use super::repo;
use super::service::status;
use crate::secret::{Secret, SecretKind};
use crate::server::clock::Clock;

/// What the gateway learns of a presented key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    /// The key works now, for this application.
    Valid {
        key_id: i64,
        app_id: i64,
    },
    /// Not an API key, or mistyped: found out without the database. The
    /// sentence says what is wrong, for the 401's detail.
    Malformed(String),
    /// Well-formed, but no key (of a living application) has this secret.
    Unknown,
    Revoked,
    /// Past its expiry, or past a rotation's grace period.
    Expired,
}

/// Whether `presented` opens the gateway at the clock's time, and for
/// which application. The checksum is checked first, so a malformed key
/// costs no query; then the SHA-256 of the secret is looked up.
pub async fn check_presented(
    pool: &AnyPool,
    clock: &Clock,
    presented: &str,
) -> Result<KeyCheck, sqlx::Error> {
    let secret = match Secret::parse(presented) {
        Ok(secret) if secret.kind() == SecretKind::ApiKey => secret,
        Ok(_) => {
            return Ok(KeyCheck::Malformed(
                "This is a personal access token, for publishing: the gateway takes an API key (ptc_...).".into(),
            ))
        }
        Err(err) => return Ok(KeyCheck::Malformed(err.to_string())),
    };
    let Some(key) = repo::find_by_hash(pool, &secret.hash()).await? else {
        return Ok(KeyCheck::Unknown);
    };
    Ok(match status(&key, clock.now()) {
        KeyStatus::Active | KeyStatus::Rotating => KeyCheck::Valid {
            key_id: key.id,
            app_id: key.app_id,
        },
        KeyStatus::Revoked => KeyCheck::Revoked,
        KeyStatus::Expired => KeyCheck::Expired,
    })
}
