//! What the services of account codes (registration, verification, resends, resets) work with:
//! the accounts, their codes, the limits on asking, the audit log and the clock.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{AccountTokens, AuditLog, Database, RateLimiter, UserRepo};

#[derive(Clone)]
pub struct AccountDesk {
    pub users: UserRepo,
    pub tokens: AccountTokens,
    pub limits: RateLimiter,
    pub audit: AuditLog,
    pub clock: Arc<dyn Clock>,
}

impl AccountDesk {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            tokens: AccountTokens::new(db)?,
            limits: RateLimiter::new(db)?,
            audit: AuditLog::new(db)?,
            clock: db.clock(),
        })
    }
}
