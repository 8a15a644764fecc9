//! A user's WebSocket connections as presence: the first one opening makes them online and the
//! last one closing offline, and the other participants of their recent conversations hear of
//! both. `$disconnect` is best-effort in API Gateway, so a connection also ends by TTL and by a
//! 410 from `@connections`; presence reads trust those too (see [`crate::db::connections`]).

use std::sync::Arc;

use crate::clock::{Clock, Timestamp};
use crate::config::ConfigError;
use crate::conversations::ConnectionId;
use crate::db::{ConnectionRepo, ConversationRepo, Database};
use crate::error::ApiError;
use crate::frames::ServerFrame;
use crate::ids::UserId;
use crate::services::live::Live;

/// Whose presence news a user's partners get: those of their 100 latest conversations.
const PARTNERS_TOLD: i32 = 100;

#[derive(Clone)]
pub struct SocketSessions {
    connections: ConnectionRepo,
    conversations: ConversationRepo,
    clock: Arc<dyn Clock>,
    live: Live,
}

impl SocketSessions {
    pub fn new(db: &Database, live: Live) -> Result<Self, ConfigError> {
        Ok(Self {
            connections: ConnectionRepo::new(db)?,
            conversations: ConversationRepo::new(db)?,
            clock: db.clock(),
            live,
        })
    }

    pub async fn open(&self, connection: &ConnectionId, user: UserId) -> Result<(), ApiError> {
        if self.connections.open(connection, user, self.clock.now()).await? {
            self.tell_partners(user, true, None).await?;
        }
        Ok(())
    }

    pub async fn close(&self, connection: &ConnectionId) -> Result<(), ApiError> {
        let now = self.clock.now();
        match self.connections.close(connection, now).await? {
            Some(closed) if closed.last => self.tell_partners(closed.user, false, Some(now)).await,
            _ => Ok(()),
        }
    }

    async fn tell_partners(&self, user: UserId, online: bool, last_seen_at: Option<Timestamp>) -> Result<(), ApiError> {
        let frame = ServerFrame::Presence { user_id: user, online, last_seen_at };
        for partner in self.conversations.partners(user, PARTNERS_TOLD).await? {
            self.live.push(partner, &frame).await?;
        }
        Ok(())
    }
}
