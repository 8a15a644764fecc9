//! WebSocket `sendMessage`: `{ "action": "sendMessage", conversationId, body, clientMessageId }`,
//! under the rules of `POST /api/conversations/{id}/messages`. The sender's connection gets an
//! `ack` with the stored message (the first one, for a repeated `clientMessageId`) or an `error`
//! with the code an HTTP request would have got.

use std::sync::Arc;

use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::ConnectionRepo;
use shared::frames::{SendMessage, ServerFrame};
use shared::services::chat::Chat;
use shared::services::live::Live;
use shared::sockets::{SocketEvent, SocketRoute, connection_id, frame, refusal};
use shared::{ApiError, App};

pub struct WsSendMessage {
    connections: ConnectionRepo,
    chat: Chat,
    live: Live,
    clock: Arc<dyn Clock>,
}

impl WsSendMessage {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        let live = app.live()?;
        Ok(Self {
            connections: ConnectionRepo::new(&db)?,
            chat: Chat::new(&db, live.clone())?,
            live,
            clock: db.clock(),
        })
    }
}

impl SocketRoute for WsSendMessage {
    async fn handle(&self, event: &SocketEvent) -> Result<(), ApiError> {
        let connection = connection_id(event)?;
        let answer = match SendMessage::parse(frame(event)) {
            Err(bad) => refusal(bad.client_message_id, &ApiError::Validation(bad.errors)),
            Ok(send) => {
                let client = send.client_message_id.clone();
                match self.post(&connection, send).await {
                    Ok(message) => ServerFrame::Ack { client_message_id: client, message },
                    Err(error) => refusal(Some(client.as_str().to_owned()), &error),
                }
            }
        };
        self.live.reply(&connection, &answer).await;
        Ok(())
    }
}

impl WsSendMessage {
    async fn post(
        &self,
        connection: &shared::conversations::ConnectionId,
        send: SendMessage,
    ) -> Result<shared::conversations::Message, ApiError> {
        let sender = self.connections.user_of(connection, self.clock.now()).await?.ok_or(ApiError::Unauthorized)?;
        let posted = self.chat.send(sender, send.conversation_id, send.body, send.client_message_id).await?;
        Ok(posted.message)
    }
}
