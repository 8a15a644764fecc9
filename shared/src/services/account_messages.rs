//! Messages a client may ask to be sent to an email address: a fresh verification code, a password
//! reset code. The answer is the same whether or not the address has an account (or is verified),
//! so it reveals nothing; each address and each email may ask only a few times an hour.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{Account, Email, SecretToken};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AccountTokens, AuditLog, Database, RateLimiter, UserRepo, rate_limits};
use crate::error::ApiError;
use crate::notify::{Publisher, messages};

pub struct AccountMessages {
    users: UserRepo,
    tokens: AccountTokens,
    limits: RateLimiter,
    audit: AuditLog,
    publisher: Arc<dyn Publisher>,
    clock: Arc<dyn Clock>,
}

impl AccountMessages {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            tokens: AccountTokens::new(db)?,
            limits: RateLimiter::new(db)?,
            audit: AuditLog::new(db)?,
            publisher,
            clock: db.clock(),
        })
    }

    /// The account of `email`, if any, once the request is within both limits.
    async fn account(&self, email: &str, origin: &Origin) -> Result<Option<Account>, ApiError> {
        self.limits.acquire(&rate_limits::MESSAGES_FROM_ADDRESS, &origin.source_ip).await?;
        let email = Email::parse(email).map_err(|m| ApiError::validation("email", m))?;
        self.limits.acquire(&rate_limits::MESSAGES_TO_EMAIL, &email.digest()).await?;
        self.users.find_by_email(&email).await
    }

    /// A fresh verification code for an unverified account (earlier codes stop working).
    pub async fn resend_verification(&self, email: &str, origin: &Origin) -> Result<(), ApiError> {
        let Some(account) = self.account(email, origin).await? else { return Ok(()) };
        if account.user.email_verified {
            return Ok(());
        }
        let token = SecretToken::generate();
        self.tokens.issue_verification(account.user.id, &token, self.clock.now()).await?;
        self.publisher.publish(&messages::email_verification(&account.user, &token)).await?;
        self.audit
            .record(AuditEntry::new(AuditAction::VerificationResent, Subject::User(account.user.id), origin))
            .await;
        Ok(())
    }

    /// A password reset code (1 hour, once) for an existing account.
    pub async fn forgot_password(&self, email: &str, origin: &Origin) -> Result<(), ApiError> {
        let Some(account) = self.account(email, origin).await? else { return Ok(()) };
        let token = SecretToken::generate();
        self.tokens.issue_reset(account.user.id, &token, self.clock.now()).await?;
        self.publisher.publish(&messages::password_reset(&account.user, &token)).await?;
        let entry = AuditEntry::new(AuditAction::PasswordResetRequested, Subject::User(account.user.id), origin);
        self.audit.record(entry).await;
        Ok(())
    }
}
