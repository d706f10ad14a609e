//! Identity providers and named admins, from a TOML file with environment
//! overrides. An example (README.md, "Sign-in", has a whole one):
//!
//! ```toml
//! [[provider]]
//! id = "singpass"                 # in URLs: /sign-in/singpass
//! name = "Singpass"
//! kind = "individual"             # or "business"
//! issuer = "https://id.singpass.gov.sg"
//! client_id = "..."
//! client_auth = "private_key_jwt" # or "client_secret_basic"
//! profile = "fapi2"               # or "oidc" (the default)
//!
//! [[admin]]
//! provider = "corppass"
//! subject = "..."
//! ```
//!
//! Secrets need not be in the file: `PORTICO_AUTH_<ID>_CLIENT_SECRET` (and
//! `_CLIENT_ID`, `_ISSUER`) override the provider's values, with the id in
//! capitals and `-` as `_`.

use std::path::Path;

use serde::Deserialize;

use super::model::UserKind;

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    #[serde(default, rename = "provider")]
    pub providers: Vec<ProviderConfig>,
    #[serde(default, rename = "admin")]
    pub admins: Vec<AdminConfig>,
}

/// How Portico proves itself to a provider at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// A client secret in the Authorization header.
    ClientSecretBasic,
    /// A JWT signed with Portico's key (ES256), whose public half Portico
    /// serves at `/.well-known/jwks.json`. Singpass and Corppass demand it.
    PrivateKeyJwt,
}

/// The protocol profile a provider speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// OpenID Connect: authorization code with PKCE, state and nonce.
    #[default]
    Oidc,
    /// FAPI 2.0 security profile on top: pushed authorization requests and
    /// DPoP-bound tokens (Singpass requires it of new relying parties).
    Fapi2,
}

/// One identity provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    pub id: String,
    pub name: String,
    pub kind: UserKind,
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    pub client_auth: ClientAuth,
    #[serde(default)]
    pub profile: Profile,
    /// Scopes asked for; `openid` is always included.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// A sentence under the button on the sign-in page.
    #[serde(default)]
    pub description: String,
    /// The claim that holds the person's name (`name` by default).
    #[serde(default)]
    pub name_claim: Option<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into(), "email".into()]
}

/// An admin named by configuration: the user with this identity is a
/// platform admin for as long as the entry stays.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AdminConfig {
    pub provider: String,
    pub subject: String,
}

impl AuthConfig {
    /// Reads the file, applies the environment's overrides and checks it.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            anyhow::anyhow!(
                "cannot read the sign-in configuration {}: {err}",
                path.display()
            )
        })?;
        let mut config =
            Self::parse(&text).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
        config.apply_env(|name| std::env::var(name).ok());
        config.check()?;
        Ok(config)
    }

    /// Parses the TOML text; errors name the line and the key.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        toml::from_str(text).map_err(|err| anyhow::anyhow!("{err}"))
    }

    /// Replaces values by `PORTICO_AUTH_<ID>_<FIELD>` where set.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) {
        for provider in &mut self.providers {
            let prefix = format!(
                "PORTICO_AUTH_{}_",
                provider.id.to_ascii_uppercase().replace('-', "_")
            );
            if let Some(value) = var(&format!("{prefix}CLIENT_SECRET")) {
                provider.client_secret = Some(value);
            }
            if let Some(value) = var(&format!("{prefix}CLIENT_ID")) {
                provider.client_id = value;
            }
            if let Some(value) = var(&format!("{prefix}ISSUER")) {
                provider.issuer = value;
            }
        }
    }

    /// Rejects what cannot work, with a sentence that says what to change.
    pub fn check(&self) -> anyhow::Result<()> {
        let mut seen = std::collections::HashSet::new();
        for provider in &self.providers {
            let id = &provider.id;
            if id.is_empty()
                || id == "dev"
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                anyhow::bail!(
                    "provider id {id:?}: use lowercase letters, digits and '-' (and not \"dev\", \
                     which the development sign-in uses)"
                );
            }
            if !seen.insert(id.as_str()) {
                anyhow::bail!("provider id {id:?} appears twice: give each provider its own id");
            }
            let issuer = url::Url::parse(&provider.issuer).map_err(|err| {
                anyhow::anyhow!(
                    "provider {id:?}: issuer {:?} is not a URL ({err})",
                    provider.issuer
                )
            })?;
            if !matches!(issuer.scheme(), "https" | "http") {
                anyhow::bail!("provider {id:?}: the issuer must be an https URL");
            }
            if provider.client_auth == ClientAuth::ClientSecretBasic
                && provider.client_secret.as_deref().unwrap_or("").is_empty()
            {
                anyhow::bail!(
                    "provider {id:?} uses client_secret_basic but has no client secret: set \
                     client_secret or PORTICO_AUTH_{}_CLIENT_SECRET",
                    id.to_ascii_uppercase().replace('-', "_")
                );
            }
            if provider.profile == Profile::Fapi2
                && provider.client_auth != ClientAuth::PrivateKeyJwt
            {
                anyhow::bail!(
                    "provider {id:?}: the fapi2 profile needs client_auth = \"private_key_jwt\""
                );
            }
        }
        for admin in &self.admins {
            if !seen.contains(admin.provider.as_str()) && admin.provider != "dev" {
                anyhow::bail!(
                    "admin {:?} names provider {:?}, which is not configured",
                    admin.subject,
                    admin.provider
                );
            }
        }
        Ok(())
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|provider| provider.id == id)
    }

    /// Whether an identity is named as an admin.
    pub fn names_admin(&self, provider: &str, subject: &str) -> bool {
        self.admins
            .iter()
            .any(|admin| admin.provider == provider && admin.subject == subject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
        [[provider]]
        id = "corp-idp"
        name = "Corp"
        kind = "business"
        issuer = "https://idp.example/"
        client_id = "portico"
        client_secret = "from-file"
        client_auth = "client_secret_basic"

        [[admin]]
        provider = "corp-idp"
        subject = "alice"
    "#;

    #[test]
    fn reads_providers_and_admins_with_environment_overrides() {
        let mut config = AuthConfig::parse(EXAMPLE).unwrap();
        config.apply_env(|name| {
            (name == "PORTICO_AUTH_CORP_IDP_CLIENT_SECRET").then(|| "from-env".into())
        });
        config.check().unwrap();
        let provider = config.provider("corp-idp").unwrap();
        assert_eq!(provider.client_secret.as_deref(), Some("from-env"));
        assert_eq!(provider.profile, Profile::Oidc);
        assert_eq!(provider.scopes, ["openid", "profile", "email"]);
        assert!(config.names_admin("corp-idp", "alice"));
        assert!(!config.names_admin("corp-idp", "bob"));
    }

    #[test]
    fn says_what_to_fix() {
        let unknown = AuthConfig::parse(&EXAMPLE.replace("kind =", "knd =")).unwrap_err();
        assert!(unknown.to_string().contains("knd"), "{unknown}");
        let no_secret = AuthConfig::parse(&EXAMPLE.replace("client_secret = \"from-file\"", ""))
            .unwrap()
            .check()
            .unwrap_err();
        assert!(
            no_secret
                .to_string()
                .contains("PORTICO_AUTH_CORP_IDP_CLIENT_SECRET"),
            "{no_secret}"
        );
        let bad_admin =
            AuthConfig::parse(&EXAMPLE.replace("provider = \"corp-idp\"", "provider = \"nope\""))
                .unwrap()
                .check()
                .unwrap_err();
        assert!(
            bad_admin.to_string().contains("not configured"),
            "{bad_admin}"
        );
        let fapi =
            AuthConfig::parse(&EXAMPLE.replace("client_auth", "profile = \"fapi2\"\nclient_auth"))
                .unwrap()
                .check()
                .unwrap_err();
        assert!(fapi.to_string().contains("private_key_jwt"), "{fapi}");
    }
}
