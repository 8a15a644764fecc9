//! The id a client gives a message it sends: sending the same one again returns the first
//! message instead of a second. 1 to 64 printable ASCII characters without spaces (a UUID fits).

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ClientMessageId(String);

impl ClientMessageId {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if (1..=MAX_LEN).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new("clientMessageId", "must be 1 to 64 printable ASCII characters without spaces"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for ClientMessageId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_short_tokens_are_ids_and_spaces_or_long_ones_are_not() {
        assert!(ClientMessageId::parse("0b7c2e5e-6a39-4f0e-9d63-6f8a2f3c1d2a").is_ok());
        assert!(ClientMessageId::parse("m1").is_ok());
        for raw in ["", "has space", &"x".repeat(65), "رسالة"] {
            assert!(ClientMessageId::parse(raw).is_err(), "{raw:?}");
        }
    }
}
