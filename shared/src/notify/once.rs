//! Telling a user something exactly once, however often the event behind it is delivered: the
//! notification is stored in their inbox under an id derived from the event (storing it again
//! changes nothing), then published to the delivery channels under a marker that is given back if
//! publishing fails, so a retry publishes it and a duplicate does not.

use std::sync::Arc;

use crate::clock::Timestamp;
use crate::db::idempotency::IdempotencyStore;
use crate::db::inbox::{InboxItem, InboxRepo};
use crate::error::ApiError;
use crate::ids::NotificationId;
use crate::notify::{Notification, Publisher};

#[derive(Clone)]
pub struct Notifier {
    inbox: InboxRepo,
    markers: IdempotencyStore,
    publisher: Arc<dyn Publisher>,
}

impl Notifier {
    pub fn new(inbox: InboxRepo, markers: IdempotencyStore, publisher: Arc<dyn Publisher>) -> Self {
        Self { inbox, markers, publisher }
    }

    pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
        Ok(Self::new(InboxRepo::from_app(app)?, IdempotencyStore::from_app(app)?, app.publisher()?))
    }

    /// Delivers `notification` (to its `user_id`) once per `key`; `at` is when its event happened.
    pub async fn send_once(&self, key: &str, at: Timestamp, notification: &Notification) -> Result<(), ApiError> {
        let id = NotificationId::derived(key, at);
        if let Some(user) = notification.user_id {
            let item = InboxItem {
                id,
                kind: notification.kind,
                title: notification.subject.clone(),
                body: notification.body.clone(),
                data: notification.data.clone(),
                read: false,
                created_at: at,
            };
            self.inbox.store(user, &item).await?;
        }
        let marker = format!("published#{key}");
        if !self.markers.take(&marker).await? {
            return Ok(());
        }
        let mut published = notification.clone();
        published.id = Some(id);
        if let Err(error) = self.publisher.publish(&published).await {
            self.markers.release(&marker).await?;
            return Err(error);
        }
        Ok(())
    }
}
