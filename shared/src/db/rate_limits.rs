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

/// 5 failed logins per email per 15 minutes.
pub const LOGIN_FAILURES: Limit = Limit { name: "login", max: 5, window: Duration::from_secs(15 * 60) };
/// Registrations per client address per hour. Generous, because mobile carriers put many
/// subscribers behind one address (CGNAT); API Gateway throttling caps floods before this does.
pub const REGISTRATIONS: Limit = Limit { name: "register", max: 30, window: Duration::from_secs(3600) };
/// Verification attempts per client address per 15 minutes: tokens are 256-bit, so this only
/// stops noise, not guessing.
pub const VERIFICATIONS: Limit = Limit { name: "verify", max: 30, window: Duration::from_secs(15 * 60) };

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
        let window = limit.window.as_secs() as i64;
        let start = now.div_euclid(window) * window;
        let end = start + window;
        let pk = format!("{}#{key}#{start}", limit.name);
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
