//! `GET /api/me`: the caller's own account.

use shared::accounts::session_tokens::UserResponse;
use shared::config::ConfigError;
use shared::db::UserRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, response};
use shared::{ApiError, App};

pub struct GetMe {
    auth: Authenticator,
    users: UserRepo,
}

impl GetMe {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, users: UserRepo::new(&app.database())? })
    }
}

impl Endpoint for GetMe {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        // A token can outlive its account; that caller is nobody now.
        let account = self.users.get(caller.user_id).await?.ok_or(ApiError::Unauthorized)?;
        Ok(response::json(StatusCode::OK, &UserResponse { user: account.user }))
    }
}
