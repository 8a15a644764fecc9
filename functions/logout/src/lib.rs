//! `POST /api/auth/logout`: ends the session a refresh token belongs to. Always 204: logging out
//! twice, or with a token that is already gone, leaves the same state.

use serde::Deserialize;
use shared::accounts::SecretToken;
use shared::config::ConfigError;
use shared::db::audit::{AuditAction, AuditEntry, Subject};
use shared::db::{AuditLog, SessionRepo};
use shared::http::{Body, Endpoint, Request, Response, StatusCode, body};
use shared::{ApiError, App};

pub struct Logout {
    sessions: SessionRepo,
    audit: AuditLog,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LogoutRequest {
    refresh_token: String,
}

impl Logout {
    pub fn new(app: &App) -> Result<Self, ConfigError> {
        Ok(Self { sessions: SessionRepo::from_app(app)?, audit: AuditLog::from_app(app)? })
    }
}

impl Endpoint for Logout {
    async fn handle(&self, req: Request) -> Result<Response<Body>, ApiError> {
        let request: LogoutRequest = body::json(&req)?;
        if let Some(token) = SecretToken::parse(&request.refresh_token) {
            if let Some((user_id, session_id)) = self.sessions.revoke_by_token(&token).await? {
                let mut entry = AuditEntry::of(&req, AuditAction::LoggedOut, Subject::User(user_id));
                entry.detail = Some(format!("session {session_id}"));
                self.audit.record(entry).await;
            }
        }
        Ok(Response::builder().status(StatusCode::NO_CONTENT).body(Body::Empty).expect("a static response"))
    }
}
