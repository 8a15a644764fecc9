//! The budget of failed logins, taken by every check of a password (login, password change), so
//! that guessing is slow but nobody can lock a stranger out: 5 failures for one email from one
//! client address, 50 from one address whatever the emails (both per 15 minutes), and 100 for one
//! email from all addresses together per hour, after which its owner is told (once).
//!
//! Each attempt *reserves* a unit of all three counters before the password is checked and gives
//! them back when it was right, rather than counting failures after the check. Counting afterwards
//! would let a burst of concurrent guesses all be checked before any of them counted (twelve at
//! once would get twelve tries, not five); a reservation is a conditional atomic increment, so no
//! burst ever gets more checks than the budget. The price is that while a full budget's worth of
//! attempts are in flight, a correct password is refused too: no worse than counting afterwards,
//! where those attempts would have filled the budget anyway.

use std::sync::Arc;

use futures::future::try_join_all;

use crate::accounts::audit::{AuditAction, AuditEntry, Origin, Subject};
use crate::accounts::{Account, Email, Password};
use crate::config::ConfigError;
use crate::db::rate_limits::{self, Limit, Permit};
use crate::db::{AuditLog, Database, RateLimiter, UserRepo};
use crate::error::ApiError;
use crate::notify::{Publisher, messages};

pub struct LoginAttempts {
    limits: RateLimiter,
    users: UserRepo,
    audit: AuditLog,
    publisher: Arc<dyn Publisher>,
}

/// The units one attempt reserved; [`LoginAttempts::succeeded`] gives them back.
#[must_use = "a successful attempt gives its reservation back"]
pub struct Attempt {
    permits: Vec<Permit>,
}

impl LoginAttempts {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self { limits: RateLimiter::new(db)?, users: UserRepo::new(db)?, audit: AuditLog::new(db)?, publisher })
    }

    /// Reserves one failure of each budget for a password check of `email` from `origin`; 429
    /// `rate_limited` (audited) if any is spent, and nothing stays reserved.
    pub async fn begin(&self, email: &Email, origin: &Origin) -> Result<Attempt, ApiError> {
        let digest = email.digest();
        let address = &origin.source_ip;
        let budgets: [(&Limit, String); 3] = [
            (&rate_limits::LOGIN_FAILURES_FROM_ADDRESS, format!("{address}#{digest}")),
            (&rate_limits::LOGIN_FAILURES_OF_ADDRESS, address.clone()),
            (&rate_limits::LOGIN_FAILURES_OF_EMAIL, digest),
        ];
        let mut permits = Vec::with_capacity(budgets.len());
        for (limit, key) in &budgets {
            match self.limits.acquire(limit, key).await {
                Ok(permit) => permits.push(permit),
                Err(refused) => {
                    self.give_back(permits).await?;
                    if matches!(refused, ApiError::RateLimited { .. }) {
                        let entry = AuditEntry::new(AuditAction::LoginRateLimited, Subject::Email(email), origin);
                        self.audit.record(entry.with_detail(limit.name)).await;
                        if limit.name == rate_limits::LOGIN_FAILURES_OF_EMAIL.name {
                            self.tell_owner_once(limit, key, email).await?;
                        }
                    }
                    return Err(refused);
                }
            }
        }
        Ok(Attempt { permits })
    }

    /// Confirms that `raw` is `account`'s password, as the owner does before a change only they may
    /// make: a wrong one is a failed login (401 `invalid_credentials`, audited, counted).
    pub async fn confirm(&self, account: &Account, raw: &str, origin: &Origin) -> Result<(), ApiError> {
        let attempt = self.begin(&account.user.email, origin).await?;
        let stored = account.password_hash.clone();
        let right = match Password::candidate(raw) {
            Some(candidate) => {
                tokio::task::spawn_blocking(move || stored.verify(&candidate)).await.map_err(ApiError::internal)?
            }
            None => false,
        };
        if !right {
            self.audit.record(AuditEntry::new(AuditAction::LoginFailed, Subject::User(account.user.id), origin)).await;
            return Err(ApiError::InvalidCredentials);
        }
        self.succeeded(attempt).await
    }

    /// The password was right: the attempt does not count.
    pub async fn succeeded(&self, attempt: Attempt) -> Result<(), ApiError> {
        self.give_back(attempt.permits).await
    }

    async fn give_back(&self, permits: Vec<Permit>) -> Result<(), ApiError> {
        try_join_all(permits.into_iter().map(|permit| self.limits.release(permit))).await.map(|_| ())
    }

    /// The owner of `email` (if it has an account) hears that their email is locked everywhere,
    /// once per window.
    async fn tell_owner_once(&self, limit: &Limit, key: &str, email: &Email) -> Result<(), ApiError> {
        if !self.limits.first_to_notice(limit, key).await? {
            return Ok(());
        }
        if let Some(account) = self.users.find_by_email(email).await? {
            // The lock holds whether or not the message goes out; a failed send is not the caller's 429.
            if let Err(error) = self.publisher.publish(&messages::login_locked(&account.user)).await {
                tracing::warn!(%error, user = %account.user.id, "could not tell the owner of a locked email");
            }
        }
        Ok(())
    }
}
