//! Who is calling, and what they may do: function-level authorization by role, object-level
//! authorization by ownership. What a caller may not see is 404, so its existence does not leak.

use crate::accounts::Role;
use crate::error::ApiError;
use crate::ids::{SessionId, UserId};

/// The user an access token names, as it was when the token was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub role: Role,
    pub email_verified: bool,
    /// The session the token was issued in (absent from tokens issued outside one).
    pub session_id: Option<SessionId>,
}

impl Caller {
    /// 403 `forbidden` unless the caller has one of `allowed`.
    pub fn require_role(&self, allowed: &[Role]) -> Result<(), ApiError> {
        if allowed.contains(&self.role) { Ok(()) } else { Err(ApiError::Forbidden) }
    }

    /// 403 `email_not_verified` until the caller verified their email.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role) -> Caller {
        Caller { user_id: UserId::new(), role, email_verified: false, session_id: None }
    }

    #[test]
    fn only_admins_and_owners_see_a_thing() {
        let owner = caller(Role::Customer);
        assert!(owner.ensure_can_see(&[owner.user_id]).is_ok());
        assert!(matches!(caller(Role::Vendor).ensure_can_see(&[owner.user_id]), Err(ApiError::NotFound)));
        assert!(caller(Role::Admin).ensure_can_see(&[owner.user_id]).is_ok());
    }

    #[test]
    fn roles_and_verification_are_required_as_asked() {
        assert!(matches!(caller(Role::Customer).require_role(&[Role::Vendor]), Err(ApiError::Forbidden)));
        assert!(matches!(caller(Role::Vendor).require_verified_email(), Err(ApiError::EmailNotVerified)));
    }
}
