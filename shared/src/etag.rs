//! Strong entity tags computed from the representation itself, so any change a client could see
//! changes the tag, whatever caused it.

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(String);

impl ETag {
    pub fn of(representation: &[u8]) -> Self {
        let digest = Sha256::digest(representation);
        let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        Self(format!("\"{hex}\""))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag of a value's JSON representation, as a client received it.
    pub fn of_json<T: serde::Serialize>(value: &T) -> Self {
        Self::of(serde_json::to_string(value).expect("representations serialize").as_bytes())
    }

    /// True when one of the comma-separated tags in `values` is this one (or `*`); `weak` ignores
    /// `W/` prefixes, as `If-None-Match` does (RFC 9110 §13.1.2), while `If-Match` compares strongly.
    pub fn matches_any<'a>(&self, values: impl IntoIterator<Item = &'a str>, weak: bool) -> bool {
        values.into_iter().flat_map(|v| v.split(',')).map(str::trim).any(|tag| {
            let tag = if weak { tag.strip_prefix("W/").unwrap_or(tag) } else { tag };
            tag == "*" || tag == self.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_comparison_for_if_none_match() {
        let tag = ETag::of(b"hello");
        assert!(tag.matches_any([format!("\"other\", W/{}", tag.as_str()).as_str()], true));
        assert!(!tag.matches_any(["\"other\""], true));
    }

    #[test]
    fn strong_comparison_rejects_weak_tags() {
        let tag = ETag::of(b"hello");
        assert!(!tag.matches_any([format!("W/{}", tag.as_str()).as_str()], false));
        assert!(tag.matches_any([tag.as_str()], false));
    }
}
