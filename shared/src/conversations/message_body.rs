//! The text of a message: 1 to 2,000 visible characters after trimming (newlines allowed), as
//! every free text a client sends ([`crate::fields::text`]).

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::fields;

pub const MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        fields::text("body", raw, 1, MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Stored bodies were parsed when they were sent; reading one back does not judge it again.
impl<'de> Deserialize<'de> for MessageBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_trimmed_and_keeps_its_newlines() {
        let body = MessageBody::parse("  هل السيارة متاحة؟\nشكراً  ").expect("valid");
        assert_eq!(body.as_str(), "هل السيارة متاحة؟\nشكراً");
    }

    #[test]
    fn empty_long_invisible_and_control_bodies_are_refused() {
        for raw in ["", "   ", &"a".repeat(MAX_CHARS + 1), "hi\u{200B}", "a\u{0007}b", "\u{202E}evil"] {
            let error = MessageBody::parse(raw).expect_err(raw);
            assert_eq!(error.field, "body", "{raw:?}");
        }
        assert!(MessageBody::parse(&"ك".repeat(MAX_CHARS)).is_ok());
    }
}
