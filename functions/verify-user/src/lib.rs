//! `POST /api/auth/verify`: spends an email verification token and marks the account verified.

use std::sync::Arc;

use serde::Deserialize;
use shared::accounts::SecretToken;
use shared::accounts::session_tokens::UserResponse;
use shared::clock::Clock;
use shared::config::ConfigError;
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::{AuditLog, RateLimiter, SessionRepo, UserRepo, rate_limits};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, context, response};
use shared::{ApiError, App};

pub struct VerifyUser {
    users: UserRepo,
    sessions: SessionRepo,
    limits: RateLimiter,
    audit: AuditLog,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyRequest {
    token: String,
}

impl VerifyUser {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::from_app(app)?,
            sessions: SessionRepo::from_app(app)?,
            limits: RateLimiter::from_app(app)?,
            audit: AuditLog::from_app(app)?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for VerifyUser {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: VerifyRequest = body::json(&req)?;
        self.limits.acquire(&rate_limits::VERIFICATIONS, &context::source_ip(&req)).await?;
        let token = SecretToken::parse(&request.token).ok_or(ApiError::InvalidToken)?;
        let user_id = self.sessions.consume_verification(&token, &self.users, self.clock.now()).await?;
        let account = self.users.get(user_id).await?.ok_or_else(|| ApiError::internal("verified user vanished"))?;
        self.audit.record(AuditEntry::of(&req, AuditAction::EmailVerified, Subject::User(user_id))).await;
        Ok(response::json(StatusCode::OK, &UserResponse { user: account.user }))
    }
}
