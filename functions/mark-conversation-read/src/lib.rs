//! `POST /api/conversations/{id}/read`: the caller has read the conversation (204); the other
//! participant's open connections hear of it. Anyone not in it: 404.

use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path, response};
use shared::ids::ConversationId;
use shared::services::read_receipts::ReadReceipts;
use shared::{ApiError, App};

pub struct MarkConversationRead {
    auth: Authenticator,
    receipts: ReadReceipts,
}

impl MarkConversationRead {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, receipts: ReadReceipts::new(&app.database(), app.live()?)? })
    }
}

impl Endpoint for MarkConversationRead {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: ConversationId = path::id(&req, "id")?;
        self.receipts.mark_read(caller.user_id, id).await?;
        Ok(response::empty(StatusCode::NO_CONTENT))
    }
}
