//! The audit log: who did what to which agency, when and from where. Every
//! privileged change writes its event in the same transaction as the change
//! ([`record`]); nothing updates or deletes an event.

pub mod model;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod query;
#[cfg(feature = "ssr")]
pub mod repo;

#[cfg(feature = "ssr")]
pub use repo::{record, Event};

#[cfg(feature = "ssr")]
/// Who acts, for the events of a request: the signed-in user and the
/// address the request came from.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// The user's name as it was when they acted.
    pub name: String,
    pub client_addr: Option<String>,
}

#[cfg(feature = "ssr")]
impl Actor {
    /// An event by this actor.
    pub fn event<'a>(
        &'a self,
        tenant_id: Option<i64>,
        action: &'a str,
        target: &'a str,
        detail: serde_json::Value,
    ) -> Event<'a> {
        Event {
            actor_user_id: self.user_id,
            actor: &self.name,
            tenant_id,
            action,
            target,
            client_addr: self.client_addr.as_deref(),
            detail,
        }
    }
}
