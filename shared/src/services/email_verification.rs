//! Spending an email verification code: the account is marked verified in the same transaction
//! that spends the code, so a code works once, and only before it expires.

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{SecretToken, User};
use crate::config::ConfigError;
use crate::db::{Database, rate_limits};
use crate::error::ApiError;
use crate::services::account_desk::AccountDesk;

pub struct EmailVerification {
    desk: AccountDesk,
}

impl EmailVerification {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { desk: AccountDesk::new(db)? })
    }

    /// The verified user; 400 `invalid_token` for a code that is unknown, used or expired.
    pub async fn verify(&self, code: &str, origin: &Origin) -> Result<User, ApiError> {
        self.desk.limits.acquire(&rate_limits::VERIFICATIONS, &origin.source_ip).await?;
        let token = SecretToken::parse(code).ok_or(ApiError::InvalidToken)?;
        let user_id = self.desk.tokens.consume_verification(&token, &self.desk.users, self.desk.clock.now()).await?;
        let account =
            self.desk.users.get(user_id).await?.ok_or_else(|| ApiError::internal("verified user vanished"))?;
        self.desk.audit.record(AuditEntry::new(AuditAction::EmailVerified, Subject::User(user_id), origin)).await;
        Ok(account.user)
    }
}
