//! What the tokens page shows. Compiled for both sides: the server fills it
//! in, the browser receives it with the page.

use serde::{Deserialize, Serialize};

use crate::app::forms::Notice;

/// How long a new token lives, in days: every token expires.
pub const EXPIRY_DAYS: [i64; 4] = [7, 30, 90, 365];

/// Where a token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Active => "Active",
            TokenStatus::Expired => "Expired",
            TokenStatus::Revoked => "Revoked",
        }
    }
}

/// One token as the page lists it: never its secret, never its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// Whose token it is.
    pub owner: String,
    /// `ptt_` and the first characters of the secret.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    pub status: TokenStatus,
    /// The viewer may revoke it (their own, or any, for an owner).
    pub revocable: bool,
}

/// The tokens page of one agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub agency: String,
    pub agency_name: String,
    /// The viewer's own tokens for this agency.
    pub yours: Vec<TokenRow>,
    /// Every other member's tokens: for owners only, empty otherwise.
    pub others: Vec<TokenRow>,
    pub owner_view: bool,
    /// Where CI sends its requests: the portal's public URL and `/api/v1`.
    pub api_base: String,
    pub csrf_token: String,
    pub notice: Notice,
}

/// `/account/tokens`: the signed-in user's developer tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeveloperTokensPage {
    pub tokens: Vec<TokenRow>,
    /// Where the REST API answers: the portal's public URL and `/api/v1`.
    pub api_base: String,
    pub csrf_token: String,
    pub notice: Notice,
}
