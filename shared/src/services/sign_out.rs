//! Ending the session a refresh token belongs to. Signing out twice, or with a token that is
//! already gone, leaves the same state, so it never fails for the token's sake.

use crate::accounts::SecretToken;
use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, SessionRepo};
use crate::error::ApiError;

pub struct SignOut {
    sessions: SessionRepo,
    audit: AuditLog,
}

impl SignOut {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { sessions: SessionRepo::new(db)?, audit: AuditLog::new(db)? })
    }

    pub async fn sign_out(&self, refresh_token: &str, origin: &Origin) -> Result<(), ApiError> {
        let Some(token) = SecretToken::parse(refresh_token) else { return Ok(()) };
        if let Some((user_id, session_id)) = self.sessions.revoke_by_token(&token).await? {
            let entry = AuditEntry::new(AuditAction::LoggedOut, Subject::User(user_id), origin);
            self.audit.record(entry.with_detail(format!("session {session_id}"))).await;
        }
        Ok(())
    }
}
