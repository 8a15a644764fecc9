//! Paymob's callback signature: the hex HMAC-SHA512, under the merchant's HMAC secret, of some
//! values of the callback concatenated in a fixed order (which values, [`super::callback`] knows).

use hmac::{Hmac, Mac};
use sha2::Sha512;

type HmacSha512 = Hmac<Sha512>;

/// The HMAC secret of the Paymob dashboard, used as the text it is (Paymob shows it as hex, but
/// signs with its characters, not the bytes they spell).
#[derive(Clone)]
pub struct HmacSecret(Vec<u8>);

impl std::fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSecret(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the hmac is missing, malformed or does not match")]
pub struct BadSignature;

impl HmacSecret {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    /// The signature of `message` as Paymob writes it: lowercase hex.
    pub fn sign(&self, message: &str) -> String {
        self.mac(message).finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `hmac` is the signature of `message`. The comparison takes the same time wherever
    /// the first wrong byte is, so a forger learns nothing from how long a refusal takes; a tag
    /// shorter or longer than SHA-512's is refused, never compared on a prefix.
    pub fn verify(&self, message: &str, hmac: &str) -> Result<(), BadSignature> {
        let tag = decode_hex(hmac).ok_or(BadSignature)?;
        self.mac(message).verify_slice(&tag).map_err(|_| BadSignature)
    }

    fn mac(&self, message: &str) -> HmacSha512 {
        let mut mac = HmacSha512::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(message.as_bytes());
        mac
    }
}

/// Hex in either case, two digits a byte; `None` for anything else.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231, test case 2: an HMAC-SHA-512 anyone can check.
    const RFC_4231_KEY: &str = "Jefe";
    const RFC_4231_DATA: &str = "what do ya want for nothing?";
    const RFC_4231_TAG: &str = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737";

    #[test]
    fn signs_as_rfc_4231_says() {
        let secret = HmacSecret::new(RFC_4231_KEY);
        assert_eq!(secret.sign(RFC_4231_DATA), RFC_4231_TAG);
        assert_eq!(secret.verify(RFC_4231_DATA, RFC_4231_TAG), Ok(()));
        assert_eq!(secret.verify(RFC_4231_DATA, &RFC_4231_TAG.to_uppercase()), Ok(()));
    }

    #[test]
    fn refuses_another_message_or_secret() {
        let secret = HmacSecret::new(RFC_4231_KEY);
        assert_eq!(secret.verify("what do ya want for something?", RFC_4231_TAG), Err(BadSignature));
        assert_eq!(HmacSecret::new("jefe").verify(RFC_4231_DATA, RFC_4231_TAG), Err(BadSignature));
    }

    #[test]
    fn refuses_a_tag_that_is_not_hex_or_not_whole() {
        let secret = HmacSecret::new(RFC_4231_KEY);
        let not_hex = format!("{}zz", &RFC_4231_TAG[..126]);
        let odd = &RFC_4231_TAG[..127];
        let short = &RFC_4231_TAG[..126];
        let long = format!("{RFC_4231_TAG}00");
        for bad in ["", "0", not_hex.as_str(), odd, short, &long, &RFC_4231_TAG[..64]] {
            assert_eq!(secret.verify(RFC_4231_DATA, bad), Err(BadSignature), "{bad}");
        }
    }

    #[test]
    fn never_shows_the_secret() {
        assert_eq!(format!("{:?}", HmacSecret::new("04DC")), "HmacSecret(<redacted>)");
    }
}
