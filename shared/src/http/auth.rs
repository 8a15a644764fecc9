//! Reading the caller from a request: a valid `Authorization: Bearer` access token, or 401.
//! What the caller may then do is [`crate::accounts::Caller`]'s business.

use std::sync::Arc;

use lambda_http::Request;

use crate::App;
use crate::accounts::Caller;
use crate::accounts::tokens::TokenVerifier;
use crate::clock::Clock;
use crate::config::{ConfigError, vars};
use crate::error::ApiError;

#[derive(Clone)]
pub struct Authenticator {
    verifier: TokenVerifier,
    clock: Arc<dyn Clock>,
}

impl Authenticator {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let verifier =
            TokenVerifier::from_public_base64(vars::JWT_PUBLIC_KEY, app.config.require(vars::JWT_PUBLIC_KEY)?)?;
        Ok(Self { verifier, clock: Arc::clone(&app.clock) })
    }

    /// The caller named by the request's `Authorization: Bearer` access token.
    pub fn caller(&self, req: &Request) -> Result<Caller, ApiError> {
        let header = req.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = header
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or(ApiError::Unauthorized)?;
        self.caller_of(token)
    }

    /// The caller an access token names (a WebSocket `$connect` carries it in the query string:
    /// browsers cannot set headers on a socket).
    pub fn caller_of(&self, token: &str) -> Result<Caller, ApiError> {
        let claims = self.verifier.verify(token, self.clock.now())?;
        Ok(Caller {
            user_id: claims.sub,
            role: claims.role,
            email_verified: claims.email_verified,
            session_id: claims.sid,
        })
    }
}
