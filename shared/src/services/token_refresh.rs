//! A refresh token for a new pair. Refresh tokens rotate; presenting one that was already rotated
//! revokes its whole session (someone holds a copy). The new access token carries the user's
//! current role, so a role change takes effect here.

use std::sync::Arc;

use crate::accounts::SecretToken;
use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::session_tokens::TokenResponse;
use crate::accounts::tokens::TokenIssuer;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::sessions::Rotation;
use crate::db::{AuditLog, Database, SessionRepo, UserRepo};
use crate::error::ApiError;

pub struct TokenRefresh {
    users: UserRepo,
    sessions: SessionRepo,
    audit: AuditLog,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
}

impl TokenRefresh {
    pub fn new(db: &Database, issuer: TokenIssuer) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            sessions: SessionRepo::new(db)?,
            audit: AuditLog::new(db)?,
            issuer,
            clock: db.clock(),
        })
    }

    pub async fn refresh(&self, refresh_token: &str, origin: &Origin) -> Result<TokenResponse, ApiError> {
        let presented = SecretToken::parse(refresh_token).ok_or(ApiError::Unauthorized)?;
        let now = self.clock.now();
        let next = SecretToken::generate();
        let (user_id, session_id) = match self.sessions.rotate(&presented, &next, now).await? {
            Rotation::Rotated { user_id, session_id } => (user_id, session_id),
            Rotation::Invalid => return Err(ApiError::Unauthorized),
            Rotation::Reused { user_id, session_id } => {
                let entry = AuditEntry::new(AuditAction::SessionRevokedOnTokenReuse, Subject::User(user_id), origin);
                self.audit.record(entry.with_detail(format!("session {session_id}"))).await;
                return Err(ApiError::Unauthorized);
            }
        };
        let account = self.users.get(user_id).await?.ok_or(ApiError::Unauthorized)?;
        let access = self.issuer.issue_in(&account.user, session_id, now);
        Ok(TokenResponse::new(access, &next, account.user))
    }
}
