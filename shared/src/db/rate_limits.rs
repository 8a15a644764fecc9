//! Rate limits as fixed windows in DynamoDB: one counter item per (limit, key, window), taken with
//! a conditional atomic increment so concurrent requests can never exceed the limit, and removed
//! by TTL after its window.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{n, s};
use crate::db::error::{applied, is_condition_failure};
use crate::error::ApiError;
use crate::tables::Table;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

/// 5 failed logins for one email from one client address per 15 minutes (key `<address>#<email digest>`):
/// guessing is slow, and the owner logging in from elsewhere is not affected.
pub const LOGIN_FAILURES_FROM_ADDRESS: Limit =
    Limit { name: "login-pair", max: 5, window: Duration::from_secs(15 * 60) };
/// 50 failed logins from one client address per 15 minutes, whatever the emails (key: the address).
pub const LOGIN_FAILURES_OF_ADDRESS: Limit =
    Limit { name: "login-address", max: 50, window: Duration::from_secs(15 * 60) };
/// 100 failed logins for one email per hour from all addresses together (key: the email digest): a
/// distributed attack, which locks the email everywhere.
pub const LOGIN_FAILURES_OF_EMAIL: Limit = Limit { name: "login-email", max: 100, window: Duration::from_secs(3600) };
/// Registrations per client address per hour. Generous, because mobile carriers put many
/// subscribers behind one address (CGNAT); API Gateway throttling caps floods before this does.
pub const REGISTRATIONS: Limit = Limit { name: "register", max: 30, window: Duration::from_secs(3600) };
/// Verification attempts per client address per 15 minutes: tokens are 256-bit, so this only
/// stops noise, not guessing.
pub const VERIFICATIONS: Limit = Limit { name: "verify", max: 30, window: Duration::from_secs(15 * 60) };

/// Messages asked for one email (verification resends, password resets) per hour: each is an
/// email sent to someone, so a small number keeps the service from being used to bomb an inbox.
pub const MESSAGES_TO_EMAIL: Limit = Limit { name: "messages-email", max: 5, window: Duration::from_secs(3600) };
/// Messages asked for from one client address per hour, whatever the emails (generous for CGNAT).
pub const MESSAGES_FROM_ADDRESS: Limit = Limit { name: "messages-address", max: 30, window: Duration::from_secs(3600) };
/// Password reset attempts per client address per 15 minutes: tokens are 256-bit, so this only
/// stops noise, not guessing.
pub const PASSWORD_RESETS: Limit = Limit { name: "reset", max: 30, window: Duration::from_secs(15 * 60) };

/// Chat messages sent per user per minute (over HTTP and the socket together): a person types
/// far fewer; a script sending more is flooding someone.
pub const MESSAGES_SENT: Limit = Limit { name: "messages-sent", max: 30, window: Duration::from_secs(60) };

#[derive(Clone)]
pub struct RateLimiter {
    client: aws_sdk_dynamodb::Client,
    table: String,
    clock: Arc<dyn Clock>,
}

/// One unit taken from a window; giving it back makes the attempt not count.
#[derive(Debug)]
pub struct Permit {
    pk: String,
}

impl RateLimiter {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::RateLimits)?, clock: db.clock() })
    }

    /// Takes one unit of `limit` for `key`, or 429 `rate_limited` with the seconds until the window ends.
    pub async fn acquire(&self, limit: &Limit, key: &str) -> Result<Permit, ApiError> {
        let now = self.clock.now().unix_seconds();
        let (pk, end) = Self::window(limit, key, now);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(&pk))
            .update_expression("ADD #count :one SET expiresAt = :end")
            .condition_expression("attribute_not_exists(#count) OR #count < :max")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(limit.max))
            .expression_attribute_values(":end", n(end))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Permit { pk }),
            Err(e) if is_condition_failure(&e) => {
                Err(ApiError::RateLimited { retry_after_secs: (end - now).max(1) as u64 })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The counter item of `limit` for `key` in the window holding `now`, and when that window ends.
    fn window(limit: &Limit, key: &str, now: i64) -> (String, i64) {
        let window = limit.window.as_secs() as i64;
        let start = now.div_euclid(window) * window;
        (format!("{}#{key}#{start}", limit.name), start + window)
    }

    /// True for exactly one caller per window of `limit` for `key` (once the window's counter
    /// exists): who should tell someone that the limit was reached, so they are told once.
    pub async fn first_to_notice(&self, limit: &Limit, key: &str) -> Result<bool, ApiError> {
        let (pk, _) = Self::window(limit, key, self.clock.now().unix_seconds());
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .update_expression("SET noticed = :true")
            .condition_expression("attribute_exists(#count) AND attribute_not_exists(noticed)")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .send()
            .await;
        applied(result)
    }

    /// Gives back a unit taken by [`acquire`](Self::acquire) (a login that succeeded).
    pub async fn release(&self, permit: Permit) -> Result<(), ApiError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(permit.pk))
            .update_expression("ADD #count :minus_one")
            .condition_expression("#count > :zero")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0))
            .send()
            .await;
        applied(result).map(|_| ())
    }
}
