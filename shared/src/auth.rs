//! Who is calling, and what they may do: every handler that needs a caller goes through here.
//!
//! - [`Authenticator::caller`]: a valid access token or 401.
//! - [`Caller::require_role`]: function-level authorization, 403 `forbidden`.
//! - [`Caller::require_verified_email`]: 403 `email_not_verified`.
//! - [`Caller::ensure_can_see`]: object-level authorization; what a caller may not see is 404, so its
//!   existence does not leak.

use std::sync::Arc;

use lambda_http::Request;

use crate::App;
use crate::accounts::Role;
use crate::accounts::tokens::TokenVerifier;
use crate::clock::Clock;
use crate::config::{ConfigError, vars};
use crate::error::ApiError;
use crate::ids::UserId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub role: Role,
    pub email_verified: bool,
}

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
        let claims = self.verifier.verify(token, self.clock.now())?;
        Ok(Caller { user_id: claims.sub, role: claims.role, email_verified: claims.email_verified })
    }
}

impl Caller {
    pub fn require_role(&self, allowed: &[Role]) -> Result<(), ApiError> {
        if allowed.contains(&self.role) { Ok(()) } else { Err(ApiError::Forbidden) }
    }

    pub fn require_verified_email(&self) -> Result<(), ApiError> {
        if self.email_verified { Ok(()) } else { Err(ApiError::EmailNotVerified) }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Admins see everything; anyone else only what one of `owners` is.
    pub fn ensure_can_see(&self, owners: &[UserId]) -> Result<(), ApiError> {
        if self.is_admin() || owners.contains(&self.user_id) { Ok(()) } else { Err(ApiError::NotFound) }
    }
}
