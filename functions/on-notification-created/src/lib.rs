//! `onNotificationCreated`: every new inbox notification (an order, payment or application
//! update, an announcement, a chat notice) is pushed to its user's open connections, so the apps
//! show it the moment it happens.

use shared::config::ConfigError;
use shared::frames::ServerFrame;
use shared::ids::UserId;
use shared::notify::InboxItem;
use shared::services::live::Live;
use shared::streams::{StreamRecord, Trigger, key, new_image};
use shared::{ApiError, App};

pub struct OnNotificationCreated {
    live: Live,
}

impl OnNotificationCreated {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { live: app.live()? })
    }
}

impl Trigger for OnNotificationCreated {
    async fn handle(&self, record: &StreamRecord) -> Result<(), ApiError> {
        let Some(notification) = new_image::<InboxItem>(record)? else { return Ok(()) };
        let owner: String = key(record, "pk")?;
        let user: UserId = owner
            .strip_prefix("user#")
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| ApiError::internal("an inbox item outside a user's inbox"))?;
        self.live.push(user, &ServerFrame::Notification { notification }).await.map(|_| ())
    }
}
