//! `GET /api/conversations`: the caller's conversations, latest activity first, each with their
//! unread count.

use shared::config::ConfigError;
use shared::conversations::Conversation;
use shared::cursor::CursorCodec;
use shared::db::ConversationRepo;
use shared::db::index_page::Position;
use shared::error::FieldErrors;
use shared::http::page::Page;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, query, response};
use shared::params::int_in;
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
        let params = query::parse(&req, &["limit", "cursor"])?;
        let mut errors = FieldErrors::default();
        let limit = errors.take(params.get("limit", int_in(1, 100))).flatten().unwrap_or(20);
        errors.finish(|| ())?;
        // A cursor is the caller's own: another user's names another list.
        let scope = format!("conversations|{}", caller.user_id);
        let start = params.raw("cursor").map(|c| self.cursors.decode::<Position>(&scope, c)).transpose()?;
        let (items, next) = self.conversations.page_for(caller.user_id, limit, start).await?;
        let page: Page<Conversation> = Page { items, next_cursor: next.map(|p| self.cursors.encode(&scope, &p)) };
        Ok(response::json(StatusCode::OK, &page))
    }
}
