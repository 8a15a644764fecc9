//! Opaque page cursors. A cursor carries the position where the next page starts and a fingerprint
//! of the query it belongs to, signed with HMAC-SHA256: a forged, edited or foreign cursor, or one
//! replayed with other filters, is `invalid_cursor` rather than a page of wrong results.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

type HmacSha256 = Hmac<Sha256>;
const TAG_BYTES: usize = 16;

#[derive(Clone)]
pub struct CursorCodec {
    key: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Envelope<P> {
    /// Fingerprint of the query scope.
    q: String,
    /// Where the next page starts.
    p: P,
}

impl CursorCodec {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: secret.to_vec() }
    }

    /// `scope` is a canonical description of the query (filters and sort, not the page size).
    pub fn encode<P: Serialize>(&self, scope: &str, position: &P) -> String {
        let envelope = Envelope { q: fingerprint(scope), p: position };
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&envelope).expect("positions serialize"));
        let tag = URL_SAFE_NO_PAD.encode(&self.mac(payload.as_bytes()).finalize().into_bytes()[..TAG_BYTES]);
        format!("{payload}.{tag}")
    }

    pub fn decode<P: DeserializeOwned>(&self, scope: &str, cursor: &str) -> Result<P, ApiError> {
        let (payload, tag) = cursor.split_once('.').ok_or(ApiError::InvalidCursor)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| ApiError::InvalidCursor)?;
        // The whole tag or nothing: a shortened tag would be a shorter, guessable one.
        if tag.len() != TAG_BYTES {
            return Err(ApiError::InvalidCursor);
        }
        self.mac(payload.as_bytes()).verify_truncated_left(&tag).map_err(|_| ApiError::InvalidCursor)?;
        let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| ApiError::InvalidCursor)?;
        let envelope: Envelope<P> = serde_json::from_slice(&json).map_err(|_| ApiError::InvalidCursor)?;
        if envelope.q != fingerprint(scope) {
            return Err(ApiError::InvalidCursor);
        }
        Ok(envelope.p)
    }

    /// The cursors of one list, `scope` naming it and, where it is someone's, whose: a cursor
    /// of another list, or of another user's, is `invalid_cursor`.
    pub fn of_list(&self, scope: String) -> ListCursors<'_> {
        ListCursors { codec: self, scope }
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(payload);
        mac
    }
}

/// Where a page of one list starts and the cursor of the page after it.
pub struct ListCursors<'a> {
    codec: &'a CursorCodec,
    scope: String,
}

impl ListCursors<'_> {
    /// The position a client's `cursor` names, if it gave one.
    pub fn start<P: DeserializeOwned>(&self, cursor: Option<&str>) -> Result<Option<P>, ApiError> {
        cursor.map(|c| self.codec.decode(&self.scope, c)).transpose()
    }

    /// The cursor of the page after one that ended at `position`, if any.
    pub fn next<P: Serialize>(&self, position: Option<P>) -> Option<String> {
        position.map(|p| self.codec.encode(&self.scope, &p))
    }
}

fn fingerprint(scope: &str) -> String {
    let digest = Sha256::digest(scope.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> CursorCodec {
        CursorCodec::new(&[7; 32])
    }

    #[test]
    fn round_trips_within_its_scope() {
        let cursor = codec().encode("sort=newest", &vec!["a".to_owned()]);
        let back: Vec<String> = codec().decode("sort=newest", &cursor).unwrap();
        assert_eq!(back, ["a"]);
    }

    #[test]
    fn is_rejected_for_another_query() {
        let cursor = codec().encode("sort=newest", &1u32);
        assert!(matches!(codec().decode::<u32>("sort=price_asc", &cursor), Err(ApiError::InvalidCursor)));
    }

    #[test]
    fn is_rejected_when_edited_or_signed_with_another_key() {
        let cursor = codec().encode("s", &1u32);
        let (payload, tag) = cursor.split_once('.').unwrap();
        let edited = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(br#"{"q":"x","p":2}"#));
        assert!(codec().decode::<u32>("s", &edited).is_err());
        assert!(CursorCodec::new(&[8; 32]).decode::<u32>("s", &cursor).is_err());
        assert!(codec().decode::<u32>("s", payload).is_err());
        assert!(codec().decode::<u32>("s", "garbage").is_err());
    }

    #[test]
    fn a_tag_cut_short_or_made_longer_is_rejected() {
        let cursor = codec().encode("s", &1u32);
        let (payload, tag) = cursor.split_once('.').unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(tag).unwrap();
        for len in [1, 8, TAG_BYTES - 1] {
            let short = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&bytes[..len]));
            assert!(matches!(codec().decode::<u32>("s", &short), Err(ApiError::InvalidCursor)), "{len} bytes");
        }
        let long = format!("{payload}.{}", URL_SAFE_NO_PAD.encode([bytes.as_slice(), &[0]].concat()));
        assert!(codec().decode::<u32>("s", &long).is_err());
    }
}
