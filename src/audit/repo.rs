//! SQL of the audit log. Only this file touches `audit_event`, and it has
//! no UPDATE and no DELETE.

use sqlx::AnyConnection;

/// One privileged action.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// The acting user, if the action came from a signed-in user.
    pub actor_user_id: Option<i64>,
    /// The actor in words: a user's name, or "command line".
    pub actor: &'a str,
    pub tenant_id: Option<i64>,
    /// A dotted verb: `membership.set`, `admin.grant`, ...
    pub action: &'a str,
    pub target: &'a str,
    pub client_addr: Option<&'a str>,
    /// Before and after, as JSON. Never a secret.
    pub detail: serde_json::Value,
}

/// Writes the event on the change's own connection (inside its
/// transaction), so that the change and its record stand or fall together.
pub async fn record(conn: &mut AnyConnection, event: &Event<'_>, now: &str) -> sqlx::Result<()> {
    sqlx::query(
        "insert into audit_event (at, actor_user_id, actor, tenant_id, action, target, \
         client_addr, detail) values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now)
    .bind(event.actor_user_id)
    .bind(event.actor)
    .bind(event.tenant_id)
    .bind(event.action)
    .bind(event.target)
    .bind(event.client_addr)
    .bind(event.detail.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
