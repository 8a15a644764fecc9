//! The notifications table: each user's inbox. `pk = user#<id>`; notifications under
//! `sk = n#<notificationId>` (ULIDs, so newest first when read backwards) and one `sk = unread`
//! counter, changed in the same transactions as the notifications, so the unread count is exact.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::Serialize;

use crate::config::ConfigError;
use crate::db::Database;
use crate::db::attributes::{Item, get_n, n, s};
pub use crate::db::index_page::Position;
use crate::db::index_page::{checked_start, newest_first};
use crate::db::transaction;
use crate::error::ApiError;
use crate::ids::{NotificationId, UserId};
use crate::notify::InboxItem;
use crate::tables::Table;

#[derive(Clone, Debug)]
pub struct InboxRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

fn key(user: UserId, sk: String) -> Item {
    HashMap::from([("pk".to_owned(), s(format!("user#{user}"))), ("sk".to_owned(), s(sk))])
}

#[derive(Serialize)]
struct Stored<'a> {
    pk: String,
    sk: String,
    #[serde(flatten)]
    item: &'a InboxItem,
}

impl InboxRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Notifications)? })
    }

    fn counter(&self, user: UserId, delta: i64) -> Result<TransactWriteItem, ApiError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(user, "unread".into())))
            .update_expression("ADD #count :delta")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":delta", n(delta))
            .build()
            .map_err(ApiError::internal)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Stores `item` in `user`'s inbox once: storing the same id again changes nothing.
    pub async fn store(&self, user: UserId, item: &InboxItem) -> Result<(), ApiError> {
        let stored = serde_dynamo::to_item(Stored { pk: format!("user#{user}"), sk: format!("n#{}", item.id), item })?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(stored))
            .condition_expression("attribute_not_exists(sk)")
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![TransactWriteItem::builder().put(put).build(), self.counter(user, 1)?];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(()),
            Err(e) if e.failed_at(0) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// A page of `user`'s inbox, newest first.
    pub async fn page(
        &self,
        user: UserId,
        limit: i32,
        start: Option<Position>,
    ) -> Result<(Vec<InboxItem>, Option<Position>), ApiError> {
        let partition = format!("user#{user}");
        let start = checked_start(start, &["pk", "sk"], ("pk", &partition))?;
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :n)")
            .expression_attribute_values(":pk", s(&partition))
            .expression_attribute_values(":n", s("n#"));
        newest_first(query, limit, start).await
    }

    pub async fn unread_count(&self, user: UserId) -> Result<u64, ApiError> {
        let out =
            self.client.get_item().table_name(&self.table).set_key(Some(key(user, "unread".into()))).send().await?;
        Ok(out.item.and_then(|item| get_n::<i64>(&item, "count")).unwrap_or(0).max(0) as u64)
    }

    /// Marks a notification read, once (the unread count drops once). `false`: no such notification.
    pub async fn mark_read(&self, user: UserId, id: NotificationId) -> Result<bool, ApiError> {
        let sk = format!("n#{id}");
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(user, sk.clone())))
            .update_expression("SET #read = :true")
            .condition_expression("attribute_exists(sk) AND #read = :false")
            .expression_attribute_names("#read", "read")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .build()
            .map_err(ApiError::internal)?;
        let items = vec![TransactWriteItem::builder().update(update).build(), self.counter(user, -1)?];
        match transaction::write(&self.client, items).await {
            Ok(()) => Ok(true),
            Err(e) if e.failed_at(0) => {
                let existing =
                    self.client.get_item().table_name(&self.table).set_key(Some(key(user, sk))).send().await?;
                Ok(existing.item.is_some())
            }
            Err(e) => Err(e.into()),
        }
    }
}
