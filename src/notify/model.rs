//! What the notifications page shows. Compiled for both sides.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;

/// The most notifications the page lists.
pub const PAGE_SIZE: i64 = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationRow {
    pub id: i64,
    pub message: String,
    /// Where to see what it is about (a path of the portal), or empty.
    pub link: String,
    pub created_at: String,
    pub read: bool,
}

/// `/notifications`: the newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub items: Vec<NotificationRow>,
    pub unread: i64,
    pub csrf_token: String,
    pub notice: Notice,
}
