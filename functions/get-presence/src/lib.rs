//! `GET /api/users/{id}/presence`: whether a user has the marketplace open. A vendor's presence is
//! public (to signed-in users); a customer's is seen only by themselves and by someone they share
//! a conversation with — anyone else gets 404, as for a user who does not exist.

use shared::accounts::Role;
use shared::config::ConfigError;
use shared::db::{ConnectionRepo, ConversationRepo, UserRepo};
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, path, response};
use shared::ids::UserId;
use shared::{ApiError, App};

pub struct GetPresence {
    auth: Authenticator,
    users: UserRepo,
    conversations: ConversationRepo,
    connections: ConnectionRepo,
    clock: std::sync::Arc<dyn shared::clock::Clock>,
}

impl GetPresence {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        let db = app.database();
        Ok(Self {
            auth: Authenticator::new(app)?,
            users: UserRepo::new(&db)?,
            conversations: ConversationRepo::new(&db)?,
            connections: ConnectionRepo::new(&db)?,
            clock: db.clock(),
        })
    }

    async fn may_see(&self, viewer: UserId, user: UserId) -> Result<bool, ApiError> {
        if viewer == user {
            return Ok(true);
        }
        let Some(account) = self.users.get(user).await? else { return Ok(false) };
        Ok(account.user.role == Role::Vendor || self.conversations.share_a_conversation(viewer, user).await?)
    }
}

impl Endpoint for GetPresence {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let user: UserId = path::id(&req, "id")?;
        if !self.may_see(caller.user_id, user).await? {
            return Err(ApiError::NotFound);
        }
        let presence = self.connections.presence(user, self.clock.now()).await?;
        Ok(response::json(StatusCode::OK, &presence))
    }
}
