//! Telling a user something once, however often the event behind it is delivered: the
//! notification is stored in their inbox under an id derived from the event (storing it again
//! changes nothing), then published to the delivery channels, and only then marked published.
//! An invocation cut off between publishing and marking leaves the retry to publish again: at
//! least once, never zero times; the inbox id lets channels drop the rare duplicate.
//!
//! It is published on the channels the recipient accepts (their preferences, read as it is
//! published); when they accept none, it is in their inbox and nothing is published.

use std::sync::Arc;

use crate::clock::Timestamp;
use crate::config::ConfigError;
use crate::db::{Database, IdempotencyStore, InboxRepo, UserRepo};
use crate::error::ApiError;
use crate::ids::NotificationId;
use crate::notify::{InboxItem, Notification, Publisher};

#[derive(Clone)]
pub struct Notifier {
    inbox: InboxRepo,
    users: UserRepo,
    markers: IdempotencyStore,
    publisher: Arc<dyn Publisher>,
}

impl Notifier {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            inbox: InboxRepo::new(db)?,
            users: UserRepo::new(db)?,
            markers: IdempotencyStore::new(db)?,
            publisher,
        })
    }

    /// Delivers `notification` (to its `user_id`) once per `key`; `at` is when its event happened.
    pub async fn send_once(&self, key: &str, at: Timestamp, notification: &Notification) -> Result<(), ApiError> {
        let id = NotificationId::derived(key, at);
        if let Some(user) = notification.user_id {
            self.inbox.store(user, &InboxItem::of(notification, id, at)).await?;
        }
        let marker = format!("published#{key}");
        if self.markers.is_taken(&marker).await? {
            return Ok(());
        }
        let mut published = notification.clone();
        published.id = Some(id);
        if let Some(user) = notification.user_id {
            let accepted = self.users.preferences(user).await?.map(|preferences| preferences.notifications);
            published.narrow_to(accepted.as_ref());
        }
        if published.channels.is_empty() {
            return Ok(());
        }
        self.publisher.publish(&published).await?;
        self.markers.take(&marker).await.map(|_| ())
    }
}
