//! The audit log: who did what to which agency, when and from where. Every
//! privileged change writes its event in the same transaction as the change
//! ([`record`]); nothing updates or deletes an event.

pub mod repo;

pub use repo::{record, Event};
