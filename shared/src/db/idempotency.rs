//! The idempotency table: markers of effects already done, so a re-delivered stream record or a
//! retried request does not do them twice. A marker is taken with a conditional put; an effect that
//! must happen at least once (publishing) is checked for before and marked after.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

use crate::clock::{Clock, Timestamp};
use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, n, s};
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

/// The transaction item that takes an `Idempotency-Key`'s record `item` (with its `expiresAt`) in
/// `table`, unless a record of the key still holds it at `now`: one past its replay window no
/// longer does (TTL deletes lazily).
pub fn take_key(table: &str, item: Item, now: Timestamp) -> Result<TransactWriteItem, ApiError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk) OR expiresAt <= :now")
        .expression_attribute_values(":now", n(now.unix_seconds()))
        .build()
        .map_err(ApiError::internal)?;
    Ok(TransactWriteItem::builder().put(put).build())
}
