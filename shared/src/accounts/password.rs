//! Passwords: 8 to 128 characters and not guessable (a million guesses at least, by the model of
//! `guesses`, with the user's own email and name counted as known words), stored only as argon2id
//! hashes.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};

/// A password that passed the policy. Its `Debug` never shows it.
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// The guesses a password must need: zxcvbn's "somewhat guessable" (score 2) and up, safe from
/// online guessing at the rates the login limits allow.
const LEAST_GUESSES: f64 = 1e6;

impl Password {
    /// Checks the policy; `known` are words an attacker would try first (email, name).
    pub fn parse(raw: &str, known: &[&str]) -> Result<Self, String> {
        let chars = raw.chars().count();
        if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
            return Err(format!("must be {MIN_CHARS} to {MAX_CHARS} characters"));
        }
        // Each word of the email and name counts as known, not just the whole strings.
        let words: Vec<&str> = known
            .iter()
            .flat_map(|k| std::iter::once(*k).chain(k.split(|c: char| !c.is_alphanumeric())))
            .filter(|w| w.chars().count() >= 3)
            .collect();
        if super::guesses::guesses(raw, &words) < LEAST_GUESSES {
            return Err("is too common or easy to guess; try a longer phrase".to_owned());
        }
        Ok(Self(raw.to_owned()))
    }

    /// A login attempt's password: not checked against the policy (that is registration's job),
    /// only bounded so hashing cannot be made expensive.
    pub fn candidate(raw: &str) -> Option<Self> {
        (raw.chars().count() <= MAX_CHARS).then(|| Self(raw.to_owned()))
    }

    pub fn hash(&self) -> PasswordHash {
        let mut bytes = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .expect("the system random source works");
        let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt");
        let hash =
            hasher().hash_password(self.0.as_bytes(), &salt).expect("argon2id hashing cannot fail with valid params");
        PasswordHash(hash.to_string())
    }
}

/// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 20 ms on one core,
/// well inside the login function's memory.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A stored password hash in PHC string format (algorithm, parameters and salt included).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl PasswordHash {
    pub fn verify(&self, password: &Password) -> bool {
        argon2::PasswordHash::new(&self.0)
            .map(|parsed| hasher().verify_password(password.0.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    }

    /// Spends the same time as a real verification, for logins of unknown emails: the answer must
    /// not reveal, by its speed, whether the account exists.
    pub fn verify_against_nothing(password: &Password) {
        static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
        let dummy = DUMMY.get_or_init(|| Password("not-a-real-password-at-all".into()).hash());
        let _ = dummy.verify(password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_and_rejects_common_passwords() {
        assert!(Password::parse("short1!", &[]).is_err());
        assert!(Password::parse(&"x".repeat(129), &[]).is_err());
        for common in ["password123", "12345678", "qwertyuiop", "iloveyou1"] {
            assert!(Password::parse(common, &[]).is_err(), "{common}");
        }
        assert!(Password::parse("hassan2024", &["mona.hassan@example.com", "Mona Hassan"]).is_err());
        assert!(Password::parse("Wasel-hassan-77", &["mona.hassan@example.com", "Mona Hassan"]).is_ok());
        assert!(Password::parse("Corolla-Nasr-City-1987!", &[]).is_ok());
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let password = Password::parse("Corolla-Nasr-City-1987!", &[]).unwrap();
        let hash = password.hash();
        assert!(hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hash.verify(&password));
        assert!(!hash.verify(&Password::candidate("Corolla-Nasr-City-1988!").unwrap()));
        assert_ne!(password.hash(), hash, "salted");
    }
}
