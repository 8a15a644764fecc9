//! Sending a notification at most once per key, however often the event behind it is delivered:
//! the key is marked first, and unmarked if publishing fails so the retry sends it.

use std::sync::Arc;

use crate::db::idempotency::IdempotencyStore;
use crate::error::ApiError;
use crate::notify::{Notification, Publisher};

#[derive(Clone)]
pub struct Notifier {
    markers: IdempotencyStore,
    publisher: Arc<dyn Publisher>,
}

impl Notifier {
    pub fn new(markers: IdempotencyStore, publisher: Arc<dyn Publisher>) -> Self {
        Self { markers, publisher }
    }

    /// Sends `notification` unless one was already sent under `key`.
    pub async fn send_once(&self, key: &str, notification: &Notification) -> Result<(), ApiError> {
        let key = format!("notified#{key}");
        if !self.markers.take(&key).await? {
            return Ok(());
        }
        if let Err(error) = self.publisher.publish(notification).await {
            self.markers.release(&key).await?;
            return Err(error);
        }
        Ok(())
    }
}

impl Notifier {
    pub fn from_app(app: &crate::App) -> Result<Self, crate::config::ConfigError> {
        Ok(Self::new(IdempotencyStore::from_app(app)?, app.publisher()?))
    }
}
