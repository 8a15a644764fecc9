//! The id API Gateway gives a WebSocket connection (e.g. `L0SM9cOFvHcCIhw=`): opaque, but only
//! ever base64-like characters, so it is safe in a key and an attribute name.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ConnectionId(String);

#[derive(Debug, thiserror::Error)]
#[error("not a connection id")]
pub struct NotAConnectionId;

impl std::str::FromStr for ConnectionId {
    type Err = NotAConnectionId;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_');
        if (1..=128).contains(&raw.len()) && raw.bytes().all(allowed) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(NotAConnectionId)
        }
    }
}

impl ConnectionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ConnectionId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_gateway_ids_parse_and_others_do_not() {
        assert!("L0SM9cOFvHcCIhw=".parse::<ConnectionId>().is_ok());
        for raw in ["", "a b", "a#b", &"a".repeat(129)] {
            assert!(raw.parse::<ConnectionId>().is_err(), "{raw:?}");
        }
    }
}
