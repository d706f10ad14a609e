//! What the applications pages show. Compiled for both sides: the server
//! fills it in, the browser receives it with the page.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;
use crate::keys::model::KeyRow;

/// The longest name an application may have, in characters.
pub const NAME_MAX: usize = 80;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 1000;

/// One application in the list of the caller's applications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
    /// Keys that work now (active, or in a rotation's grace period).
    pub working_keys: i64,
}

/// `/apps`: the caller's applications and the form that creates one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppsPage {
    pub apps: Vec<AppSummary>,
    pub csrf_token: String,
    pub notice: Notice,
}

/// `/apps/{app}`: one application, its keys and the forms that change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppPage {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub keys: Vec<KeyRow>,
    /// The first and last day a new key may expire on (`YYYY-MM-DD`), for
    /// the date input's `min` and `max`.
    pub expiry_min: String,
    pub expiry_max: String,
    pub csrf_token: String,
    pub notice: Notice,
}

/// `/apps/{app}/delete`: what deleting the application will do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteAppPage {
    pub id: i64,
    pub name: String,
    /// Keys that work now and will be revoked.
    pub working_keys: i64,
    /// Pending and approved access requests that will be ended.
    pub live_subscriptions: i64,
    pub csrf_token: String,
}
