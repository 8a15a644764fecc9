//! `POST /api/auth/verify`: spends an email verification code and marks the account verified.

use serde::Deserialize;
use shared::accounts::session_tokens::UserResponse;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::email_verification::EmailVerification;
use shared::{ApiError, App};

pub struct VerifyUser {
    verification: EmailVerification,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    token: String,
}

impl VerifyUser {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { verification: EmailVerification::new(&app.database())? })
    }
}

impl Endpoint for VerifyUser {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: VerifyRequest = body::json(&req)?;
        let user = self.verification.verify(&request.token, &context::origin(&req)).await?;
        Ok(response::json(StatusCode::OK, &UserResponse { user }))
    }
}
