//! Delivering a queued announcement: to its one user, or to everyone with its role a page at a
//! time. Each invocation delivers one page and records where the next starts; that change fires
//! the next invocation, so no invocation runs long, however large the audience. Every recipient
//! is told once (see [`Notifier`]), however often a page is delivered.

use std::sync::Arc;

use futures::StreamExt;

use crate::config::ConfigError;
use crate::db::index_page::Position;
use crate::db::{AnnouncementRepo, Database, UserRepo};
use crate::error::ApiError;
use crate::ids::UserId;
use crate::notify::announcement::{Announcement, Audience};
use crate::notify::{Publisher, messages};
use crate::services::notifier::Notifier;

/// Recipients per invocation.
const PAGE: i32 = 200;
/// Inboxes written at once.
const CONCURRENCY: usize = 16;

pub struct AnnouncementDelivery {
    users: UserRepo,
    announcements: AnnouncementRepo,
    notifier: Notifier,
}

impl AnnouncementDelivery {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::new(db)?,
            announcements: AnnouncementRepo::new(db)?,
            notifier: Notifier::new(db, publisher)?,
        })
    }

    /// Delivers the page of `announcement` that starts at `start` (`None`: the first).
    pub async fn deliver(&self, announcement: &Announcement, start: Option<Position>) -> Result<(), ApiError> {
        let (recipients, next) = match announcement.audience {
            Audience::UserId(user) => (vec![user], None),
            Audience::Role(role) => self.users.role_page(role, start.clone(), PAGE).await?,
        };
        let sent: Vec<Result<(), ApiError>> = futures::stream::iter(recipients)
            .map(|user| self.tell(announcement, user))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        sent.into_iter().collect::<Result<Vec<()>, _>>()?;
        if let Some(next) = next {
            self.announcements.advance(announcement.id, start.as_ref(), &next).await?;
        }
        Ok(())
    }

    async fn tell(&self, announcement: &Announcement, user: UserId) -> Result<(), ApiError> {
        let message = messages::announcement(user, &announcement.title, &announcement.body, &announcement.data);
        let key = format!("announcement#{}#{user}", announcement.id);
        self.notifier.send_once(&key, announcement.created_at, &message).await
    }
}
