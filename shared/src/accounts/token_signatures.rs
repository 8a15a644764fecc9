//! The signatures of access tokens: Ed25519 over ring (the crypto rustls already builds), and no
//! other algorithm. Tokens are signed here with a key parsed once ([`signed`]); `jsonwebtoken`
//! checks them through the provider below, which refuses a token naming another algorithm before
//! any key is used (the verifier's `Validation` also allows EdDSA alone), so no HMAC, RSA or ECDSA
//! code is in a binary.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::signature::{self, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use ring::signature::{ED25519, Ed25519KeyPair, UnparsedPublicKey};
use serde::Serialize;

static ED25519_ONLY: CryptoProvider =
    CryptoProvider { signer_factory: signer, verifier_factory: verifier, key_utils: KeyUtils::new_unimplemented() };

/// Makes Ed25519 over ring the process's token crypto; calls after the first change nothing.
pub(super) fn install() {
    let _ = ED25519_ONLY.install_default();
}

/// Parses a PKCS#8 Ed25519 private key, v1 (as OpenSSL writes it) or v2 (as ring does).
pub(super) fn key_pair(pkcs8: &[u8]) -> Option<Ed25519KeyPair> {
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).ok()
}

/// `jsonwebtoken` is never asked to sign: a signer from it would parse the key for every token.
fn signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    Err(ErrorKind::InvalidAlgorithm.into())
}

/// `{"typ":"JWT","alg":"EdDSA"}`, the header of every access token, in base64url.
const HEADER: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFZERTQSJ9";

/// The compact JWS of `claims`: header, claims and signature over the first two, each base64url.
pub(super) fn signed(key: &Ed25519KeyPair, claims: &impl Serialize) -> String {
    let mut token = format!("{HEADER}.");
    URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims).expect("claims serialise"), &mut token);
    let signature = key.sign(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut token);
    token
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    if *algorithm != Algorithm::EdDSA || key.family() != AlgorithmFamily::Ed {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    Ok(Box::new(Ed25519Verifier(key.try_get_as_bytes()?.to_vec())))
}

/// A raw 32-byte public key.
struct Ed25519Verifier(Vec<u8>);

impl Verifier<Vec<u8>> for Ed25519Verifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        UnparsedPublicKey::new(&ED25519, &self.0).verify(message, signature).map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for Ed25519Verifier {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_one_jsonwebtoken_writes_for_eddsa() {
        let header = serde_json::to_vec(&jsonwebtoken::Header::new(Algorithm::EdDSA)).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(header), HEADER);
    }
}
