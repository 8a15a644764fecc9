//! What reaches a user's open WebSocket connections the moment it happens. A connection that
//! `@connections` says is gone is forgotten at once (that one, not the sender's) and never tried
//! again; a post that fails otherwise is logged and skipped: a live frame is a courtesy, what it
//! announces is stored and read over HTTP.

use std::sync::Arc;

use crate::clock::Clock;
use crate::connections_api::{ConnectionsApi, Delivery};
use crate::conversations::ConnectionId;
use crate::db::ConnectionRepo;
use crate::error::ApiError;
use crate::frames::ServerFrame;
use crate::ids::UserId;

#[derive(Clone)]
pub struct Live {
    connections: ConnectionRepo,
    api: ConnectionsApi,
    clock: Arc<dyn Clock>,
}

impl Live {
    pub fn new(connections: ConnectionRepo, api: ConnectionsApi, clock: Arc<dyn Clock>) -> Self {
        Self { connections, api, clock }
    }

    /// Sends `frame` to every open connection of `user`; how many it reached.
    pub async fn push(&self, user: UserId, frame: &ServerFrame) -> Result<usize, ApiError> {
        let json = frame.to_json();
        let open = self.connections.of_user(user, self.clock.now()).await?;
        let mut reached = 0;
        for connection in &open {
            if self.post(connection, &json).await {
                reached += 1;
            }
        }
        Ok(reached)
    }

    /// Sends `frame` to one connection (the answer to a frame it sent).
    pub async fn reply(&self, connection: &ConnectionId, frame: &ServerFrame) -> bool {
        self.post(connection, &frame.to_json()).await
    }

    async fn post(&self, connection: &ConnectionId, json: &str) -> bool {
        match self.api.post(connection, json).await {
            Ok(Delivery::Sent) => true,
            Ok(Delivery::Gone) => {
                if let Err(error) = self.connections.forget(connection, self.clock.now()).await {
                    tracing::warn!(error = %error, "forgetting a gone connection failed; its TTL will");
                }
                false
            }
            Err(error) => {
                tracing::warn!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), "posting to a connection failed");
                false
            }
        }
    }
}
