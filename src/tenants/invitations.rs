//! Invitations: how an owner (or an admin, for a new agency's first owner)
//! brings a person into an agency. The link carries a random secret that
//! only its holder knows; Portico stores its SHA-256. The person signs in
//! (with any provider), opens the link and accepts; then they are a member
//! with the invitation's role. Only the `invitation` table is touched here.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool};
use time::OffsetDateTime;

use crate::auth::model::Role;

/// An invitation's secret: 32 random bytes, URL-safe. Redacted in `Debug`.
pub struct InvitationSecret(String);

impl InvitationSecret {
    pub fn generate() -> Self {
        // rand's thread generator is a CSPRNG seeded from the OS.
        let bytes: [u8; 32] = rand::random();
        InvitationSecret(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The secret as a visitor's link carries it.
    pub fn from_link(text: &str) -> Self {
        InvitationSecret(text.to_string())
    }

    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// The one place the secret is read: the link shown once to the inviter.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for InvitationSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationSecret(redacted)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An invitation as stored, with the names of the people involved.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub role: String,
    pub note: String,
    pub created_by_name: Option<String>,
    pub created_at: String,
    pub expires_at: String,
    pub redeemed_by_name: Option<String>,
    pub redeemed_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Pending => "Waiting to be accepted",
            Standing::Accepted => "Accepted",
            Standing::Revoked => "Withdrawn",
            Standing::Expired => "Expired",
        }
    }
}

impl InvitationRecord {
    pub fn standing(&self, now: OffsetDateTime) -> Standing {
        if self.redeemed_at.is_some() {
            Standing::Accepted
        } else if self.revoked_at.is_some() {
            Standing::Revoked
        } else if parse_time(&self.expires_at).is_none_or(|at| at <= now) {
            Standing::Expired
        } else {
            Standing::Pending
        }
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Maintainer)
    }
}

/// A stored timestamp, read back.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

const COLUMNS: &str = "i.id, i.tenant_id, i.role, i.note, c.display_name as created_by_name, \
     i.created_at, i.expires_at, r.display_name as redeemed_by_name, i.redeemed_at, i.revoked_at \
     from invitation i left join user_account c on c.id = i.created_by \
     left join user_account r on r.id = i.redeemed_by";

/// A new invitation to record.
pub struct NewInvitation<'a> {
    pub tenant_id: i64,
    pub role: Role,
    pub note: &'a str,
    pub created_by: i64,
    pub expires_at: &'a str,
}

/// Records an invitation whose secret hashes to `token_hash`.
pub async fn insert(
    conn: &mut AnyConnection,
    invitation: &NewInvitation<'_>,
    token_hash: &str,
    now: &str,
) -> sqlx::Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "insert into invitation (tenant_id, role, token_hash, note, created_by, created_at, \
         updated_at, expires_at) values ($1, $2, $3, $4, $5, $6, $6, $7) returning id",
    )
    .bind(invitation.tenant_id)
    .bind(invitation.role.as_str())
    .bind(token_hash)
    .bind(invitation.note)
    .bind(invitation.created_by)
    .bind(now)
    .bind(invitation.expires_at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The agency's invitations, newest first.
pub async fn list(pool: &AnyPool, tenant_id: i64) -> sqlx::Result<Vec<InvitationRecord>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where i.tenant_id = $1 order by i.id desc"
    ))
    .bind(tenant_id)
    .fetch_all(pool)
    .await
}

/// The invitation whose secret hashes to this.
pub async fn find_by_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> sqlx::Result<Option<InvitationRecord>> {
    sqlx::query_as(&format!("select {COLUMNS} where i.token_hash = $1"))
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await
}

/// One of the agency's invitations.
pub async fn find(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> sqlx::Result<Option<InvitationRecord>> {
    sqlx::query_as(&format!(
        "select {COLUMNS} where i.tenant_id = $1 and i.id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
}

/// Marks a pending invitation accepted by the user. `false` when it was
/// accepted or withdrawn meanwhile: an invitation is used once.
pub async fn mark_redeemed(
    conn: &mut AnyConnection,
    id: i64,
    user_id: i64,
    now: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update invitation set redeemed_by = $1, redeemed_at = $2, updated_at = $2 \
         where id = $3 and redeemed_at is null and revoked_at is null",
    )
    .bind(user_id)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws a pending invitation. `false` when it was no longer pending.
pub async fn mark_revoked(conn: &mut AnyConnection, id: i64, now: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update invitation set revoked_at = $1, updated_at = $1 \
         where id = $2 and redeemed_at is null and revoked_at is null",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_long_random_and_hidden_from_debug() {
        let a = InvitationSecret::generate();
        let b = InvitationSecret::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43, "32 bytes in unpadded base64");
        assert!(!format!("{a:?}").contains(a.expose()));
        assert_eq!(a.hash().len(), 64);
        assert_eq!(a.hash(), InvitationSecret::from_link(a.expose()).hash());
    }
}
