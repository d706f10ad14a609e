//! The format of every secret Portico hands out: personal access tokens
//! now, developers' API keys later. A secret is a fixed prefix naming its
//! kind, 32 random bytes from the operating system in base62 (43
//! characters), and a 6-character base62 CRC32 of the prefix and body, so
//! that secret scanners recognise it and Portico refuses a mistyped one
//! without asking the database. Only its SHA-256 hash is stored.

use std::fmt;

use rand::rngs::OsRng;
use rand::TryRngCore as _;
use sha2::{Digest as _, Sha256};

/// What a secret is for; its prefix says so to people and to scanners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// A personal access token: a member of an agency publishing from CI.
    AccessToken,
    /// A developer's API key, presented to the gateway.
    ApiKey,
}

impl SecretKind {
    pub fn prefix(self) -> &'static str {
        match self {
            SecretKind::AccessToken => "ptt_",
            SecretKind::ApiKey => "ptc_",
        }
    }

    /// How people call it, in sentences.
    pub fn noun(self) -> &'static str {
        match self {
            SecretKind::AccessToken => "personal access token",
            SecretKind::ApiKey => "API key",
        }
    }
}

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// 32 bytes in base62: 62^43 > 2^256.
const BODY_LEN: usize = 43;
/// A CRC32 in base62: 62^6 > 2^32.
const CHECKSUM_LEN: usize = 6;
const PREFIX_LEN: usize = 4;
/// The whole secret's length.
pub const SECRET_LEN: usize = PREFIX_LEN + BODY_LEN + CHECKSUM_LEN;
/// How many characters of the body are kept in clear to recognise a secret.
pub const DISPLAY_PREFIX_LEN: usize = 8;

/// A secret's plaintext. `Debug` and `Display` show its prefix only: a
/// secret that reaches a log line or an error message leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    kind: SecretKind,
    text: String,
}

/// Why a text is not a secret of the kind expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretError {
    WrongPrefix,
    WrongLength,
    BadChecksum,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretError::WrongPrefix => {
                "This is not a Portico secret: personal access tokens start with ptt_, API keys with ptc_."
            }
            SecretError::WrongLength => {
                "The secret is not complete: copy all 53 characters of it, with nothing around them."
            }
            SecretError::BadChecksum => {
                "The secret is mistyped: its last characters do not match the rest. Copy it again."
            }
        })
    }
}

impl std::error::Error for SecretError {}

impl Secret {
    /// A new secret of this kind from the operating system's generator.
    pub fn generate(kind: SecretKind) -> Result<Self, rand::rand_core::OsError> {
        let mut bytes = [0u8; 32];
        OsRng.try_fill_bytes(&mut bytes)?;
        let mut text = String::with_capacity(SECRET_LEN);
        text.push_str(kind.prefix());
        text.push_str(&base62(&bytes, BODY_LEN));
        let checksum = checksum_digits(crc32(text.as_bytes()));
        text.extend(checksum.map(char::from));
        Ok(Secret { kind, text })
    }

    /// Reads a secret, checking its prefix, length and checksum; the prefix
    /// says its kind, which the caller checks.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let (kind, text) = Self::check(text)?;
        Ok(Secret {
            kind,
            text: text.to_owned(),
        })
    }

    /// What [`Secret::parse`] checks, without keeping a copy: the kind and
    /// the secret's text, trimmed. The gateway checks every call's key
    /// this way before it hashes it.
    pub fn check(text: &str) -> Result<(SecretKind, &str), SecretError> {
        let text = text.trim();
        let kind = [SecretKind::AccessToken, SecretKind::ApiKey]
            .into_iter()
            .find(|kind| text.starts_with(kind.prefix()))
            .ok_or(SecretError::WrongPrefix)?;
        if text.len() != SECRET_LEN || !text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(SecretError::WrongLength);
        }
        let (signed, checksum) = text.split_at(SECRET_LEN - CHECKSUM_LEN);
        if checksum_digits(crc32(signed.as_bytes())) != checksum.as_bytes() {
            return Err(SecretError::BadChecksum);
        }
        Ok((kind, text))
    }

    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The SHA-256 of the whole secret, in hex: what the database keeps.
    /// The secret has 256 random bits, so an unsalted fast hash is enough:
    /// there is nothing to guess.
    pub fn hash(&self) -> String {
        Sha256::digest(self.text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The first characters after the kind's prefix, kept in clear so that
    /// people can tell their secrets apart.
    pub fn display_prefix(&self) -> &str {
        &self.text[PREFIX_LEN..PREFIX_LEN + DISPLAY_PREFIX_LEN]
    }

    /// The plaintext, for the one place that shows it once.
    pub fn expose(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}…)", self.kind.prefix())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…", self.kind.prefix())
    }
}

/// `bytes` as a big-endian number in base62, left-padded to `width`.
fn base62(bytes: &[u8], width: usize) -> String {
    let mut number = bytes.to_vec();
    let mut digits = Vec::with_capacity(width);
    while number.iter().any(|&b| b != 0) {
        // Long division of the base-256 number by 62.
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 62) as u8;
            remainder = value % 62;
        }
        digits.push(ALPHABET[remainder as usize]);
    }
    digits.resize(width.max(digits.len()), b'0');
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// A CRC-32 in base62, six digits, most significant first: what
/// [`base62`] makes of its four bytes, without allocating.
fn checksum_digits(mut crc: u32) -> [u8; CHECKSUM_LEN] {
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        *digit = ALPHABET[(crc % 62) as usize];
        crc /= 62;
    }
    digits
}

/// CRC-32 (IEEE 802.3, the one zlib and secret scanners compute), a byte
/// at a time from a table built at compile time: it checks 47 bytes on
/// every gateway call, where bit by bit it was 3% of the serving threads'
/// instructions.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc = (crc >> 8) ^ CRC_TABLE[usize::from((crc as u8) ^ byte)];
    }
    !crc
}

/// The CRC of each byte value, bit by bit (the reflected polynomial).
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut crc = n as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            bit += 1;
        }
        table[n] = crc;
        n += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_standard_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_and_encodes_big_endian() {
        assert_eq!(base62(&[0, 0], 3), "000");
        assert_eq!(base62(&[0, 61], 2), "0z");
        assert_eq!(base62(&[0, 62], 2), "10");
        assert_eq!(base62(&[0xff; 32], BODY_LEN).len(), BODY_LEN);
        assert_eq!(base62(&u32::MAX.to_be_bytes(), CHECKSUM_LEN).len(), 6);
    }

    #[test]
    fn checksum_digits_are_the_crcs_base62() {
        for crc in [0, 1, 61, 62, 0xdead_beef, u32::MAX] {
            let digits = checksum_digits(crc);
            assert_eq!(
                std::str::from_utf8(&digits).unwrap(),
                base62(&crc.to_be_bytes(), CHECKSUM_LEN)
            );
        }
    }

    #[test]
    fn a_generated_secret_parses_back() {
        let secret = Secret::generate(SecretKind::AccessToken).unwrap();
        assert_eq!(secret.expose().len(), SECRET_LEN);
        assert!(secret.expose().starts_with("ptt_"));
        let parsed = Secret::parse(secret.expose()).unwrap();
        assert_eq!(parsed, secret);
        assert_eq!(parsed.hash(), secret.hash());
        assert_eq!(secret.hash().len(), 64);
        assert_eq!(secret.display_prefix(), &secret.expose()[4..12]);
        assert_ne!(
            Secret::generate(SecretKind::AccessToken).unwrap(),
            secret,
            "two secrets differ"
        );
    }

    #[test]
    fn a_changed_character_fails_the_checksum() {
        let secret = Secret::generate(SecretKind::AccessToken).unwrap();
        let text = secret.expose();
        for at in [4, 20, SECRET_LEN - 1] {
            let mut bytes = text.as_bytes().to_vec();
            bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
            let changed = String::from_utf8(bytes).unwrap();
            assert_eq!(
                Secret::parse(&changed),
                Err(SecretError::BadChecksum),
                "position {at}"
            );
        }
        assert_eq!(
            Secret::parse(&text[..SECRET_LEN - 1]),
            Err(SecretError::WrongLength)
        );
        assert_eq!(
            Secret::parse(&format!("xyz_{}", &text[4..])),
            Err(SecretError::WrongPrefix)
        );
        let key = Secret::generate(SecretKind::ApiKey).unwrap();
        assert_eq!(
            Secret::parse(key.expose()).unwrap().kind(),
            SecretKind::ApiKey
        );
    }

    #[test]
    fn debug_and_display_do_not_show_the_secret() {
        let secret = Secret::generate(SecretKind::AccessToken).unwrap();
        for shown in [format!("{secret:?}"), format!("{secret}")] {
            assert!(!shown.contains(secret.display_prefix()), "{shown}");
            assert!(!shown.contains(&secret.expose()[12..]), "{shown}");
            assert!(shown.contains("ptt_") && shown.contains('…'), "{shown}");
        }
    }
}
