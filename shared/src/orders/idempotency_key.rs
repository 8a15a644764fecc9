//! `Idempotency-Key`: a client's name for one attempt (a checkout, an announcement), so a retried
//! request replays the first answer instead of doing it twice. Scoped to its customer, and bound to the request it
//! came with by a hash of that request's JSON.

use sha2::{Digest, Sha256};

use crate::error::FieldError;
use crate::ids::UserId;

pub const HEADER: &str = "Idempotency-Key";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// 1–64 characters of `[A-Za-z0-9._:-]`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let valid = (1..=64).contains(&raw.len())
            && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(HEADER, "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -"))
        }
    }

    /// The key of a checkout as stored: another customer's identical key is another key.
    pub fn scoped_to(&self, customer: UserId) -> String {
        self.scoped("checkout", customer)
    }

    /// The key as stored for `purpose`, scoped to the user who sent it.
    pub fn scoped(&self, purpose: &str, owner: UserId) -> String {
        format!("{purpose}#{owner}#{}", self.0)
    }
}

/// The fingerprint of a request body. serde_json orders object keys, so the same body always
/// hashes the same, however its fields were ordered on the wire.
pub fn request_hash(body: &serde_json::Value) -> String {
    format!("{:x}", Sha256::digest(body.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_alphabet_only() {
        assert!(IdempotencyKey::parse("checkout-2026-12-02T10:00:00.123_a").is_ok());
        for bad in ["", "has space", "ünïcode", &"k".repeat(65)] {
            assert_eq!(IdempotencyKey::parse(bad).unwrap_err().field, HEADER, "{bad}");
        }
    }

    #[test]
    fn keys_are_per_customer_and_bodies_hash_regardless_of_field_order() {
        let key = IdempotencyKey::parse("k1").unwrap();
        assert_ne!(key.scoped_to(UserId::new()), key.scoped_to(UserId::new()));
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":[2,3]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"b":[2,3],"a":1}"#).unwrap();
        assert_eq!(request_hash(&a), request_hash(&b));
    }
}
