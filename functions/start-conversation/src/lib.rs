//! `POST /api/conversations`: a verified buyer asks the seller about a product. The first question
//! starts the conversation (201); asking again adds the message to it (200). The seller's open
//! connections get the message at once.

use serde::Serialize;
use shared::config::ConfigError;
use shared::conversations::requests::{RawStartConversation, StartConversation as Start};
use shared::conversations::{Conversation, Message};
use shared::db::ProductRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::services::chat::Chat;
use shared::{ApiError, App};

pub struct StartConversation {
    auth: Authenticator,
    products: ProductRepo,
    chat: Chat,
}

#[derive(Serialize)]
struct Started {
    conversation: Conversation,
    message: Message,
}

impl StartConversation {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            auth: Authenticator::new(app)?,
            products: ProductRepo::new(&db)?,
            chat: Chat::new(&db, app.live()?)?,
        })
    }
}

impl Endpoint for StartConversation {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let start = Start::parse(body::json::<RawStartConversation>(&req)?)?;
        let opened = self.chat.start(&self.products, &caller, start.product_id, start.message).await?;
        let status = if opened.created { StatusCode::CREATED } else { StatusCode::OK };
        Ok(response::json(status, &Started { conversation: opened.conversation, message: opened.message }))
    }
}
