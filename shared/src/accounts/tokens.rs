//! Access tokens: short-lived JWTs signed with Ed25519. Only the token-issuing functions (login,
//! refresh) hold the private key; every other function verifies with the public key.
//!
//! Keys travel base64-encoded: the private key as PKCS#8 DER (in AWS an SSM SecureString parameter,
//! locally a generated development key), the public key as its raw 32 bytes.

use std::collections::HashSet;
use std::time::Duration;

use base64::{Engine, engine::general_purpose::STANDARD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ring::signature::Ed25519KeyPair;
use serde::{Deserialize, Serialize};

use crate::accounts::token_signatures;
use crate::accounts::user::{Role, User};
use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};

pub const ISSUER: &str = "souk-el-sayarat";
pub const AUDIENCE: &str = "souk-el-sayarat-api";
/// Short enough that a role change or a revoked session matters soon; a refresh renews it.
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub sub: UserId,
    pub role: Role,
    pub email_verified: bool,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
    /// The session (login) the token was issued in, so a request can tell its own session from the
    /// user's others (a password change ends only the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<SessionId>,
}

/// A freshly generated key pair, base64-encoded as the configuration expects it.
pub struct KeyPair {
    pub private_pkcs8_base64: String,
    pub public_base64: String,
}

impl KeyPair {
    pub fn generate() -> Self {
        use ring::signature::{Ed25519KeyPair, KeyPair as _};
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).expect("key generation");
        let pair = token_signatures::key_pair(pkcs8.as_ref()).expect("a generated key parses");
        Self {
            private_pkcs8_base64: STANDARD.encode(pkcs8.as_ref()),
            public_base64: STANDARD.encode(pair.public_key().as_ref()),
        }
    }
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair").field("public_base64", &self.public_base64).finish_non_exhaustive()
    }
}

pub struct IssuedToken {
    pub token: String,
    pub expires_in: u64,
}

/// Holds the private key parsed once: parsing derives the public key, which costs more than a
/// signature.
pub struct TokenIssuer {
    key: Ed25519KeyPair,
}

impl TokenIssuer {
    pub fn from_private_base64(name: &'static str, encoded: &str) -> Result<Self, ConfigError> {
        let der = STANDARD.decode(encoded.trim()).map_err(|e| ConfigError::Invalid { name, reason: e.to_string() })?;
        let key = token_signatures::key_pair(&der)
            .ok_or_else(|| ConfigError::Invalid { name, reason: "not an Ed25519 PKCS#8 key".into() })?;
        Ok(Self { key })
    }

    /// An access token for `user` outside any session (tools and tests).
    pub fn issue(&self, user: &User, now: Timestamp) -> IssuedToken {
        self.sign(user, None, now)
    }

    /// An access token for `user` in `session`.
    pub fn issue_in(&self, user: &User, session: SessionId, now: Timestamp) -> IssuedToken {
        self.sign(user, Some(session), now)
    }

    fn sign(&self, user: &User, sid: Option<SessionId>, now: Timestamp) -> IssuedToken {
        let claims = Claims {
            sub: user.id,
            role: user.role,
            email_verified: user.email_verified,
            iat: now.unix_seconds(),
            exp: now.plus(ACCESS_TOKEN_TTL).unix_seconds(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: ulid::Ulid::new().to_string(),
            sid,
        };
        IssuedToken { token: token_signatures::signed(&self.key, &claims), expires_in: ACCESS_TOKEN_TTL.as_secs() }
    }
}

#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl TokenVerifier {
    pub fn from_public_base64(name: &'static str, encoded: &str) -> Result<Self, ConfigError> {
        let raw = STANDARD.decode(encoded.trim()).map_err(|e| ConfigError::Invalid { name, reason: e.to_string() })?;
        if raw.len() != 32 {
            return Err(ConfigError::Invalid { name, reason: "not a raw Ed25519 public key".into() });
        }
        // Only EdDSA: a token naming HS256 (signed with the public key as a secret) or `none` fails.
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.required_spec_claims = HashSet::from(["exp", "iss", "aud", "sub"].map(str::to_owned));
        // Expiry is checked against the domain clock below, so tests can move time.
        validation.validate_exp = false;
        token_signatures::install();
        Ok(Self { key: DecodingKey::from_ed_der(&raw), validation })
    }

    pub fn verify(&self, token: &str, now: Timestamp) -> Result<Claims, ApiError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation)
            .map_err(|_| ApiError::Unauthorized)?
            .claims;
        if claims.exp <= now.unix_seconds() {
            return Err(ApiError::Unauthorized);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{Email, PersonName};

    fn user() -> User {
        User {
            id: UserId::new(),
            email: Email::parse("a@example.com").unwrap(),
            name: PersonName::parse("A").unwrap(),
            phone: None,
            role: Role::Customer,
            email_verified: true,
            preferences: Default::default(),
            created_at: Timestamp::now(),
        }
    }

    fn pair() -> (TokenIssuer, TokenVerifier) {
        let keys = KeyPair::generate();
        (
            TokenIssuer::from_private_base64("K", &keys.private_pkcs8_base64).unwrap(),
            TokenVerifier::from_public_base64("P", &keys.public_base64).unwrap(),
        )
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let (issuer, verifier) = pair();
        let now = Timestamp::now();
        let user = user();
        let issued = issuer.issue(&user, now);
        let claims = verifier.verify(&issued.token, now).unwrap();
        assert_eq!((claims.sub, claims.role, claims.email_verified), (user.id, Role::Customer, true));
        assert_eq!(claims.exp - claims.iat, 900);
        assert!(verifier.verify(&issued.token, now.plus(ACCESS_TOKEN_TTL)).is_err());
    }

    #[test]
    fn a_token_from_another_key_is_rejected() {
        let (issuer, _) = pair();
        let (_, verifier) = pair();
        assert!(verifier.verify(&issuer.issue(&user(), Timestamp::now()).token, Timestamp::now()).is_err());
    }
}
