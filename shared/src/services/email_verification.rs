//! Spending an email verification code: the account is marked verified in the same transaction
//! that spends the code, so a code works once, and only before it expires.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{SecretToken, User};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AccountTokens, AuditLog, Database, RateLimiter, UserRepo, rate_limits};
use crate::error::ApiError;

pub struct EmailVerification {
    users: UserRepo,
    tokens: AccountTokens,
    limits: RateLimiter,
    audit: AuditLog,
    clock: Arc<dyn Clock>,
}

impl EmailVerification {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            tokens: AccountTokens::new(db)?,
            limits: RateLimiter::new(db)?,
            audit: AuditLog::new(db)?,
            clock: db.clock(),
        })
    }

    /// The verified user; 400 `invalid_token` for a code that is unknown, used or expired.
    pub async fn verify(&self, code: &str, origin: &Origin) -> Result<User, ApiError> {
        self.limits.acquire(&rate_limits::VERIFICATIONS, &origin.source_ip).await?;
        let token = SecretToken::parse(code).ok_or(ApiError::InvalidToken)?;
        let user_id = self.tokens.consume_verification(&token, &self.users, self.clock.now()).await?;
        let account = self.users.get(user_id).await?.ok_or_else(|| ApiError::internal("verified user vanished"))?;
        self.audit.record(AuditEntry::new(AuditAction::EmailVerified, Subject::User(user_id), origin)).await;
        Ok(account.user)
    }
}
