//! The platform settings as pages see them. Compiled for both sides.

use serde::{Deserialize, Serialize};

/// The name a Portico has until its admins give it another.
pub const DEFAULT_PORTAL_NAME: &str = "Portico";

/// What admins set about this Portico.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformSettings {
    pub portal_name: String,
    /// An absolute https URL (or a path on this portal) of the logo image.
    pub logo_url: String,
    pub contact_email: String,
    pub support_url: String,
    /// The terms of use, in Markdown. Empty: no terms to accept.
    pub terms_md: String,
    /// Increases at each change of the terms.
    pub terms_version: i64,
    pub updated_at: String,
}

impl Default for PlatformSettings {
    fn default() -> Self {
        PlatformSettings {
            portal_name: DEFAULT_PORTAL_NAME.to_string(),
            logo_url: String::new(),
            contact_email: String::new(),
            support_url: String::new(),
            terms_md: String::new(),
            terms_version: 0,
            updated_at: String::new(),
        }
    }
}

/// The admins' settings page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub settings: PlatformSettings,
    pub notice: crate::app::forms::Notice,
    pub csrf_token: String,
}

/// The terms of use as visitors read them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsPage {
    pub portal_name: String,
    /// Sanitised HTML; empty when there are no terms.
    pub html: String,
    pub version: i64,
    pub updated_at: String,
}
