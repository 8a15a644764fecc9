//! `POST /api/auth/password/forgot`: a password reset code for an existing account, sent through
//! the notification channel; 202 whatever the email (see `shared::services::account_messages`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::account_messages::AccountMessages;
use shared::{ApiError, App};

pub struct ForgotPassword {
    messages: AccountMessages,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForgotRequest {
    email: String,
}

impl ForgotPassword {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { messages: AccountMessages::new(&app.database(), app.publisher()?)? })
    }
}

impl Endpoint for ForgotPassword {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: ForgotRequest = body::json(&req)?;
        self.messages.forgot_password(&request.email, &context::origin(&req)).await?;
        Ok(response::empty(StatusCode::ACCEPTED))
    }
}
