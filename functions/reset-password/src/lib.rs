//! `POST /api/auth/password/reset`: spends a password reset code, sets the new password and ends
//! every session of the account (see `shared::services::passwords`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::passwords::PasswordReset;
use shared::{ApiError, App};

pub struct ResetPassword {
    passwords: PasswordReset,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    token: String,
    password: String,
}

impl ResetPassword {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { passwords: PasswordReset::new(&app.database())? })
    }
}

impl Endpoint for ResetPassword {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: ResetRequest = body::json(&req)?;
        self.passwords.reset(&request.token, &request.password, &context::origin(&req)).await?;
        Ok(response::empty(StatusCode::NO_CONTENT))
    }
}
