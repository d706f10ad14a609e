//! Slugs: the names of agencies and APIs in URLs and gateway paths.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A URL-safe name: 2 to 64 lowercase letters, digits and single hyphens,
/// starting with a letter. Parsed once, trusted after.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let starts_with_letter = text.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
        if !(2..=64).contains(&text.len())
            || !ok_chars
            || !starts_with_letter
            || text.ends_with('-')
            || text.contains("--")
        {
            return Err(format!(
                "`{text}` is not a valid slug: use 2 to 64 lowercase letters, digits and single hyphens, starting with a letter (for example `train-travel`)"
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug a name suggests, for a form whose slug was left empty:
    /// lowercase ASCII letters and digits, anything else one hyphen, at most
    /// 64 characters (`Train Travel API` gives `train-travel-api`). A name
    /// that leaves nothing usable (no ASCII letter first) is refused with
    /// the same sentence as [`Slug::parse`], so the person types one.
    pub fn from_name(name: &str) -> Result<Self, String> {
        let mut out = String::with_capacity(name.len());
        for c in name.trim().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut out = out.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
        if out.len() > 64 {
            out = &out[..64];
        }
        Self::parse(out.trim_end_matches('-'))
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl std::str::FromStr for Slug {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_slugs() {
        for ok in ["demo-ipo", "train-travel", "v2", "a1-b2"] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn a_name_suggests_a_slug() {
        let slug = |name: &str| Slug::from_name(name).map(|s| s.to_string());
        assert_eq!(slug("Train Travel API").as_deref(), Ok("train-travel-api"));
        assert_eq!(
            slug("  Pets & Stores (v2) ").as_deref(),
            Ok("pets-stores-v2")
        );
        assert_eq!(slug("2024 Tax Returns").as_deref(), Ok("tax-returns"));
        assert_eq!(slug(&"Long ".repeat(20)).map(|s| s.len()), Ok(64));
        assert!(slug("日本").is_err());
    }

    #[test]
    fn refuses_what_would_break_a_url_or_a_route() {
        for bad in [
            "",
            "a",
            "Train",
            "1api",
            "-api",
            "api-",
            "a--b",
            "a/b",
            "a b",
            "ünï",
            &"a".repeat(65),
        ] {
            let err = Slug::parse(bad).unwrap_err();
            assert!(err.contains("lowercase letters"), "{bad}: {err}");
        }
    }
}
