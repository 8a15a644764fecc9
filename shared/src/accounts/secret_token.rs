//! Opaque bearer secrets (refresh tokens, email verification tokens): 256 random bits, handed out
//! once and stored only as a SHA-256 digest, so a leaked table leaks no usable token.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

pub struct SecretToken(String);

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

const BYTES: usize = 32;

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; BYTES];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .expect("the system random source works");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as a client presents it; `None` if it cannot be one of ours.
    pub fn parse(raw: &str) -> Option<Self> {
        URL_SAFE_NO_PAD.decode(raw).ok().filter(|b| b.len() == BYTES).map(|_| Self(raw.to_owned()))
    }

    /// What is stored and looked up.
    pub fn digest(&self) -> String {
        Sha256::digest(self.0.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The token itself, for the one response or message that hands it out.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::SecretToken;

    #[test]
    fn round_trips_and_rejects_foreign_strings() {
        let token = SecretToken::generate();
        let parsed = SecretToken::parse(token.expose()).unwrap();
        assert_eq!(parsed.digest(), token.digest());
        assert_ne!(SecretToken::generate().digest(), token.digest());
        assert!(SecretToken::parse("short").is_none());
        assert!(SecretToken::parse(&"!".repeat(43)).is_none());
    }
}
