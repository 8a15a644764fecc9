//! Messages a client may ask to be sent to an email address: a fresh verification code, a password
//! reset code. The answer is the same whether or not the address has an account (or is verified),
//! so it reveals nothing; each address and each email may ask only a few times an hour.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{Account, Email, SecretToken};
use crate::config::ConfigError;
use crate::db::{Database, rate_limits};
use crate::error::ApiError;
use crate::notify::{Publisher, messages};
use crate::services::account_desk::AccountDesk;

pub struct AccountMessages {
    desk: AccountDesk,
    publisher: Arc<dyn Publisher>,
}

impl AccountMessages {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self { desk: AccountDesk::new(db)?, publisher })
    }

    /// The account of `email`, if any, once the request is within both limits.
    async fn account(&self, email: &str, origin: &Origin) -> Result<Option<Account>, ApiError> {
        self.desk.limits.acquire(&rate_limits::MESSAGES_FROM_ADDRESS, &origin.source_ip).await?;
        let email = Email::parse(email).map_err(|m| ApiError::validation("email", m))?;
        self.desk.limits.acquire(&rate_limits::MESSAGES_TO_EMAIL, &email.digest()).await?;
        self.desk.users.find_by_email(&email).await
    }

    /// A fresh verification code for an unverified account (earlier codes stop working).
    pub async fn resend_verification(&self, email: &str, origin: &Origin) -> Result<(), ApiError> {
        let Some(account) = self.account(email, origin).await? else { return Ok(()) };
        if account.user.email_verified {
            return Ok(());
        }
        let token = SecretToken::generate();
        self.desk.tokens.issue_verification(account.user.id, &token, self.desk.clock.now()).await?;
        self.publisher.publish(&messages::email_verification(&account.user, &token)).await?;
        self.desk
            .audit
            .record(AuditEntry::new(AuditAction::VerificationResent, Subject::User(account.user.id), origin))
            .await;
        Ok(())
    }

    /// A password reset code (1 hour, once) for an existing account.
    pub async fn forgot_password(&self, email: &str, origin: &Origin) -> Result<(), ApiError> {
        let Some(account) = self.account(email, origin).await? else { return Ok(()) };
        let token = SecretToken::generate();
        self.desk.tokens.issue_reset(account.user.id, &token, self.desk.clock.now()).await?;
        self.publisher.publish(&messages::password_reset(&account.user, &token)).await?;
        let entry = AuditEntry::new(AuditAction::PasswordResetRequested, Subject::User(account.user.id), origin);
        self.desk.audit.record(entry).await;
        Ok(())
    }
}
