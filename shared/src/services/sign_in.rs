//! Signing in with email and password, for an access token and a refresh token. A wrong password
//! and an unknown email are the same 401, in the same time; failures are limited as
//! [`crate::services::login_attempts`] describes.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::session_tokens::TokenResponse;
use crate::accounts::tokens::TokenIssuer;
use crate::accounts::{Email, Password, PasswordHash, SecretToken};
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AuditLog, Database, SessionRepo, UserRepo};
use crate::error::ApiError;
use crate::notify::Publisher;
use crate::services::login_attempts::LoginAttempts;

pub struct SignIn {
    users: UserRepo,
    sessions: SessionRepo,
    attempts: LoginAttempts,
    audit: AuditLog,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
}

impl SignIn {
    pub fn new(db: &Database, issuer: TokenIssuer, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            sessions: SessionRepo::new(db)?,
            attempts: LoginAttempts::new(db, publisher)?,
            audit: AuditLog::new(db)?,
            issuer,
            clock: db.clock(),
        })
    }

    pub async fn sign_in(&self, email: &str, password: &str, origin: &Origin) -> Result<TokenResponse, ApiError> {
        // Neither can belong to an account, but they get the same answer as a wrong password.
        let email = Email::parse(email).map_err(|_| ApiError::InvalidCredentials)?;
        let password = Password::candidate(password).ok_or(ApiError::InvalidCredentials)?;

        let attempt = self.attempts.begin(&email, origin).await?;
        let account = self.users.find_by_email(&email).await?;
        let (account, password_ok) = tokio::task::spawn_blocking(move || match account {
            Some(account) => {
                let ok = account.password_hash.verify(&password);
                (Some(account), ok)
            }
            None => {
                PasswordHash::verify_against_nothing(&password);
                (None, false)
            }
        })
        .await
        .map_err(ApiError::internal)?;
        let account = match (account, password_ok) {
            (Some(account), true) => account,
            (account, _) => {
                let subject = account.map_or(Subject::Email(&email), |a| Subject::User(a.user.id));
                self.audit.record(AuditEntry::new(AuditAction::LoginFailed, subject, origin)).await;
                return Err(ApiError::InvalidCredentials);
            }
        };
        self.attempts.succeeded(attempt).await?;

        let now = self.clock.now();
        let refresh = SecretToken::generate();
        let session = self.sessions.start(account.user.id, &refresh, now).await?;
        self.audit.record(AuditEntry::new(AuditAction::LoginSucceeded, Subject::User(account.user.id), origin)).await;
        let access = self.issuer.issue_in(&account.user, session, now);
        Ok(TokenResponse::new(access, &refresh, account.user))
    }
}
