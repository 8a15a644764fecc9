//! `GET /api/notifications`: the caller's inbox, newest first, with the unread count.

use serde::Serialize;
use shared::config::ConfigError;
use shared::cursor::CursorCodec;
use shared::db::inbox::{InboxRepo, Position};
use shared::http::page::PageAsked;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, response};
use shared::notify::InboxItem;
use shared::{ApiError, App};

pub struct GetNotifications {
    auth: Authenticator,
    inbox: InboxRepo,
    cursors: CursorCodec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Inbox {
    items: Vec<InboxItem>,
    next_cursor: Option<String>,
    unread_count: u64,
}

impl GetNotifications {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            auth: Authenticator::new(app)?,
            inbox: InboxRepo::new(&app.database())?,
            cursors: CursorCodec::new(app.config.cursor_secret()?),
        })
    }
}

impl Endpoint for GetNotifications {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let asked = PageAsked::of_request(&req)?;
        // A cursor is the caller's own: another user's cursor names another inbox.
        let cursors = self.cursors.of_list(format!("inbox|{}", caller.user_id));
        let start: Option<Position> = cursors.start(asked.cursor.as_deref())?;
        let ((items, next), unread_count) = tokio::try_join!(
            self.inbox.page(caller.user_id, asked.limit, start),
            self.inbox.unread_count(caller.user_id)
        )?;
        let next_cursor = cursors.next(next);
        Ok(response::json(StatusCode::OK, &Inbox { items, next_cursor, unread_count }))
    }
}
