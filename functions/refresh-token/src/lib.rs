//! `POST /api/auth/refresh`: a refresh token for a new pair. Refresh tokens rotate; presenting one
//! that was already rotated revokes its whole session. The new access token carries the user's
//! current role, so a role change takes effect here.

use std::sync::Arc;

use serde::Deserialize;
use shared::accounts::SecretToken;
use shared::accounts::session_tokens::TokenResponse;
use shared::accounts::tokens::TokenIssuer;
use shared::app::load_private_key;
use shared::clock::Clock;
use shared::config::{ConfigError, vars};
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::sessions::Rotation;
use shared::db::{AuditLog, SessionRepo, UserRepo};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body, response};
use shared::{ApiError, App};

pub struct RefreshToken {
    users: UserRepo,
    sessions: SessionRepo,
    audit: AuditLog,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefreshRequest {
    refresh_token: String,
}

impl RefreshToken {
    pub async fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self {
            users: UserRepo::from_app(app)?,
            sessions: SessionRepo::from_app(app)?,
            audit: AuditLog::from_app(app)?,
            issuer: TokenIssuer::from_private_base64(vars::JWT_PRIVATE_KEY, &load_private_key(&app.config).await?)?,
            clock: Arc::clone(&app.clock),
        })
    }
}

impl Endpoint for RefreshToken {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: RefreshRequest = body::json(&req)?;
        let presented = SecretToken::parse(&request.refresh_token).ok_or(ApiError::Unauthorized)?;
        let now = self.clock.now();
        let next = SecretToken::generate();
        let user_id = match self.sessions.rotate(&presented, &next, now).await? {
            Rotation::Rotated { user_id } => user_id,
            Rotation::Invalid => return Err(ApiError::Unauthorized),
            Rotation::Reused { user_id, session_id } => {
                let mut entry = AuditEntry::of(&req, AuditAction::SessionRevokedOnTokenReuse, Subject::User(user_id));
                entry.detail = Some(format!("session {session_id}"));
                self.audit.record(entry).await;
                return Err(ApiError::Unauthorized);
            }
        };
        let account = self.users.get(user_id).await?.ok_or(ApiError::Unauthorized)?;
        let access = self.issuer.issue(&account.user, now);
        Ok(response::json(StatusCode::OK, &TokenResponse::new(access, &next, account.user)))
    }
}
