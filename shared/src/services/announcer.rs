//! Sending an announcement: checked, queued with its `Idempotency-Key` in one transaction, and
//! answered at once; `onAnnouncementCreated` delivers it afterwards (see
//! [`announcement_delivery`](super::announcement_delivery)). A retry with the same key replays
//! the first announcement instead of telling everyone twice.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::announcements::{Queued, SentWith};
use crate::db::{AnnouncementRepo, Database, UserRepo};
use crate::error::ApiError;
use crate::ids::{NotificationId, UserId};
use crate::notify::announcement::{Announcement, Audience};
use crate::orders::idempotency_key::{IdempotencyKey, request_hash};

pub struct Announcer {
    users: UserRepo,
    announcements: AnnouncementRepo,
    clock: Arc<dyn Clock>,
}

/// What an admin asked to send, as parsed.
pub struct Draft {
    pub audience: Audience,
    pub title: String,
    pub body: String,
    pub data: serde_json::Value,
}

impl Announcer {
    pub fn new(db: &Database) -> Result<Self, ConfigError> {
        Ok(Self { users: UserRepo::new(db)?, announcements: AnnouncementRepo::new(db)?, clock: db.clock() })
    }

    /// Queues `draft` from `admin`; `key` with the request's JSON makes a retry a replay.
    pub async fn send(
        &self,
        admin: UserId,
        draft: Draft,
        key: Option<(&IdempotencyKey, &serde_json::Value)>,
    ) -> Result<Queued, ApiError> {
        if let Audience::UserId(user) = draft.audience
            && self.users.get(user).await?.is_none()
        {
            return Err(ApiError::validation("audience.userId", "no such user"));
        }
        let announcement = Announcement {
            id: NotificationId::new(),
            by: admin,
            audience: draft.audience,
            title: draft.title,
            body: draft.body,
            data: draft.data,
            created_at: self.clock.now(),
        };
        let sent_with = key.map(|(key, request)| SentWith {
            key: key.scoped("announcement-key", admin),
            request_hash: request_hash(request),
        });
        self.announcements.queue(&announcement, sent_with.as_ref()).await
    }
}
