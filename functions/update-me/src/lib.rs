//! `PATCH /api/me`: the caller changes their name, phone or preferences.

use shared::accounts::profile::{ProfilePatch, ProfileRequest};
use shared::accounts::session_tokens::UserResponse;
use shared::config::ConfigError;
use shared::db::UserRepo;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::{ApiError, App};

pub struct UpdateMe {
    auth: Authenticator,
    users: UserRepo,
}

impl UpdateMe {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, users: UserRepo::new(&app.database())? })
    }
}

impl Endpoint for UpdateMe {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let patch = ProfilePatch::try_from(body::json::<ProfileRequest>(&req)?)?;
        // A token can outlive its account; that caller is nobody now.
        let user = self.users.update_profile(caller.user_id, &patch).await?.ok_or(ApiError::Unauthorized)?;
        Ok(response::json(StatusCode::OK, &UserResponse { user }))
    }
}
