//! What reaches a user's open WebSocket connections the moment it happens. A connection that
//! `@connections` says is gone is forgotten at once (that one, not the sender's) and never tried
//! again; a post that fails otherwise is logged and reported as missed: the caller decides
//! whether a frame is a courtesy (what it announces is stored and read over HTTP) or is owed
//! (a message: its sender's retry pushes it again to the connections it missed).

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

    /// Sends `frame` to every open connection of `user`.
    pub async fn push(&self, user: UserId, frame: &ServerFrame) -> Result<Pushed, ApiError> {
        let open = self.connections.of_user(user, self.clock.now()).await?;
        Ok(self.push_to(&open, frame).await)
    }

    /// Sends `frame` to each of `connections`.
    pub async fn push_to(&self, connections: &[ConnectionId], frame: &ServerFrame) -> Pushed {
        let json = frame.to_json();
        let mut pushed = Pushed::default();
        for connection in connections {
            match self.post(connection, &json).await {
                Posted::Sent => pushed.reached += 1,
                Posted::Gone => {}
                Posted::Failed => pushed.missed.push(connection.clone()),
            }
        }
        pushed
    }

    /// Sends `frame` to one connection (the answer to a frame it sent).
    pub async fn reply(&self, connection: &ConnectionId, frame: &ServerFrame) -> bool {
        self.post(connection, &frame.to_json()).await == Posted::Sent
    }

    async fn post(&self, connection: &ConnectionId, json: &str) -> Posted {
        match self.api.post(connection, json).await {
            Ok(Delivery::Sent) => Posted::Sent,
            Ok(Delivery::Gone) => {
                if let Err(error) = self.connections.forget(connection, self.clock.now()).await {
                    tracing::warn!(error = %error, "forgetting a gone connection failed; its TTL will");
                }
                Posted::Gone
            }
            Err(error) => {
                tracing::warn!(error = %error, cause = ?std::error::Error::source(&error).map(ToString::to_string), "posting to a connection failed");
                Posted::Failed
            }
        }
    }
}

/// What a push did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Connections that have the frame.
    pub reached: usize,
    /// Connections a failure kept it from (not gone: they may still be open).
    pub missed: Vec<ConnectionId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Posted {
    Sent,
    Gone,
    Failed,
}
