//! `GET /api/conversations`: the caller's conversations, latest activity first, each with their
//! unread count.

use shared::config::ConfigError;
use shared::conversations::Conversation;
use shared::cursor::CursorCodec;
use shared::db::ConversationRepo;
use shared::db::index_page::Position;
use shared::http::page::{Page, PageAsked};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, response};
use shared::{ApiError, App};

pub struct GetConversations {
    auth: Authenticator,
    conversations: ConversationRepo,
    cursors: CursorCodec,
}

impl GetConversations {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            conversations: ConversationRepo::new(&app.database())?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }
}

impl Endpoint for GetConversations {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let asked = PageAsked::of_request(&req)?;
        // A cursor is the caller's own: another user's names another list.
        let cursors = self.cursors.of_list(format!("conversations|{}", caller.user_id));
        let start: Option<Position> = cursors.start(asked.cursor.as_deref())?;
        let (items, next) = self.conversations.page_for(caller.user_id, asked.limit, start).await?;
        let page: Page<Conversation> = Page { items, next_cursor: cursors.next(next) };
        Ok(response::json(StatusCode::OK, &page))
    }
}
