//! `POST /api/me/password`: the caller's new password, given the current one; every other session
//! of the account ends (see `shared::services::passwords`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Authenticator, Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::passwords::PasswordChange;
use shared::{ApiError, App};

pub struct ChangePassword {
    auth: Authenticator,
    passwords: PasswordChange,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChangeRequest {
    current_password: String,
    new_password: String,
}

impl ChangePassword {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { auth: Authenticator::new(app)?, passwords: PasswordChange::new(&app.database(), app.publisher()?)? })
    }
}

impl Endpoint for ChangePassword {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let caller = self.auth.caller(&req)?;
        let request: ChangeRequest = body::json(&req)?;
        let origin = context::origin(&req);
        self.passwords.change(&caller, &request.current_password, &request.new_password, &origin).await?;
        Ok(response::empty(StatusCode::NO_CONTENT))
    }
}
