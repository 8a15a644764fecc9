//! WebSocket `typing`: `{ "action": "typing", conversationId }` is relayed to the other
//! participant's open connections and never stored. A frame about a conversation the sender is
//! not in gets an `error` (`not_found`).

use std::sync::Arc;

use shared::clock::Clock;
use shared::config::ConfigError;
use shared::conversations::ConnectionId;
use shared::db::{ConnectionRepo, ConversationRepo};
use shared::frames::{ServerFrame, Typing};
use shared::services::live::Live;
use shared::sockets::{SocketEvent, SocketRoute, connection_id, frame, refusal};
use shared::{ApiError, App};

pub struct WsTyping {
    connections: ConnectionRepo,
    conversations: ConversationRepo,
    live: Live,
    clock: Arc<dyn Clock>,
}

impl WsTyping {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            connections: ConnectionRepo::new(&db)?,
            conversations: ConversationRepo::new(&db)?,
            live: app.live()?,
            clock: db.clock(),
        })
    }

    async fn relay(&self, connection: &ConnectionId, typing: Typing) -> Result<(), ApiError> {
        let user = self.connections.user_of(connection, self.clock.now()).await?.ok_or(ApiError::Unauthorized)?;
        let view = self.conversations.view(typing.conversation_id, user).await?.ok_or(ApiError::NotFound)?;
        let frame = ServerFrame::Typing { conversation_id: typing.conversation_id, user_id: user };
        self.live.push(view.other_than(user), &frame).await.map(|_| ())
    }
}

impl SocketRoute for WsTyping {
    async fn handle(&self, event: &SocketEvent) -> Result<(), ApiError> {
        let connection = connection_id(event)?;
        let relayed = match Typing::parse(frame(event)) {
            Ok(typing) => self.relay(&connection, typing).await,
            Err(bad) => Err(ApiError::Validation(bad.errors)),
        };
        if let Err(error) = relayed {
            self.live.reply(&connection, &refusal(None, &error)).await;
        }
        Ok(())
    }
}
