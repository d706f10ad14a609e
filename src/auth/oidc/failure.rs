//! Why a sign-in failed, and the sentence the sign-in page shows for it.

/// Why a sign-in failed, as the sign-in page explains it. Details go to the
/// log (never tokens); the visitor sees the sentence of [`Failure::code`].
#[derive(Debug)]
pub enum Failure {
    /// The state is missing, forged, replayed or too old.
    State,
    /// The visitor cancelled or the provider refused the sign-in.
    Denied(String),
    /// The provider could not be reached or answered nonsense.
    ProviderDown(String),
    /// The provider's answer did not pass the checks (ID token signature,
    /// issuer, audience, expiry, nonce, decryption).
    Rejected(String),
    /// No such provider.
    UnknownProvider,
}

impl Failure {
    /// The code the sign-in page turns into a sentence.
    pub fn code(&self) -> &'static str {
        match self {
            Failure::State => "state",
            Failure::Denied(_) => "denied",
            Failure::ProviderDown(_) => "unavailable",
            Failure::Rejected(_) => "rejected",
            Failure::UnknownProvider => "unknown-provider",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Failure::State => "state missing, unknown, replayed or expired",
            Failure::Denied(d) | Failure::ProviderDown(d) | Failure::Rejected(d) => d,
            Failure::UnknownProvider => "no such provider",
        }
    }
}

/// The sentence shown for a failure code on the sign-in page.
pub fn failure_sentence(code: &str) -> Option<&'static str> {
    Some(match code {
        "state" => {
            "The sign-in could not be matched to this browser, or it took too long. \
             Start again from this page."
        }
        "denied" => {
            "The sign-in was cancelled or refused at the identity provider. You can try again."
        }
        "unavailable" => {
            "The identity provider could not be reached. Try again in a few minutes; \
             if it keeps happening, contact the portal's support."
        }
        "rejected" => {
            "The identity provider's answer did not pass Portico's checks, so you were not \
             signed in. Try again; if it keeps happening, contact the portal's support."
        }
        "unknown-provider" => "That sign-in option does not exist. Choose one below.",
        "expired" => "Your session ended. Sign in again to continue.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_code_has_a_sentence() {
        for failure in [
            Failure::State,
            Failure::Denied(String::new()),
            Failure::ProviderDown(String::new()),
            Failure::Rejected(String::new()),
            Failure::UnknownProvider,
        ] {
            assert!(
                failure_sentence(failure.code()).is_some(),
                "{}",
                failure.code()
            );
        }
    }
}
