//! What the admin area and an agency's own pages show. Compiled for both
//! sides.

use serde::{Deserialize, Serialize};

use crate::auth::model::Role;

/// An agency as the admin area lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRow {
    pub slug: String,
    pub name: String,
    pub status: String,
    pub apis: i64,
    pub members: i64,
}

/// A platform admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminRow {
    pub name: String,
    /// Named in the configuration (cannot be removed from the portal).
    pub from_configuration: bool,
}

/// The admin area's front page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub agencies: Vec<AgencyRow>,
    pub admins: Vec<AdminRow>,
    pub users: i64,
}

/// A member of an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
}

/// One of an agency's APIs, whatever its visibility.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedApi {
    pub slug: String,
    pub name: String,
    pub visibility: String,
    pub lifecycle: String,
    pub versions: i64,
}

/// An agency's own front page, for its members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyConsole {
    pub slug: String,
    pub name: String,
    pub status: String,
    pub your_role: Role,
    pub members: Vec<MemberRow>,
    pub apis: Vec<ManagedApi>,
}
