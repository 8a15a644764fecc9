//! Opening an account: a new customer, unverified, and a verification code sent through the
//! notification channel. An account whose code could not be sent could never be verified, so it
//! is removed again and the client may simply retry.

use std::sync::Arc;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::registration::Registration;
use crate::accounts::{Account, Role, SecretToken, User};
use crate::config::ConfigError;
use crate::db::{Database, rate_limits};
use crate::error::ApiError;
use crate::ids::UserId;
use crate::notify::{Publisher, messages};
use crate::services::account_desk::AccountDesk;

pub struct Registrar {
    desk: AccountDesk,
    publisher: Arc<dyn Publisher>,
}

impl Registrar {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self { desk: AccountDesk::new(db)?, publisher })
    }

    pub async fn register(&self, registration: Registration, origin: &Origin) -> Result<User, ApiError> {
        self.desk.limits.acquire(&rate_limits::REGISTRATIONS, &origin.source_ip).await?;
        let now = self.desk.clock.now();
        let user = User {
            id: UserId::new(),
            email: registration.email,
            name: registration.name,
            phone: registration.phone,
            role: Role::Customer,
            email_verified: false,
            preferences: Default::default(),
            created_at: now,
        };
        let password = registration.password;
        // argon2id is CPU-bound: keep it off the async workers.
        let password_hash = tokio::task::spawn_blocking(move || password.hash()).await.map_err(ApiError::internal)?;
        let account = Account { user: user.clone(), password_hash };
        self.desk.users.create(&account).await?;

        let token = SecretToken::generate();
        let sent = match self.desk.tokens.issue_verification(user.id, &token, now).await {
            Ok(()) => self.publisher.publish(&messages::email_verification(&user, &token)).await,
            Err(e) => Err(e),
        };
        if let Err(error) = sent {
            self.desk.users.remove_unverified(&account).await?;
            return Err(error);
        }
        self.desk.audit.record(AuditEntry::new(AuditAction::Registered, Subject::User(user.id), origin)).await;
        Ok(user)
    }
}
