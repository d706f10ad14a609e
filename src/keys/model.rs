//! What the application page shows of its keys. Compiled for both sides.

use serde::{Deserialize, Serialize};

/// The most keys that may work at once for one application (keys in a
/// rotation's grace period do not count: their replacement does).
pub const MAX_ACTIVE_KEYS: usize = 10;
/// How far ahead a key's expiry date may be, in days (two years).
pub const MAX_EXPIRY_DAYS: i64 = 730;

/// How long a rotated key keeps working: (form value, label, seconds).
pub const GRACE_PERIODS: [(&str, &str, i64); 4] = [
    ("none", "Not at all: it stops now", 0),
    ("1h", "1 hour", 3_600),
    ("24h", "24 hours", 86_400),
    ("7d", "7 days", 604_800),
];

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    /// Rotated: it works until the end of its grace period.
    Rotating,
    Expired,
    Revoked,
}

impl KeyStatus {
    pub fn label(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Rotating => "Expiring after rotation",
            KeyStatus::Expired => "Expired",
            KeyStatus::Revoked => "Revoked",
        }
    }

    /// The key opens the gateway now.
    pub fn works(self) -> bool {
        matches!(self, KeyStatus::Active | KeyStatus::Rotating)
    }
}

/// One key as the page lists it: never its secret, never its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    /// `ptc_` and the first characters of the secret.
    pub prefix: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub status: KeyStatus,
}
