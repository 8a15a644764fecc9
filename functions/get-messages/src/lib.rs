//! `GET /api/conversations/{id}/messages`: a conversation's messages, newest first, for its two
//! participants only (anyone else: 404).

use shared::config::ConfigError;
use shared::conversations::Message;
use shared::cursor::CursorCodec;
use shared::db::ConversationRepo;
use shared::db::index_page::Position;
use shared::http::page::{Page, PageAsked};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path, response};
use shared::ids::ConversationId;
use shared::{ApiError, App};

pub struct GetMessages {
    auth: Authenticator,
    conversations: ConversationRepo,
    cursors: CursorCodec,
}

impl GetMessages {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            conversations: ConversationRepo::new(&app.database())?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }
}

impl Endpoint for GetMessages {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: ConversationId = path::id(&req, "id")?;
        let asked = PageAsked::of_request(&req)?;
        self.conversations.view(id, caller.user_id).await?.ok_or(ApiError::NotFound)?;
        let cursors = self.cursors.of_list(format!("messages|{id}"));
        let start: Option<Position> = cursors.start(asked.cursor.as_deref())?;
        let (items, next) = self.conversations.messages(id, asked.limit, start).await?;
        let page: Page<Message> = Page { items, next_cursor: cursors.next(next) };
        Ok(response::json(StatusCode::OK, &page))
    }
}
