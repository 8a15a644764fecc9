//! The idempotency table: markers of effects already done, so a re-delivered stream record or a
//! retried request does not do them twice. A marker is taken with a conditional put; an effect that
//! must happen at least once (publishing) is checked for before and marked after.

use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{n, s};
use crate::db::error::applied;
use crate::error::ApiError;
use crate::tables::Table;

#[derive(Clone)]
pub struct IdempotencyStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
    clock: Arc<dyn Clock>,
}

/// Stream records are retried for at most a day; markers outlive that comfortably.
const MARKER_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

impl IdempotencyStore {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Idempotency)?, clock: db.clock() })
    }

    /// Takes the marker `key`: true if this caller took it, false if it was taken before.
    pub async fn take(&self, key: &str) -> Result<bool, ApiError> {
        let expires = self.clock.now().plus(MARKER_TTL).unix_seconds();
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(key))
            .item("expiresAt", n(expires))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        applied(result)
    }

    /// Whether the marker `key` was taken (read consistently: a marker just taken counts).
    pub async fn is_taken(&self, key: &str) -> Result<bool, ApiError> {
        let out = self.client.get_item().table_name(&self.table).key("pk", s(key)).consistent_read(true).send().await?;
        Ok(out.item.is_some())
    }
}
