//! An admin's message to one user or to everyone with a role: stored in each inbox and published
//! to the delivery channels, once per recipient however often it is retried.

use std::sync::Arc;

use futures::StreamExt;

use crate::accounts::Role;
use crate::clock::Clock;
use crate::config::ConfigError;
use crate::db::{Database, UserRepo};
use crate::error::ApiError;
use crate::ids::{NotificationId, UserId};
use crate::notify::{Publisher, messages};
use crate::services::notifier::Notifier;

/// Inboxes written at once during a fan-out.
const CONCURRENCY: usize = 16;

/// Who is told.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    User(UserId),
    Role(Role),
}

pub struct Announcements {
    users: UserRepo,
    notifier: Notifier,
    clock: Arc<dyn Clock>,
}

impl Announcements {
    pub fn new(db: &Database, publisher: Arc<dyn Publisher>) -> Result<Self, ConfigError> {
        Ok(Self { users: UserRepo::new(db)?, notifier: Notifier::new(db, publisher)?, clock: db.clock() })
    }

    /// Sends `title` and `body` to `audience`: the announcement's id and how many it reached.
    pub async fn send(
        &self,
        audience: Audience,
        title: &str,
        body: &str,
        data: &serde_json::Value,
    ) -> Result<(NotificationId, usize), ApiError> {
        let recipients = match audience {
            Audience::User(user) => match self.users.get(user).await? {
                Some(_) => vec![user],
                None => return Err(ApiError::validation("audience.userId", "no such user")),
            },
            Audience::Role(role) => self.users.ids_with_role(role).await?,
        };
        let id = NotificationId::new();
        let at = self.clock.now();
        let sent = futures::stream::iter(recipients.iter().copied())
            .map(|user| {
                let notification = messages::announcement(user, title, body, data);
                async move { self.notifier.send_once(&format!("announcement#{id}#{user}"), at, &notification).await }
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        sent.into_iter().collect::<Result<Vec<()>, _>>()?;
        Ok((id, recipients.len()))
    }
}
