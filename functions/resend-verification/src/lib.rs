//! `POST /api/auth/verify/resend`: a fresh verification code for an unverified account, sent
//! through the notification channel; 202 whatever the email (see `shared::services::account_messages`).

use serde::Deserialize;
use shared::config::ConfigError;
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::services::account_messages::AccountMessages;
use shared::{ApiError, App};

pub struct ResendVerification {
    messages: AccountMessages,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendRequest {
    email: String,
}

impl ResendVerification {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { messages: AccountMessages::new(&app.database(), app.publisher()?)? })
    }
}

impl Endpoint for ResendVerification {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: ResendRequest = body::json(&req)?;
        self.messages.resend_verification(&request.email, &context::origin(&req)).await?;
        Ok(response::empty(StatusCode::ACCEPTED))
    }
}
