//! What the admin area and an agency's own pages show. Compiled for both
//! sides.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;
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
    pub user_id: i64,
    pub name: String,
    /// Granted in the portal (and so removable there).
    pub granted: bool,
    /// Named in the configuration (cannot be removed from the portal).
    pub from_configuration: bool,
}

/// The admin area's front page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub agencies: Vec<AgencyRow>,
    pub admins: Vec<AdminRow>,
    pub users: i64,
    /// The providers an admin can name people by: (id, name).
    pub providers: Vec<(String, String)>,
    pub you: i64,
    pub notice: Notice,
    pub csrf_token: String,
}

/// A member of an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub since: String,
}

/// An invitation to join an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub role: Role,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: String,
    /// In words: waiting, accepted (by whom), withdrawn, expired.
    pub standing: String,
    pub pending: bool,
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
    pub you: i64,
    pub members: Vec<MemberRow>,
    pub apis: Vec<ManagedApi>,
    /// Shown to owners only (empty for maintainers).
    pub invitations: Vec<InvitationRow>,
    pub notice: Notice,
    pub csrf_token: String,
}

/// An agency's page in the admin area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAgencyPage {
    pub slug: String,
    pub name: String,
    pub contact_email: String,
    pub status: String,
    pub created_at: String,
    pub apis: Vec<ManagedApi>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    pub providers: Vec<(String, String)>,
    pub notice: Notice,
    pub csrf_token: String,
}

/// A form page that needs only its notice and the CSRF token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPage {
    pub notice: Notice,
    pub csrf_token: String,
}

/// The page an invitation link opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    /// `None` when the link matches no invitation.
    pub agency: Option<(String, String)>,
    pub role: Option<Role>,
    pub pending: bool,
    /// Why it cannot be accepted, when it cannot.
    pub standing: String,
    pub already_member: bool,
    pub notice: Notice,
    pub csrf_token: String,
}
