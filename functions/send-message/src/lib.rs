//! `POST /api/conversations/{id}/messages`: a participant posts a message (201); the same
//! `clientMessageId` again returns the first one (200, `idempotent-replayed`). The recipient's open
//! connections get it at once.

use shared::config::ConfigError;
use shared::conversations::requests::{NewMessage, RawNewMessage};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, path, response};
use shared::ids::ConversationId;
use shared::services::chat::Chat;
use shared::{ApiError, App};

pub struct SendMessage {
    auth: Authenticator,
    chat: Chat,
}

impl SendMessage {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, chat: Chat::new(&app.database(), app.live()?)? })
    }
}

impl Endpoint for SendMessage {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: ConversationId = path::id(&req, "id")?;
        let new = NewMessage::parse(body::json::<RawNewMessage>(&req)?)?;
        let posted = self.chat.send(caller.user_id, id, new.body, new.client_message_id).await?;
        if posted.repeated {
            let mut response = response::json(StatusCode::OK, &posted.message);
            response.headers_mut().insert("idempotent-replayed", "true".parse().expect("a header value"));
            return Ok(response);
        }
        Ok(response::json(StatusCode::CREATED, &posted.message))
    }
}
