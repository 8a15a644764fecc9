//! What the audit log records: security-relevant actions (who, what, about whom, from where, under
//! which request id). Never passwords or tokens; an address that has no account is recorded by
//! digest only.

use serde::Serialize;

use crate::accounts::Email;
use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Registered,
    EmailVerified,
    LoginSucceeded,
    LoginFailed,
    LoginRateLimited,
    LoggedOut,
    SessionRevokedOnTokenReuse,
    RoleChanged,
    VerificationResent,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    AccountClosed,
    /// A payment callback whose signature did not verify.
    PaymentCallbackRejected,
    /// A payment taken and given back: wrong amount, too late, twice, or for no checkout.
    PaymentRefused,
    /// A refund the gateway would not make.
    RefundRefused,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::EmailVerified => "email_verified",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoginRateLimited => "login_rate_limited",
            Self::LoggedOut => "logged_out",
            Self::SessionRevokedOnTokenReuse => "session_revoked_on_token_reuse",
            Self::RoleChanged => "role_changed",
            Self::VerificationResent => "verification_resent",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::AccountClosed => "account_closed",
            Self::PaymentCallbackRejected => "payment_callback_rejected",
            Self::PaymentRefused => "payment_refused",
            Self::RefundRefused => "refund_refused",
        }
    }
}

/// Whom an entry is about.
#[derive(Debug, Clone)]
pub enum Subject<'a> {
    User(UserId),
    /// An address with no account (a failed login for an unknown email).
    Email(&'a Email),
    /// A payment provider, by name (`paymob`), for what it sent that names no account of the
    /// marketplace.
    Provider(&'static str),
}

/// Where an action came from: the request's id and the client's address as the edge saw them (a
/// stream event's id and no address for what a trigger does).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub request_id: String,
    pub source_ip: String,
}

#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub action: AuditAction,
    pub subject: Subject<'a>,
    /// Who acted, when not the subject (an admin changing a role).
    pub actor: Option<UserId>,
    pub origin: Origin,
    pub detail: Option<String>,
}

impl<'a> AuditEntry<'a> {
    /// An entry about `subject`, acting on their own behalf, from `origin`.
    pub fn new(action: AuditAction, subject: Subject<'a>, origin: &Origin) -> Self {
        Self { action, subject, actor: None, origin: origin.clone(), detail: None }
    }

    pub fn with_detail(self, detail: impl Into<String>) -> Self {
        Self { detail: Some(detail.into()), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_named_as_serialized() {
        for action in [AuditAction::LoginRateLimited, AuditAction::SessionRevokedOnTokenReuse, AuditAction::RoleChanged]
        {
            assert_eq!(serde_json::to_value(action).unwrap(), action.as_str());
        }
    }
}
