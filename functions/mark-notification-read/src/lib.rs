//! `POST /api/notifications/{id}/read`: marks one of the caller's notifications read (204, also
//! when it already was); anyone else's, or an unknown id, is 404.

use shared::config::ConfigError;
use shared::db::inbox::InboxRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path};
use shared::ids::NotificationId;
use shared::{ApiError, App};

pub struct MarkNotificationRead {
    auth: Authenticator,
    inbox: InboxRepo,
}

impl MarkNotificationRead {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, inbox: InboxRepo::new(&app.database())? })
    }
}

impl Endpoint for MarkNotificationRead {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let id: NotificationId = path::id(&req, "id")?;
        // Looked up in the caller's own inbox only: someone else's id is simply not there.
        if !self.inbox.mark_read(caller.user_id, id).await? {
            return Err(ApiError::NotFound);
        }
        Ok(Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).expect("a static response"))
    }
}
