//! The announcements table: announcements queued for delivery (`pk = announcement#<id>`, with
//! `next`, where delivery to a role goes on), and the `Idempotency-Key`s they were sent with
//! (`pk = announcement-key#<admin>#<key>`), written in the same transaction so a retried send replays.
//! Everything is removed by TTL after 30 days; the stream feeds `onAnnouncementCreated`.

use std::time::Duration;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use serde::Serialize;

use crate::config::ConfigError;
use crate::db::attributes::{get_s, n, pk, s};
use crate::db::error::applied;
use crate::db::idempotency::take_key;
use crate::db::index_page::{Position, to_start};
use crate::db::{Database, transaction};
use crate::error::ApiError;
use crate::ids::NotificationId;
use crate::notify::announcement::Announcement;
use crate::tables::Table;

const RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);
/// How long a key replays its announcement.
const REPLAY_WINDOW: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone, Debug)]
pub struct AnnouncementRepo {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// An `Idempotency-Key` as stored: scoped to its admin, with the hash of its request.
pub struct SentWith {
    pub key: String,
    pub request_hash: String,
}

/// What queueing came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    New(NotificationId),
    /// The key was used before with the same request: its announcement.
    Replayed(NotificationId),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stored<'a> {
    pk: String,
    kind: &'static str,
    #[serde(flatten)]
    announcement: &'a Announcement,
    expires_at: i64,
}

impl AnnouncementRepo {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { client: db.client(), table: db.table(Table::Announcements)? })
    }

    /// Queues `announcement` (and its key), all or nothing; a key used before replays its
    /// announcement, or is 422 `idempotency_key_reused` with another request.
    pub async fn queue(&self, announcement: &Announcement, key: Option<&SentWith>) -> Result<Queued, ApiError> {
        let now = announcement.created_at;
        let stored = Stored {
            pk: format!("announcement#{}", announcement.id),
            kind: "announcement",
            announcement,
            expires_at: now.plus(RETENTION).unix_seconds(),
        };
        let mut items = Vec::with_capacity(2);
        if let Some(key) = key {
            let mut item = pk(&key.key);
            item.insert("announcementId".into(), s(announcement.id));
            item.insert("requestHash".into(), s(&key.request_hash));
            item.insert("expiresAt".into(), n(now.plus(REPLAY_WINDOW).unix_seconds()));
            items.push(take_key(&self.table, item, now)?);
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(serde_dynamo::to_item(stored)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(ApiError::internal)?;
        items.push(TransactWriteItem::builder().put(put).build());
        match (transaction::write(&self.client, items).await, key) {
            (Ok(()), _) => Ok(Queued::New(announcement.id)),
            (Err(e), Some(key)) if e.failed_at(0) => self.replay(key).await,
            (Err(e), _) => Err(e.into()),
        }
    }

    async fn replay(&self, key: &SentWith) -> Result<Queued, ApiError> {
        let out =
            self.client.get_item().table_name(&self.table).key("pk", s(&key.key)).consistent_read(true).send().await?;
        let item = out.item.ok_or(ApiError::Unavailable { retry_after_secs: 1 })?;
        if get_s::<String>(&item, "requestHash").as_deref() != Some(key.request_hash.as_str()) {
            return Err(ApiError::IdempotencyKeyReused);
        }
        get_s(&item, "announcementId")
            .map(Queued::Replayed)
            .ok_or_else(|| ApiError::internal("key without an announcement"))
    }

    /// Records that delivery of announcement `id` goes on at `next`, if it still stands at `from`
    /// (of two deliveries of one page, one advances). The change feeds the next page.
    pub async fn advance(
        &self,
        id: NotificationId,
        from: Option<&Position>,
        next: &Position,
    ) -> Result<bool, ApiError> {
        let next = AttributeValue::M(to_start(Some(next.clone())).unwrap_or_default());
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("announcement#{id}")))
            .update_expression("SET #next = :next")
            .expression_attribute_names("#next", "next")
            .expression_attribute_values(":next", next);
        let request = match from {
            None => request.condition_expression("attribute_not_exists(#next)"),
            Some(from) => request.condition_expression("#next = :from").expression_attribute_values(
                ":from",
                AttributeValue::M(to_start(Some(from.clone())).unwrap_or_default()),
            ),
        };
        applied(request.send().await)
    }
}
