//! Setting a new password: with a reset code (ends every session of the user), or knowing the
//! current one (ends every session but the caller's; a wrong current password is a failed login).
//! New passwords follow the registration rules.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{Account, Caller, Password, PasswordHash, SecretToken};
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, SessionRepo, UserRepo, rate_limits, transaction};
use crate::error::ApiError;
use crate::notify::Publisher;
use crate::services::account_desk::AccountDesk;
use crate::services::login_attempts::LoginAttempts;

/// Setting a password with a reset code.
pub struct PasswordReset {
    desk: AccountDesk,
}

/// Changing the caller's password, knowing the current one.
pub struct PasswordChange {
    client: aws_sdk_dynamodb::Client,
    users: UserRepo,
    sessions: SessionRepo,
    attempts: LoginAttempts,
    audit: AuditLog,
}

/// `raw` as a new password for `account` (not its email or name), hashed off the async workers.
async fn new_hash(account: &Account, raw: &str, field: &str) -> Result<PasswordHash, ApiError> {
    let user = &account.user;
    let password =
        Password::parse(raw, &[user.email.as_str(), user.name.as_str()]).map_err(|m| ApiError::validation(field, m))?;
    tokio::task::spawn_blocking(move || password.hash()).await.map_err(ApiError::internal)
}

impl PasswordReset {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { desk: AccountDesk::new(db)? })
    }

    /// Spends a reset code: 400 `invalid_token` for one that is unknown, used or expired.
    pub async fn reset(&self, code: &str, password: &str, origin: &Origin) -> Result<(), ApiError> {
        self.desk.limits.acquire(&rate_limits::PASSWORD_RESETS, &origin.source_ip).await?;
        let token = SecretToken::parse(code).ok_or(ApiError::InvalidToken)?;
        let user_id = self.desk.tokens.reset_owner(&token, self.desk.clock.now()).await?;
        let account = self.desk.users.get(user_id).await?.ok_or(ApiError::InvalidToken)?;
        let hash = new_hash(&account, password, "password").await?;
        self.desk.tokens.consume_reset(&token, &hash, &self.desk.users, self.desk.clock.now()).await?;
        self.desk.audit.record(AuditEntry::new(AuditAction::PasswordReset, Subject::User(user_id), origin)).await;
        Ok(())
    }
}

impl PasswordChange {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            client: db.client(),
            users: UserRepo::new(db)?,
            sessions: SessionRepo::new(db)?,
            attempts: LoginAttempts::new(db, publisher)?,
            audit: AuditLog::new(db)?,
        })
    }

    /// Changes the caller's password; 401 `invalid_credentials` (counted as a failed login) if
    /// `current` is wrong.
    pub async fn change(&self, caller: &Caller, current: &str, new: &str, origin: &Origin) -> Result<(), ApiError> {
        let account = self.users.get(caller.user_id).await?.ok_or(ApiError::Unauthorized)?;
        self.attempts.confirm(&account, current, origin).await?;
        let hash = new_hash(&account, new, "newPassword").await?;

        let user_id = account.user.id;
        let mut items = vec![self.users.set_password(user_id, &hash, Some(&account.password_hash))?];
        match caller.session_id {
            Some(keep) => {
                items.extend(self.sessions.end_all_but(user_id, keep, self.sessions.epoch(user_id).await?)?)
            }
            None => items.push(self.sessions.end_all(user_id)?),
        }
        // A failed condition: the password or the sessions changed meanwhile (a reset, a logout of
        // this session); the current password given is no longer what it was checked against.
        transaction::write(&self.client, items)
            .await
            .map_err(|e| if e.any_failed() { ApiError::InvalidCredentials } else { e.into() })?;
        self.audit.record(AuditEntry::new(AuditAction::PasswordChanged, Subject::User(user_id), origin)).await;
        Ok(())
    }
}
