//! Who is looking at a page, as the pages see it. Compiled for both sides:
//! the server fills it in, the browser receives it with the page.

use serde::{Deserialize, Serialize};

/// The kind of person a user is, decided by the provider they first signed
/// in with: individuals (citizens, independent developers) sign in with the
/// identity service for individuals, business and agency staff with the
/// one for organisations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Individual,
    Business,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Individual => "individual",
            UserKind::Business => "business",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "individual" => Some(UserKind::Individual),
            "business" => Some(UserKind::Business),
            _ => None,
        }
    }

    /// How pages name the kind.
    pub fn label(self) -> &'static str {
        match self {
            UserKind::Individual => "Individual developer",
            UserKind::Business => "Business or agency staff",
        }
    }
}

/// A member's role in an agency. Owners also manage members and plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Maintainer,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Maintainer => "maintainer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "owner" => Some(Role::Owner),
            "maintainer" => Some(Role::Maintainer),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Maintainer => "Maintainer",
        }
    }
}

/// An agency a user belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRole {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

/// The signed-in user, as the header and the pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub kind: UserKind,
    pub admin: bool,
    pub agencies: Vec<AgencyRole>,
    /// The token every form of this session sends back (CSRF defence).
    pub csrf_token: String,
}

/// One way to sign in, as the sign-in page offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOption {
    /// Where the button leads: `/sign-in/{id}`.
    pub id: String,
    pub name: String,
    pub kind: UserKind,
    pub description: String,
}

/// What the sign-in page needs: the providers, whether the development
/// sign-in is on, and the session's CSRF token for its forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInPage {
    pub options: Vec<SignInOption>,
    pub dev: bool,
    pub csrf_token: String,
    /// A sentence saying why the last sign-in failed, if it did.
    pub problem: Option<String>,
}

/// The account page of a signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPage {
    pub viewer: Viewer,
    pub email: Option<String>,
    pub identities: Vec<IdentitySummary>,
    pub member_since: String,
}

/// A provider identity linked to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySummary {
    pub provider: String,
    pub subject: String,
    pub last_used: String,
}

/// The sentence of a refusal to the anonymous (401).
pub const SIGN_IN_NEEDED: &str = "Sign in to do this.";

/// The sentence of a refusal to a signed-in user (403).
pub const NO_ACCESS: &str = "Your account does not have access to this page. If you think it \
                             should, ask an owner of the agency or a platform admin.";
